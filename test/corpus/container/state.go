// Package container tracks container state for a daemon: state changes, waits, attach
// streams, events and exec sessions.
package container

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

var errWaitTimeout = errors.New("container: timed out waiting for exit")

type State struct {
	sync.Mutex
	Running  bool
	Paused   bool
	ExitCode int
	Pid      int
}

// String takes a value receiver: it locks a copy of the state's mutex.
func (s State) String() string { // want "copies|copied|value receiver"
	s.Lock()
	defer s.Unlock()
	if s.Running {
		return fmt.Sprintf("Up (pid %d)", s.Pid)
	}
	return fmt.Sprintf("Exited (%d)", s.ExitCode)
}

// ok: pointer receiver.
func (s *State) IsRunning() bool {
	s.Lock()
	defer s.Unlock()
	return s.Running
}

type Container struct {
	ID    string
	mu    sync.Mutex
	cond  *sync.Cond
	state State
	exitc chan struct{}
}

func NewContainer(id string) *Container {
	c := &Container{ID: id, exitc: make(chan struct{})}
	c.cond = sync.NewCond(&c.mu)
	return c
}

// ok: the exit is broadcast under the lock.
func (c *Container) SetStopped(code int) {
	c.mu.Lock()
	c.state.Running = false
	c.state.ExitCode = code
	c.mu.Unlock()
	c.cond.Broadcast()
}

// WaitExit waits for the exit code in the background and gives up after the timeout; the
// waiting goroutine then blocks on its send forever.
func (c *Container) WaitExit(timeout time.Duration) (int, error) {
	exitc := make(chan int)
	go func() {
		c.mu.Lock()
		for c.state.Running {
			c.cond.Wait()
		}
		code := c.state.ExitCode
		c.mu.Unlock()
		exitc <- code // want "blocks forever"
	}()
	select {
	case code := <-exitc:
		return code, nil
	case <-time.After(timeout):
		return -1, errWaitTimeout
	}
}

// ok: the buffered channel lets the waiter finish even when nobody reads.
func (c *Container) WaitExitFixed(timeout time.Duration) (int, error) {
	exitc := make(chan int, 1)
	go func() {
		c.mu.Lock()
		for c.state.Running {
			c.cond.Wait()
		}
		code := c.state.ExitCode
		c.mu.Unlock()
		exitc <- code
	}()
	select {
	case code := <-exitc:
		return code, nil
	case <-time.After(timeout):
		return -1, errWaitTimeout
	}
}

// WaitStopped waits once for a broadcast and reads the state as if it had changed.
func (c *Container) WaitStopped() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state.Running {
		c.cond.Wait() // want "checks the condition once"
	}
	return c.state.ExitCode
}

// snapshot copies the whole state, mutex included.
func (c *Container) snapshot() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state // want "copies|copied|copy"
}

// ok: only the plain fields are copied out.
func (c *Container) exitCode() (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state.ExitCode, c.state.Running
}
