package release

import (
	"errors"
	"sync"
)

type server struct {
	lock    sync.RWMutex
	started bool
	conns   int
}

// unlockOnce gives back an unlock that works once, whichever of its calls comes first
// (miekg/dns's server).
func unlockOnce(l sync.Locker) func() {
	var once sync.Once
	return func() { once.Do(l.Unlock) }
}

func (s *server) isStarted() bool {
	s.lock.RLock()
	started := s.started
	s.lock.RUnlock()
	return started
}

func (s *server) serve() error {
	for s.isStarted() {
		s.conns++
	}
	return nil
}

// ok: the explicit unlock() releases the lock before serve reads it; the deferred one does nothing.
func (s *server) listenAndServe() error {
	unlock := unlockOnce(&s.lock)
	s.lock.Lock()
	defer unlock()
	if s.started {
		return errors.New("server already started")
	}
	s.started = true
	unlock()
	return s.serve() // ok
}

// Without the explicit unlock() the lock is still held when serve reads it.
func (s *server) listenAndServeHeld() error {
	unlock := unlockOnce(&s.lock)
	s.lock.Lock()
	defer unlock()
	s.started = true
	return s.serve() // want "`s.serve\\(\\)` read-locks `s.lock` again \\(in `serve` → `isStarted`\\), write-locked since line 51: deadlock"
}
