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
		c.Wait() // want "`c\\.Wait\\(\\)` runs under `if !ready`, which checks the condition once, not after waking up"
	}
	mu.Unlock()
}

type payload struct {
	mu   sync.Mutex
	cond *sync.Cond
	full *string
}

// ok: full only ever goes from nil to set, before the one Broadcast; waiting once is enough
// (go-ethereum miner payload).
func (p *payload) resolveFull() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.full == nil {
		p.cond.Wait()
	}
	return *p.full
}
