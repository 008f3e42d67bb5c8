package fixtures

import "sync"

type latch struct{ keys []string }

// Scheduler embeds a mutex but declares a Lock of its own, taking arguments: a call of it takes
// key latches, not the mutex (tikv's LatchesScheduler).
type Scheduler struct {
	sync.RWMutex
	closed bool
}

func (s *Scheduler) Lock(ts uint64, keys []string) *latch {
	return &latch{keys: keys}
}

func (s *Scheduler) Unlocked(l *latch) {
	s.RLock()
	defer s.RUnlock()
	_ = s.closed
}

// ok: s.Lock(ts, keys) is the scheduler's own method.
func useScheduler(s *Scheduler) {
	l := s.Lock(1, nil)
	s.Unlocked(l) // ok
}

// The embedded mutex's own Lock, spelled through the field, is still the mutex.
func useSchedulerMutex(s *Scheduler) {
	s.RWMutex.Lock()
	s.Unlocked(nil) // want "`s.Unlocked\\(nil\\)` read-locks `s.RWMutex` again \\(in `Unlocked`\\), write-locked since line 32: deadlock"
}

// Gate embeds a mutex and hides its Lock with one of its own that takes none.
type Gate struct {
	sync.Mutex
	open bool
}

func (g *Gate) Lock() { g.open = false }

func (g *Gate) isOpen() bool {
	g.Mutex.Lock()
	defer g.Mutex.Unlock()
	return g.open
}

// ok: g.Lock() is Gate's own method, not the mutex's.
func closeGate(g *Gate) bool {
	g.Lock()
	return g.isOpen() // ok
}
