//fixture:go 1.20

package raftnode

import (
	"context"
	"errors"
	"sync"
	"time"
)

var ErrLeaseNotFound = errors.New("raftnode: lease not found")

type LeaseID int64

type lease struct {
	id     LeaseID
	ttl    time.Duration
	expiry time.Time
}

type keepAliveResp struct {
	id  LeaseID
	ttl time.Duration
}

type Lessor struct {
	mu     sync.RWMutex
	leases map[LeaseID]*lease
	respc  chan keepAliveResp
	grant  func(ctx context.Context, ttl time.Duration) (LeaseID, error)
}

func NewLessor() *Lessor {
	return &Lessor{
		leases: make(map[LeaseID]*lease),
		respc:  make(chan keepAliveResp, 16),
	}
}

func (l *Lessor) sendKeepAlives() {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for range l.leases {
	}
}

// keepAliveLoop renews leases until ctx is cancelled, or so it promises.
func (l *Lessor) keepAliveLoop(ctx context.Context) {
	ticker := time.NewTicker(500 * time.Millisecond)
	defer ticker.Stop()
	for { // want "never watches `ctx.Done\\(\\)`"
		select {
		case <-ticker.C:
			l.sendKeepAlives()
		case resp := <-l.respc:
			l.mu.Lock()
			if ls, ok := l.leases[resp.id]; ok {
				ls.expiry = time.Now().Add(resp.ttl)
			}
			l.mu.Unlock()
		}
	}
}

// ok: the loop leaves when ctx is cancelled.
func (l *Lessor) keepAliveLoopFixed(ctx context.Context) {
	ticker := time.NewTicker(500 * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			l.sendKeepAlives()
		case resp := <-l.respc:
			l.mu.Lock()
			if ls, ok := l.leases[resp.id]; ok {
				ls.expiry = time.Now().Add(resp.ttl)
			}
			l.mu.Unlock()
		}
	}
}

func (l *Lessor) Revoke(id LeaseID) error {
	l.mu.Lock()
	ls, ok := l.leases[id]
	if !ok {
		return ErrLeaseNotFound // want "leaves `l.mu` locked"
	}
	delete(l.leases, ls.id)
	l.mu.Unlock()
	return nil
}

// ok: the deferred unlock covers the early return.
func (l *Lessor) RevokeFixed(id LeaseID) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.leases[id]; !ok {
		return ErrLeaseNotFound
	}
	delete(l.leases, id)
	return nil
}

// Grant asks the cluster for a lease, bounded by a timeout.
func (l *Lessor) Grant(parent context.Context, ttl time.Duration) (LeaseID, error) {
	ctx, cancel := context.WithTimeout(parent, 5*time.Second) // want "cancel"
	id, err := l.grant(ctx, ttl)
	if err != nil {
		return 0, err
	}
	cancel()
	l.mu.Lock()
	l.leases[id] = &lease{id: id, ttl: ttl, expiry: time.Now().Add(ttl)}
	l.mu.Unlock()
	return id, nil
}

// ok: the deferred cancel runs on every path.
func (l *Lessor) GrantFixed(parent context.Context, ttl time.Duration) (LeaseID, error) {
	ctx, cancel := context.WithTimeout(parent, 5*time.Second)
	defer cancel()
	id, err := l.grant(ctx, ttl)
	if err != nil {
		return 0, err
	}
	l.mu.Lock()
	l.leases[id] = &lease{id: id, ttl: ttl, expiry: time.Now().Add(ttl)}
	l.mu.Unlock()
	return id, nil
}

// ok: read lock for the lookup, released before returning the copy.
func (l *Lessor) TTL(id LeaseID) (time.Duration, bool) {
	l.mu.RLock()
	ls, ok := l.leases[id]
	l.mu.RUnlock()
	if !ok {
		return 0, false
	}
	return ls.ttl, true
}
