package rpc

import (
	"context"
	"errors"
	"net"
	"time"
)

var errResolveFailed = errors.New("rpc: resolution failed")

type dnsResolver struct {
	ctx     context.Context
	cancel  context.CancelFunc
	host    string
	rn      chan struct{}
	lookup  func(ctx context.Context, host string) ([]string, error)
	updates chan []string
}

// ok: the resolver keeps its own context and cancel, released in Close.
func newDNSResolver(host string) *dnsResolver {
	ctx, cancel := context.WithCancel(context.Background())
	r := &dnsResolver{ctx: ctx, cancel: cancel, host: host, rn: make(chan struct{}, 1), updates: make(chan []string, 1)}
	go r.watcher()
	return r
}

func (r *dnsResolver) Close() { r.cancel() }

// ok: every wait in the loop also watches r.ctx.
func (r *dnsResolver) watcher() {
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-r.rn:
		}
		addrs, err := r.lookup(r.ctx, r.host)
		if err == nil {
			select {
			case r.updates <- addrs:
			case <-r.ctx.Done():
				return
			}
		}
		t := time.NewTimer(30 * time.Second)
		select {
		case <-t.C:
		case <-r.ctx.Done():
			t.Stop()
			return
		}
	}
}

// lookupWithRetry sleeps between attempts without watching ctx.
func (r *dnsResolver) lookupWithRetry(ctx context.Context, attempts int) ([]string, error) {
	backoff := 100 * time.Millisecond
	for i := 0; i < attempts; i++ {
		addrs, err := r.lookup(ctx, r.host)
		if err == nil {
			return addrs, nil
		}
		time.Sleep(backoff) // want "time.Sleep"
		backoff *= 2
	}
	return nil, errResolveFailed
}

// ok: the wait between attempts ends early when ctx is cancelled.
func (r *dnsResolver) lookupWithRetryFixed(ctx context.Context, attempts int) ([]string, error) {
	backoff := 100 * time.Millisecond
	for i := 0; i < attempts; i++ {
		addrs, err := r.lookup(ctx, r.host)
		if err == nil {
			return addrs, nil
		}
		t := time.NewTimer(backoff)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		}
		backoff *= 2
	}
	return nil, errResolveFailed
}

// ok: the idiomatic retry: time.After in a select that also watches ctx; each timer fires or
// the function returns, so none piles up.
func (r *dnsResolver) lookupBackoff(ctx context.Context) ([]string, error) {
	for i := 0; i < 5; i++ {
		addrs, err := r.lookup(ctx, r.host)
		if err == nil {
			return addrs, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(i+1) * time.Second):
		}
	}
	return nil, errResolveFailed
}

// dialTarget takes its context as the second parameter.
func dialTarget(addr string, ctx context.Context) (net.Conn, error) { // want "passes the context first"
	var d net.Dialer
	return d.DialContext(ctx, "tcp", addr)
}

// ok: context first.
func dialTargetFixed(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", addr)
}
