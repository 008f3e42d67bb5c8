package fixtures

import (
	"sync"
	"testing"
)

// ok: a test parks a goroutine in Wait on purpose; the single Signal is sent once it is blocked.
func TestBlockedInWait(t *testing.T) {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	mu.Lock()
	go func() {
		mu.Lock()
		c.Signal()
		mu.Unlock()
	}()
	c.Wait() // ok
	mu.Unlock()
}

func TestWaitUnderIf(t *testing.T) {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	ready := false
	go func() {
		mu.Lock()
		ready = true
		mu.Unlock()
		c.Broadcast()
	}()
	mu.Lock()
	if !ready {
		c.Wait() // want "`c.Wait\\(\\)` at line \\d+ runs under `if !ready`"
	}
	mu.Unlock()
}
