package autoscale

import (
	"context"
	"sync"
	"time"
)

type podTracker struct {
	dest string
	b    *Breaker
}

type revisionThrottler struct {
	mu          sync.RWMutex
	podTrackers []*podTracker
	refreshCh   chan struct{}
	stopCh      chan struct{}
	probe       func(dest string) bool
	healthy     map[string]bool
}

// Try runs fn in the background and returns when ctx ends, abandoning the goroutine's send.
func (rt *revisionThrottler) Try(ctx context.Context, fn func(dest string) error) error {
	rt.mu.RLock()
	if len(rt.podTrackers) == 0 {
		rt.mu.RUnlock()
		return ErrRequestQueueFull
	}
	dest := rt.podTrackers[0].dest
	rt.mu.RUnlock()
	resc := make(chan error)
	go func() {
		resc <- fn(dest) // want "blocks forever"
	}()
	select {
	case err := <-resc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ok: the result can always be delivered.
func (rt *revisionThrottler) TryFixed(ctx context.Context, fn func(dest string) error) error {
	rt.mu.RLock()
	if len(rt.podTrackers) == 0 {
		rt.mu.RUnlock()
		return ErrRequestQueueFull
	}
	dest := rt.podTrackers[0].dest
	rt.mu.RUnlock()
	resc := make(chan error, 1)
	go func() {
		resc <- fn(dest)
	}()
	select {
	case err := <-resc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// checkDests probes every destination; Add is called inside each probe goroutine.
func (rt *revisionThrottler) checkDests(dests []string) map[string]bool {
	var wg sync.WaitGroup
	var mu sync.Mutex
	healthy := make(map[string]bool, len(dests))
	for _, d := range dests {
		go func(d string) {
			wg.Add(1) // want "inside the goroutine"
			defer wg.Done()
			ok := rt.probe(d)
			mu.Lock()
			healthy[d] = ok
			mu.Unlock()
		}(d)
	}
	wg.Wait()
	return healthy
}

// ok: Add before go.
func (rt *revisionThrottler) checkDestsFixed(dests []string) map[string]bool {
	var wg sync.WaitGroup
	var mu sync.Mutex
	healthy := make(map[string]bool, len(dests))
	for _, d := range dests {
		wg.Add(1)
		go func(d string) {
			defer wg.Done()
			ok := rt.probe(d)
			mu.Lock()
			healthy[d] = ok
			mu.Unlock()
		}(d)
	}
	wg.Wait()
	return healthy
}

// ok: the refresh loop ends on stopCh.
func (rt *revisionThrottler) run() {
	for {
		select {
		case <-rt.stopCh:
			return
		case <-rt.refreshCh:
			h := rt.checkDestsFixed(rt.dests())
			rt.mu.Lock()
			rt.healthy = h
			rt.mu.Unlock()
		}
	}
}

func (rt *revisionThrottler) dests() []string {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	out := make([]string, 0, len(rt.podTrackers))
	for _, t := range rt.podTrackers {
		out = append(out, t.dest)
	}
	return out
}

// updateTrackers holds the read lock while it calls dests, which read-locks again.
func (rt *revisionThrottler) updateTrackers(cap int) {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	for _, d := range rt.dests() { // want "read-lock|RLock"
		_ = d
	}
	for _, t := range rt.podTrackers {
		t.b = NewBreaker(cap, cap*10)
	}
}

// ok: the poll checks ctx.Err() on every pass, so a cancellation is seen within one short sleep.
func (rt *revisionThrottler) waitForCapacity(ctx context.Context) bool {
	for {
		rt.mu.RLock()
		n := len(rt.podTrackers)
		rt.mu.RUnlock()
		if n > 0 {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}
