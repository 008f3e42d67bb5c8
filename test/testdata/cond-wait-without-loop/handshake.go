package fixtures

import (
	"errors"
	"sync"
)

// eventQueue is drained by a flusher that waits on cond while the queue is empty, and
// broadcasts once it finds the queue closed and empty (distribution's notifications queue).
type eventQueue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	events []string
	closed bool
}

// ok: Close wakes the flusher and waits for its answer, the last flush's Broadcast.
func (eq *eventQueue) Close() error {
	eq.mu.Lock()
	defer eq.mu.Unlock()
	if eq.closed {
		return errors.New("already closed")
	}
	eq.closed = true
	eq.cond.Signal() // signal the flusher
	eq.cond.Wait()   // ok
	return nil
}

// Without the signal, the wait is for whatever wakes it next, with nothing checked.
func (eq *eventQueue) Drain() {
	eq.mu.Lock()
	defer eq.mu.Unlock()
	eq.closed = true
	eq.cond.Wait() // want "`eq.cond.Wait\\(\\)` is not in a `for` loop, so nothing rechecks the condition after waking up"
}

func (eq *eventQueue) next() (string, bool) {
	eq.mu.Lock()
	defer eq.mu.Unlock()
	for len(eq.events) == 0 {
		if eq.closed {
			eq.cond.Broadcast()
			return "", false
		}
		eq.cond.Wait()
	}
	e := eq.events[0]
	eq.events = eq.events[1:]
	return e, true
}
