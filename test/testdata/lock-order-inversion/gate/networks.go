package gate

// Without the gate: reported against Stop (a call into another file, both ways).
func (c *Cluster) Attach() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nr.state() // want "`c\\.nr\\.state\\(\\)` locks `c\\.nr\\.mu` while holding `c\\.mu`; `nodeRunner\\.Stop` takes them in reverse"
}
