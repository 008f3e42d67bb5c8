package fixtures

import "sync"

// ok: the guard is released before waiting for the key.
type SafeKeys struct {
	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

func (k *SafeKeys) Lock(key string) {
	k.mu.Lock()
	l, ok := k.locks[key]
	if !ok {
		l = &sync.Mutex{}
		k.locks[key] = l
	}
	k.mu.Unlock()
	l.Lock() // ok: k.mu is free while it waits
}

func (k *SafeKeys) Unlock(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.locks[key].Unlock()
}

// ok: the release does not need the guard (it keeps the mutex it locked).
type Handles struct {
	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

func (h *Handles) Lock(key string) *sync.Mutex {
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.locks[key]
	l.Lock() // ok: callers unlock the returned mutex without h.mu
	return l
}

// ok: the per-key lock is released inside the same critical section.
type Counters struct {
	mu  sync.Mutex
	per map[string]*sync.Mutex
	n   map[string]int
}

func (c *Counters) Inc(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.per[key]
	m.Lock() // ok: unlocked again before c.mu is released; nobody holds it outside c.mu
	c.n[key]++
	m.Unlock()
}

// ok: both sides take the guard for reading only.
type ReadKeys struct {
	mu   sync.RWMutex
	keys map[string]*sync.Mutex
}

func (r *ReadKeys) Acquire(k string) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	r.keys[k].Lock() // ok: readers share r.mu
}

func (r *ReadKeys) Release(k string) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	r.keys[k].Unlock()
}

// ok: the element lock is taken with no guard held at all.
type Stripes struct {
	stripes [16]sync.Mutex
	mu      sync.Mutex
}

func (s *Stripes) Lock(i int) {
	s.stripes[i%16].Lock() // ok: no guard held
}

func (s *Stripes) Unlock(i int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stripes[i%16].Unlock()
}

// ok: a local map of mutexes is not shared with another function.
func lockAll(keys []string) {
	var mu sync.Mutex
	locks := map[string]*sync.Mutex{}
	mu.Lock()
	for _, k := range keys {
		locks[k] = &sync.Mutex{}
		locks[k].Lock() // ok: local map
	}
	mu.Unlock()
}

// ok: the guard taken while waiting is another lock than the one the release needs.
type TwoGuards struct {
	reg   sync.Mutex
	index sync.Mutex
	items map[int]*sync.Mutex
}

func (t *TwoGuards) Hold(i int) {
	t.reg.Lock()
	defer t.reg.Unlock()
	t.items[i].Lock() // ok: Drop takes t.index, not t.reg
}

func (t *TwoGuards) Drop(i int) {
	t.index.Lock()
	defer t.index.Unlock()
	t.items[i].Unlock()
}

// ok: the unlock side locked the key itself first (a scoped helper).
type Scoped struct {
	mu   sync.Mutex
	keys map[string]*sync.Mutex
}

func (s *Scoped) Do(k string, f func()) {
	s.mu.Lock()
	m := s.keys[k]
	s.mu.Unlock()
	m.Lock()
	f()
	s.mu.Lock()
	m.Unlock() // ok: this function took the key itself
	s.mu.Unlock()
}

func (s *Scoped) Peek(k string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[k].Lock() // want "waits for the key while holding `s.mu`, which `Do` needs"
	s.keys[k].Unlock()
}
