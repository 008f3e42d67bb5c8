package fixtures

import "sync"

type Config struct {
	mu     sync.RWMutex
	values map[string]string
}

func (c *Config) Get(key string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.values[key]
}

func (c *Config) GetOrSet(key, def string) string {
	c.mu.RLock()
	v, ok := c.values[key]
	if !ok {
		c.mu.Lock() // want "`c\\.mu\\.Lock\\(\\)` waits for this goroutine's own read lock, held since line 17: deadlock"
		c.values[key] = def
		c.mu.Unlock()
		v = def
	}
	c.mu.RUnlock()
	return v
}

func (c *Config) Set(key, value string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Get(key) == value { // want "`c\\.Get\\(key\\)` read-locks `c\\.mu` again \\(in `Get`\\), write-locked since line 30: deadlock"
		return
	}
	c.values[key] = value
}

func (c *Config) Replace(values map[string]string) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	c.setAll(values) // want "`c\\.setAll\\(values\\)` locks `c\\.mu` \\(in `setAll`\\) and waits for this goroutine's own read lock"
}

func (c *Config) setAll(values map[string]string) {
	c.mu.Lock()
	c.values = values
	c.mu.Unlock()
}

// ok: the read lock is released before the write lock is taken (the value may change in between, but nothing deadlocks).
func (c *Config) Upgrade(key, def string) string {
	c.mu.RLock()
	v, ok := c.values[key]
	c.mu.RUnlock()
	if ok {
		return v
	}
	c.mu.Lock() // ok
	defer c.mu.Unlock()
	c.values[key] = def
	return def
}
