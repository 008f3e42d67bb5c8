package fixtures

import "sync"

// StatefulCond is a condition variable of its own: Wait does not block when Signal came first
// (buildkit's util/cond). Its callers loop on their own condition, as sync.Cond's callers do.
type StatefulCond struct {
	main      sync.Locker
	mu        sync.Mutex
	c         *sync.Cond
	signalled bool
}

func NewStatefulCond(l sync.Locker) *StatefulCond {
	sc := &StatefulCond{main: l}
	sc.c = sync.NewCond(&sc.mu)
	return sc
}

// ok: the loop is the caller's duty, as with sync.Cond.Wait.
func (s *StatefulCond) Wait() {
	s.main.Unlock()
	s.mu.Lock()
	if !s.signalled {
		s.c.Wait() // ok
	}
	s.signalled = false
	s.mu.Unlock()
	s.main.Lock()
}

func (s *StatefulCond) Signal() {
	s.mu.Lock()
	s.signalled = true
	s.c.Signal()
	s.mu.Unlock()
}

// Latch has no Signal of its own: its Await is a waiter, and must recheck.
type Latch struct {
	mu   sync.Mutex
	c    *sync.Cond
	open bool
}

func NewLatch() *Latch {
	l := &Latch{}
	l.c = sync.NewCond(&l.mu)
	return l
}

func (l *Latch) Wait() {
	l.mu.Lock()
	if !l.open {
		l.c.Wait() // want "`l.c.Wait\\(\\)` runs under `if !l.open`, which checks the condition once, not after waking up"
	}
	l.mu.Unlock()
}

func (l *Latch) Release() {
	l.mu.Lock()
	l.open = true
	l.mu.Unlock()
	l.c.Broadcast()
}
