package loops

import "sync"

type entry struct {
	bound bool
	n     int
}

type Cache struct {
	mu    sync.Mutex
	items map[string]*entry
}

func (c *Cache) Cleanup(keys []string) {
	for _, k := range keys {
		c.mu.Lock()
		e, ok := c.items[k]
		if !ok || e.bound {
			continue // want "`continue` leaves `c\\.mu` locked: the next iteration locks it again and blocks forever"
		}
		delete(c.items, k)
		c.mu.Unlock()
	}
}

func (c *Cache) Sum(groups [][]string) int {
	total := 0
outer:
	for _, g := range groups {
		c.mu.Lock()
		for _, k := range g {
			e, ok := c.items[k]
			if !ok {
				continue outer // want "`continue outer` leaves `c\\.mu` locked: the next iteration locks it again and blocks"
			}
			total += e.n
		}
		c.mu.Unlock()
	}
	return total
}

func (c *Cache) Bump(keys []string) {
	for i := 0; i < len(keys); i++ {
		c.mu.Lock()
		e := c.items[keys[i]]
		if e == nil {
			continue // want "leaves `c.mu` locked"
		}
		e.n++
		c.mu.Unlock()
	}
}

// ok: the unlock comes before the continue.
func (c *Cache) CleanupFixed(keys []string) {
	for _, k := range keys {
		c.mu.Lock()
		e, ok := c.items[k]
		if !ok || e.bound {
			c.mu.Unlock()
			continue // ok
		}
		delete(c.items, k)
		c.mu.Unlock()
	}
}

// ok: the lock is taken once, before the loop; continue does not lock it again.
func (c *Cache) Count(keys []string) int {
	n := 0
	c.mu.Lock()
	for _, k := range keys {
		if _, ok := c.items[k]; !ok {
			continue // ok
		}
		n++
	}
	c.mu.Unlock()
	return n
}

// ok: a closure per key keeps the lock and the deferred unlock together.
func (c *Cache) CleanupClosure(keys []string) {
	for _, k := range keys {
		func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			if e, ok := c.items[k]; !ok || e.bound {
				return
			}
			delete(c.items, k)
		}()
	}
}

// ok: the continue jumps to the inner loop, inside the critical section of the outer one.
func (c *Cache) SumFixed(groups [][]string) int {
	total := 0
	for _, g := range groups {
		c.mu.Lock()
		for _, k := range g {
			e, ok := c.items[k]
			if !ok {
				continue // ok
			}
			total += e.n
		}
		c.mu.Unlock()
	}
	return total
}

// ok: locked at the loop head by design (grpc-go's withRetry): the body unlocks before its work
// and relocks after it, so a `continue` after the relock returns to the head as expected.
func (c *Cache) Retry(op func() error) error {
	c.mu.Lock()
	for {
		if len(c.items) == 0 {
			c.mu.Unlock()
			return nil
		}
		c.mu.Unlock()
		err := op()
		c.mu.Lock()
		if err != nil {
			continue // ok
		}
		c.mu.Unlock()
		return nil
	}
}
