package hooks

import "sync"

// Cache hands evicted keys to a janitor goroutine, which reports them through a hook.
type Cache struct {
	mu      sync.Mutex
	items   map[string][]byte
	evicted int
	evictc  chan string
	onEvict func(string)
	hits    map[string]int
}

func NewCache() *Cache {
	c := &Cache{items: map[string][]byte{}, evictc: make(chan string), hits: map[string]int{}}
	c.installHooks()
	go c.janitor()
	return c
}

func (c *Cache) janitor() {
	for k := range c.evictc {
		c.onEvict(k)
	}
}

func (c *Cache) Remove(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.items, k)
	c.evictc <- k // want "`c\\.evictc <- k` waits while holding `c\\.mu`, but the receiver `Cache\\.janitor` \\(via `onEvict`\\) locks it between receives"
}

// ok: the key is handed over after the lock is let go.
func (c *Cache) Evict(k string) {
	c.mu.Lock()
	delete(c.items, k)
	c.mu.Unlock()
	c.evictc <- k // ok
}
