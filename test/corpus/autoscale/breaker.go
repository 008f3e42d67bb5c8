// Package autoscale holds the request path of a scale-to-zero serving system: a breaker that
// bounds concurrency, a throttler in front of revisions and the queue proxy's stats.
package autoscale

import (
	"context"
	"errors"
	"sync"
)

var (
	ErrRequestQueueFull = errors.New("autoscale: pending request queue full")
	errBreakerClosed    = errors.New("autoscale: breaker closed")
)

type Breaker struct {
	mu         sync.Mutex
	pending    int
	maxPending int
	sem        chan struct{}
	closed     bool
}

func NewBreaker(concurrency, queueDepth int) *Breaker {
	return &Breaker{sem: make(chan struct{}, concurrency), maxPending: queueDepth}
}

// reserve forgets the unlock when the queue is full.
func (b *Breaker) reserve() bool {
	b.mu.Lock()
	if b.pending >= b.maxPending {
		return false // want "leaves `b.mu` locked"
	}
	b.pending++
	b.mu.Unlock()
	return true
}

// ok: the deferred unlock covers the full-queue return.
func (b *Breaker) reserveFixed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.pending >= b.maxPending {
		return false
	}
	b.pending++
	return true
}

func (b *Breaker) release() {
	b.mu.Lock()
	b.pending--
	b.mu.Unlock()
}

// ok: waiting for a slot also watches ctx; the slot is given back on every path.
func (b *Breaker) Maybe(ctx context.Context, thunk func()) error {
	if !b.reserveFixed() {
		return ErrRequestQueueFull
	}
	defer b.release()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case b.sem <- struct{}{}:
	}
	defer func() { <-b.sem }()
	thunk()
	return nil
}

// ok: Close takes the lock once and reports a second close as an error.
func (b *Breaker) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errBreakerClosed
	}
	b.closed = true
	return nil
}
