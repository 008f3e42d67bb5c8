package fixtures

import "sync"

// Callbacks run by a function that holds the lock they ask for.

type Registry struct {
	mu       sync.RWMutex
	items    map[string]int
	onChange func(string)
	onEvict  func(string)
}

func (r *Registry) Each(f func(k string)) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for k := range r.items {
		f(k)
	}
}

func (r *Registry) Remove(k string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.items, k)
	r.onEvict(k)
}

func (r *Registry) Len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.items)
}

func (r *Registry) Purge() {
	r.Each(func(k string) {
		r.Remove(k) // want "`r\\.Remove\\(k\\)` locks `r\\.mu` \\(in `Remove`\\) while `Each` runs this literal with `r\\.mu`"
	})
}

func (r *Registry) Bump() {
	r.Each(func(k string) {
		r.mu.Lock() // want "`r.mu.Lock\\(\\)` while `Each` runs this literal with `r.mu` read-locked"
		r.items[k]++
		r.mu.Unlock()
	})
}

func NewRegistry() *Registry {
	r := &Registry{items: map[string]int{}}
	r.onEvict = func(k string) {
		_ = r.Len() // want "`r\\.Len\\(\\)` read-locks `r\\.mu` \\(in `Len`\\) while `Remove` runs it via `onEvict` with"
	}
	return r
}

func (r *Registry) Set(k string, v int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.items[k] = v
	r.onChange(k)
}

func (r *Registry) Watch() {
	r.onChange = func(k string) {
		r.mu.RLock() // want "`r\\.mu\\.RLock\\(\\)` while `Set` runs it via `onChange` with `r\\.mu` locked: deadlock"
		_ = r.items[k]
		r.mu.RUnlock()
	}
}

// A package function that runs its argument under the lock.
type Store struct {
	mu   sync.Mutex
	data map[string]string
}

func withLock(s *Store, f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

func (s *Store) Put(k, v string) {
	s.mu.Lock()
	s.data[k] = v
	s.mu.Unlock()
}

func (s *Store) flush() { s.Put("flushed", "1") }

func reset(s *Store) {
	withLock(s, func() {
		s.Put("reset", "1") // want "`s\\.Put\\(\"reset\", \"1\"\\)` locks `s\\.mu` \\(in `Put`\\) while `withLock` runs this literal with"
	})
}

func flushAll(s *Store) {
	withLock(s, func() {
		s.flush() // want "`s\\.flush\\(\\)` locks `s\\.mu` \\(in `flush` → `Put`\\) while `withLock` runs this literal with"
	})
}

// Range stops when the callback says so; deleting from inside still deadlocks.
func (s *Store) Range(f func(k, v string) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.data {
		if !f(k, v) {
			break
		}
	}
}

func (s *Store) DropEmpty() {
	s.Range(func(k, v string) bool {
		if v == "" {
			s.Put(k, "-") // want "`s\\.Put\\(k, \"-\"\\)` locks `s\\.mu` \\(in `Put`\\) while `Range` runs this literal with `s\\.mu`"
		}
		return true
	})
}

// Look-alikes that do not deadlock.

// ok: the callbacks run after the lock is released.
func (r *Registry) EachUnlocked(f func(k string)) {
	r.mu.RLock()
	keys := make([]string, 0, len(r.items))
	for k := range r.items {
		keys = append(keys, k)
	}
	r.mu.RUnlock()
	for _, k := range keys {
		f(k)
	}
}

func (r *Registry) PurgeUnlocked() {
	r.EachUnlocked(func(k string) {
		r.Remove(k) // ok: EachUnlocked no longer holds r.mu
	})
}

// ok: the callback does not lock.
func (r *Registry) Keys() []string {
	var out []string
	r.Each(func(k string) {
		out = append(out, k) // ok
	})
	return out
}

// ok: a read lock inside a read-locked callback is recursive-rlock's case, not a certain deadlock.
func (r *Registry) Total() int {
	n := 0
	r.Each(func(k string) {
		n += r.Len() // ok: for double-lock
	})
	return n
}

// ok: the callback runs on its own goroutine.
func (r *Registry) EachAsync(f func(k string)) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for k := range r.items {
		go f(k)
	}
}

func (r *Registry) PurgeAsync() {
	r.EachAsync(func(k string) {
		r.Remove(k) // ok: another goroutine waits for the read lock to end
	})
}

// ok: the callback locks another mutex.
type Pair struct {
	a, b Store
}

func (p *Pair) Copy() {
	withLock(&p.a, func() {
		p.b.Put("k", "v") // ok: p.b.mu, not p.a.mu
	})
}

// ok: the field callback is called after the unlock.
type Notifier struct {
	mu     sync.Mutex
	subs   []string
	notify func()
}

func (n *Notifier) Add(s string) {
	n.mu.Lock()
	n.subs = append(n.subs, s)
	n.mu.Unlock()
	n.notify()
}

func (n *Notifier) Count() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.subs)
}

func NewNotifier() *Notifier {
	n := &Notifier{}
	n.notify = func() {
		_ = n.Count() // ok: Add calls notify after unlocking
	}
	return n
}

// ok: the holder calls the field of another value, which the literal's variable is not.
type Node struct {
	mu     sync.Mutex
	parent *Node
	hook   func()
}

func (n *Node) Fire() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.parent.hook()
}

func (n *Node) Lock() {
	n.mu.Lock()
}

func Attach(n *Node) {
	n.hook = func() {
		n.Lock() // ok: Fire calls the parent's hook, holding its own lock
	}
}
