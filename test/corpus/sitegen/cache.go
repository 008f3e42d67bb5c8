//fixture:go 1.21

package sitegen

import (
	"errors"
	"sync"
)

var errNoPartial = errors.New("sitegen: partial not found")

type partialCache struct {
	mu      sync.Mutex
	entries map[string][]byte
	build   func(name string) ([]byte, error)
}

func newPartialCache(build func(string) ([]byte, error)) *partialCache {
	return &partialCache{entries: make(map[string][]byte), build: build}
}

func (c *partialCache) delete(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, name)
}

// Clear holds the lock and calls delete, which locks again.
func (c *partialCache) Clear(prefix string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for name := range c.entries {
		if len(name) >= len(prefix) && name[:len(prefix)] == prefix {
			c.delete(name) // want "locks `c.mu` again"
		}
	}
}

// ok: delete the entries directly while holding the lock.
func (c *partialCache) ClearFixed(prefix string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for name := range c.entries {
		if len(name) >= len(prefix) && name[:len(prefix)] == prefix {
			delete(c.entries, name)
		}
	}
}

// Get builds missing partials under the lock and leaks it when the build fails.
func (c *partialCache) Get(name string) ([]byte, error) {
	c.mu.Lock()
	if b, ok := c.entries[name]; ok {
		c.mu.Unlock()
		return b, nil
	}
	b, err := c.build(name)
	if err != nil {
		return nil, err // want "leaves `c.mu` locked"
	}
	c.entries[name] = b
	c.mu.Unlock()
	return b, nil
}

// ok: defer covers every return.
func (c *partialCache) GetFixed(name string) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if b, ok := c.entries[name]; ok {
		return b, nil
	}
	b, err := c.build(name)
	if err != nil {
		return nil, err
	}
	c.entries[name] = b
	return b, nil
}

// ok: a deferred unlock inside a closure that runs in place.
func (c *partialCache) Len() int {
	n := 0
	func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		n = len(c.entries)
	}()
	return n
}

// ok: lookups that fail are reported without touching the lock twice.
func (c *partialCache) Must(name string) []byte {
	c.mu.Lock()
	b, ok := c.entries[name]
	c.mu.Unlock()
	if !ok {
		panic(errNoPartial)
	}
	return b
}
