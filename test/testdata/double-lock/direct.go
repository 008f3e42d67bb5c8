package fixtures

import (
	"errors"
	"sync"
)

var errDuplicate = errors.New("duplicate")

type Registry struct {
	mu    sync.Mutex
	names map[string]bool
}

func (r *Registry) Register(name string) error {
	r.mu.Lock()
	if r.names[name] {
		r.mu.Unlock()
		return errDuplicate
	}
	r.mu.Lock() // want "second `r.mu.Lock\\(\\)` while `r.mu` is already held since line 16: deadlock"
	r.names[name] = true
	r.mu.Unlock()
	return nil
}

func (r *Registry) Reset(keep string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch keep {
	case "":
		r.names = map[string]bool{}
	default:
		r.mu.Lock() // want "second `r.mu.Lock\\(\\)`"
		r.names = map[string]bool{keep: true}
	}
}

var (
	routesMu sync.Mutex
	routes   = map[string]string{}
)

func addRoute(path, target string) {
	routesMu.Lock()
	defer routesMu.Unlock()
	for p := range routes {
		if p == path {
			routesMu.Lock() // want "second `routesMu.Lock\\(\\)` while `routesMu` is already held since line 45"
			delete(routes, p)
		}
	}
	routes[path] = target
}

type Counter struct {
	sync.Mutex
	hits int
}

func (c *Counter) Hit() {
	c.Lock()
	c.hits++
	c.Mutex.Lock() // want "second `c.Mutex.Lock\\(\\)` while `c` is already held"
	c.Unlock()
}

func localMutex(jobs []func()) {
	var mu sync.Mutex
	for _, job := range jobs {
		mu.Lock()
		job()
	}
	mu.Lock() // ok: the loop may run zero times, and each iteration locks a mutex the previous one left locked, which we do not claim to know
	mu.Unlock()
}

// ok: the mutex is released on the early return and on the main path before locking again.
func (r *Registry) Rename(from, to string) {
	r.mu.Lock()
	if !r.names[from] {
		r.mu.Unlock()
		return
	}
	delete(r.names, from)
	r.mu.Unlock()
	r.mu.Lock()
	r.names[to] = true
	r.mu.Unlock()
}

// ok: two different mutexes of the same struct.
type Stats struct {
	mu      sync.Mutex
	countMu sync.Mutex
	counts  map[string]int
}

func (s *Stats) Add(k string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.countMu.Lock() // ok
	s.counts[k]++
	s.countMu.Unlock()
}

// ok: locking happens in only one branch, so the second lock is not certainly a relock.
func maybeLocked(mu *sync.Mutex, already bool) {
	if !already {
		mu.Lock()
	}
	mu.Lock() // ok
	mu.Unlock()
}

// ok: TryLock never blocks.
func (r *Registry) Busy() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.mu.TryLock() { // ok
		r.mu.Unlock()
		return false
	}
	return true
}

// ok: hand-over-hand locking through a list; each lock is on the next node.
type node struct {
	mu   sync.Mutex
	next *node
	val  int
}

func find(head *node, v int) *node {
	n := head
	n.mu.Lock()
	for n.next != nil && n.val != v {
		next := n.next
		next.mu.Lock() // ok
		n.mu.Unlock()
		n = next
	}
	n.mu.Unlock()
	return n
}

// ok: an in-place closure unlocks with defer before the next lock.
func (r *Registry) Reload(load func() map[string]bool) {
	r.mu.Lock()
	func() {
		defer r.mu.Unlock()
		r.names = load()
	}()
	r.mu.Lock() // ok
	r.names["default"] = true
	r.mu.Unlock()
}

// ok: a sync.Locker interface may be anything; we do not guess.
func withLocker(l sync.Locker, f func()) {
	l.Lock()
	f()
	l.Lock() // ok
}
