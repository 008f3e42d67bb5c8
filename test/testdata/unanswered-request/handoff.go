package fixtures

import (
	"context"
	"errors"
)

type pickReq struct {
	ctx    context.Context
	method string
	done   chan string
}

// Balancer answers picks from a goroutine per request, or through a helper that always replies.
type Balancer struct {
	pickc   chan pickReq
	closing chan struct{}
	addrs   []string
}

func (b *Balancer) pick(r pickReq) { r.done <- b.addrs[0] }

func (b *Balancer) fail(r pickReq, err error) { r.done <- "" }

func (b *Balancer) watch() {
	for {
		select {
		case r := <-b.pickc:
			if len(b.addrs) == 0 {
				b.fail(r, errors.New("no addresses"))
				continue
			}
			if r.ctx.Err() != nil {
				close(r.done)
				continue
			}
			go b.pick(r)
		case <-b.closing:
			return
		}
	}
}

// ok: every path hands the request to something that answers it.
func (b *Balancer) Pick(ctx context.Context, method string) (string, error) {
	r := pickReq{ctx: ctx, method: method, done: make(chan string, 1)}
	select {
	case b.pickc <- r:
	case <-b.closing:
		return "", errors.New("closing")
	}
	return <-r.done, nil // ok
}

type snapReq chan []byte

// Snapshotter sends the snapshot itself on the channel it was given, unless it is shutting down.
type Snapshotter struct {
	snapc chan chan []byte
	state []byte
	dirty bool
}

func (s *Snapshotter) save() error { return nil }

func (s *Snapshotter) run(ctx context.Context) {
	for {
		select {
		case ch := <-s.snapc:
			if s.dirty {
				if err := s.save(); err != nil {
					break
				}
			}
			ch <- s.state
		case <-ctx.Done():
			return
		}
	}
}

// The failed save breaks out of the select, and the snapshot is never sent.
func (s *Snapshotter) Snapshot(ctx context.Context) ([]byte, error) {
	ch := make(chan []byte, 1)
	select {
	case s.snapc <- ch:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return <-ch, nil // want "`<-ch` blocks forever if `run` takes this request and ends the case without replying"
}

type closeReq struct {
	reason string
	done   chan struct{}
}

// Session answers a close request by closing its done channel on the way out.
type Session struct {
	closec chan closeReq
	events chan string
}

func (s *Session) loop() {
	for {
		select {
		case r, ok := <-s.closec:
			if !ok {
				return
			}
			close(r.done)
			return
		case ev := <-s.events:
			_ = ev
		}
	}
}

// ok: the loop closes done before it returns.
func (s *Session) Close(reason string) {
	r := closeReq{reason: reason, done: make(chan struct{})}
	s.closec <- r
	<-r.done // ok
}
