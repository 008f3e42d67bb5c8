package fixtures

import "sync"

type Cache struct {
	mu    sync.Mutex
	items map[string]string
	hooks []func()
}

func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}

func (c *Cache) Put(k, v string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Len() > 100 { // want "`c\\.Len\\(\\)` locks `c\\.mu` again \\(in `Len`\\), already held since line 18: deadlock"
		c.items = map[string]string{}
	}
	c.items[k] = v
}

func (c *Cache) removeOldest() {
	c.mu.Lock()
	for k := range c.items {
		delete(c.items, k)
		break
	}
	c.mu.Unlock()
}

func (c *Cache) evict() {
	c.removeOldest()
}

func (c *Cache) Shrink(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.items) > n {
		c.evict() // want "`c\\.evict\\(\\)` locks `c\\.mu` again \\(in `evict` → `removeOldest`\\), already held"
	}
}

// lock takes c.mu for the caller, who must call c.mu.Unlock.
func (c *Cache) lock() {
	c.mu.Lock()
}

func (c *Cache) Swap(items map[string]string) {
	c.lock()
	old := c.items
	c.items = items
	c.mu.Lock() // want "second `c.mu.Lock\\(\\)` while `c.mu` is already held since line 53 \\(taken by `c.lock\\(\\)`\\)"
	_ = old
	c.mu.Unlock()
}

func clear(c *Cache) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items = nil
}

func (c *Cache) Drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c) // want "`clear\\(c\\)` locks `c.mu` again"
}

// ok: the helper is called after the lock is released.
func (c *Cache) PutUnlocked(k, v string) int {
	c.mu.Lock()
	c.items[k] = v
	c.mu.Unlock()
	return c.Len() // ok
}

// ok: the goroutine waits for the lock until Refresh returns; no deadlock.
func (c *Cache) Refresh() {
	c.mu.Lock()
	defer c.mu.Unlock()
	go c.removeOldest() // ok
	c.items["refreshed"] = "yes"
}

// ok: the closure is stored and runs later, not while the lock is held.
func (c *Cache) OnChange() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hooks = append(c.hooks, func() {
		c.mu.Lock() // ok
		c.items = nil
		c.mu.Unlock()
	})
}

func (c *Cache) getLocked(k string, locked bool) string {
	if !locked {
		c.mu.Lock()
		defer c.mu.Unlock()
	}
	return c.items[k]
}

// ok: the callee locks only when told the caller does not hold the lock.
func (c *Cache) Upsert(k, v string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.getLocked(k, true) == "" { // ok
		c.items[k] = v
	}
}

// ok: the helper releases the lock while it waits and takes it back before returning.
func (c *Cache) waitLocked(ready <-chan struct{}) {
	c.mu.Unlock()
	<-ready
	c.mu.Lock()
}

func (c *Cache) Await(ready <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waitLocked(ready) // ok
	c.items["ready"] = "yes"
}

// ok: another Cache's mutex.
func (c *Cache) CopyFrom(other *Cache) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := other.Len() // ok
	_ = n
}

type Tree struct {
	mkdirMu sync.Mutex
	rootMu  sync.Mutex
	root    *Tree
}

func (t *Tree) mkdir(name string) *Tree {
	t.mkdirMu.Lock()
	defer t.mkdirMu.Unlock()
	return &Tree{}
}

// findRoot creates the root only when create is true; otherwise it returns before mkdir.
func (t *Tree) findRoot(create bool) *Tree {
	t.rootMu.Lock()
	defer t.rootMu.Unlock()
	if t.root != nil {
		return t.root
	}
	if !create {
		return nil
	}
	t.root = t.mkdir("/")
	return t.root
}

// ok: findRoot reaches mkdir (which locks mkdirMu) only after an early return that a false
// create takes; whether a re-lock happens depends on the argument, so it is not certain.
func (t *Tree) purge() {
	t.mkdirMu.Lock()
	defer t.mkdirMu.Unlock()
	_ = t.findRoot(false)
}
