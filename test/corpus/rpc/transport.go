package rpc

import (
	"context"
	"errors"
	"sync"
	"time"
)

var errConnClosing = errors.New("rpc: transport is closing")

type Update struct {
	Addrs []string
}

type transportState int

const (
	reachable transportState = iota
	closing
)

type transport struct {
	mu          sync.Mutex
	state       transportState
	activeReads int
	goAway      chan struct{}
	recv        func() (Update, error)
	ping        func() error
}

func newTransport() *transport {
	return &transport{goAway: make(chan struct{})}
}

// Close forgets to unlock when the transport is already closing.
func (t *transport) Close() error {
	t.mu.Lock()
	if t.state == closing {
		return errConnClosing // want "leaves `t.mu` locked"
	}
	t.state = closing
	t.mu.Unlock()
	close(t.goAway)
	return nil
}

// ok: every path unlocks.
func (t *transport) CloseFixed() error {
	t.mu.Lock()
	if t.state == closing {
		t.mu.Unlock()
		return errConnClosing
	}
	t.state = closing
	t.mu.Unlock()
	close(t.goAway)
	return nil
}

// Watch streams updates to the caller; the send ignores ctx, so a caller that stops reading
// leaves the goroutine blocked.
func (t *transport) Watch(ctx context.Context) <-chan Update {
	out := make(chan Update)
	go func() {
		defer close(out)
		for {
			u, err := t.recv()
			if err != nil {
				return
			}
			out <- u // want "blocks forever if the reader stops"
		}
	}()
	return out
}

// ok: the send also waits on ctx.Done.
func (t *transport) WatchFixed(ctx context.Context) <-chan Update {
	out := make(chan Update)
	go func() {
		defer close(out)
		for {
			u, err := t.recv()
			if err != nil {
				return
			}
			select {
			case out <- u:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// ok: keepalive uses one timer, reset after each ping, and leaves on goAway or ctx.
func (t *transport) keepalive(ctx context.Context, interval time.Duration) {
	timer := time.NewTimer(interval)
	defer timer.Stop()
	for {
		select {
		case <-timer.C:
			if err := t.ping(); err != nil {
				return
			}
			timer.Reset(interval)
		case <-t.goAway:
			return
		case <-ctx.Done():
			return
		}
	}
}

// ok: the read counter is changed under the lock in both places.
func (t *transport) beginRead() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.state == closing {
		return false
	}
	t.activeReads++
	return true
}
