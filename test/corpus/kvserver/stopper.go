// Package kvserver runs replicas: a stopper that tracks async tasks, transaction heartbeats,
// intent resolution and gossip.
package kvserver

import (
	"context"
	"errors"
	"sync"
)

var errUnavailable = errors.New("kvserver: stopper is quiescing")

type Stopper struct {
	mu        sync.Mutex
	quiescing bool
	tasks     map[string]int
	quiesce   chan struct{}
	wg        sync.WaitGroup
}

func NewStopper() *Stopper {
	return &Stopper{tasks: make(map[string]int), quiesce: make(chan struct{})}
}

// RunAsyncTask forgets to unlock when the stopper is already quiescing.
func (s *Stopper) RunAsyncTask(ctx context.Context, name string, f func(context.Context)) error {
	s.mu.Lock()
	if s.quiescing {
		return errUnavailable // want "leaves `s.mu` locked"
	}
	s.tasks[name]++
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.taskDone(name)
		f(ctx)
	}()
	return nil
}

// ok: the same task start with every path unlocking.
func (s *Stopper) RunAsyncTaskFixed(ctx context.Context, name string, f func(context.Context)) error {
	s.mu.Lock()
	if s.quiescing {
		s.mu.Unlock()
		return errUnavailable
	}
	s.tasks[name]++
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.taskDone(name)
		f(ctx)
	}()
	return nil
}

func (s *Stopper) taskDone(name string) {
	s.mu.Lock()
	s.tasks[name]--
	s.mu.Unlock()
	s.wg.Done()
}

// Stop waits for the tasks while holding s.mu, which every task takes in taskDone before Done.
func (s *Stopper) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.quiescing = true
	close(s.quiesce)
	s.wg.Wait() // want "held|holding|while .* locked"
}

// ok: the flag is set under the lock, the wait happens after releasing it.
func (s *Stopper) StopFixed() {
	s.mu.Lock()
	s.quiescing = true
	s.mu.Unlock()
	close(s.quiesce)
	s.wg.Wait()
}

// ok: a read-only accessor.
func (s *Stopper) ShouldQuiesce() <-chan struct{} {
	return s.quiesce
}
