// Package rpc is a small client connection stack: a balancer that picks ready sub-connections,
// a transport with stream quotas, server stream handling and a name resolver.
package rpc

import (
	"context"
	"errors"
	"sync"
)

var errNoSubConn = errors.New("rpc: no ready sub-connection")

type SubConn struct {
	addr  string
	ready bool
}

type balancer struct {
	mu      sync.Mutex
	subs    []*SubConn
	next    int
	readyCh chan struct{}
	closed  bool
}

func newBalancer() *balancer {
	return &balancer{readyCh: make(chan struct{}, 1)}
}

func (b *balancer) pickLocked() *SubConn {
	for i := range b.subs {
		sc := b.subs[(b.next+i)%len(b.subs)]
		if sc.ready {
			b.next++
			return sc
		}
	}
	return nil
}

// Pick blocks until a sub-connection is ready, ignoring the caller's ctx while it waits.
func (b *balancer) Pick(ctx context.Context) (*SubConn, error) {
	for { // want "never watches `ctx.Done\\(\\)`"
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			return nil, errNoSubConn
		}
		sc := b.pickLocked()
		b.mu.Unlock()
		if sc != nil {
			return sc, nil
		}
		<-b.readyCh
	}
}

// ok: the wait also ends when ctx is cancelled.
func (b *balancer) PickFixed(ctx context.Context) (*SubConn, error) {
	for {
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			return nil, errNoSubConn
		}
		sc := b.pickLocked()
		b.mu.Unlock()
		if sc != nil {
			return sc, nil
		}
		select {
		case <-b.readyCh:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (b *balancer) removeAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.subs = nil
}

// Close locks b.mu and then calls removeAll, which locks it again.
func (b *balancer) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	b.removeAll() // want "locks `b.mu` again"
}

// ok: the removal is done inline under the one lock.
func (b *balancer) CloseFixed() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	b.subs = nil
}

// ok: a non-blocking notify into the one-slot channel.
func (b *balancer) UpdateSubConn(sc *SubConn, ready bool) {
	b.mu.Lock()
	sc.ready = ready
	b.mu.Unlock()
	if ready {
		select {
		case b.readyCh <- struct{}{}:
		default:
		}
	}
}
