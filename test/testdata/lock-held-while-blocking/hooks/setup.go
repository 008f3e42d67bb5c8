package hooks

// installHooks wires the cache's callbacks to its own methods.
func (c *Cache) installHooks() {
	c.onEvict = c.count
}

func (c *Cache) count(string) {
	c.mu.Lock()
	c.evicted++
	c.mu.Unlock()
}
