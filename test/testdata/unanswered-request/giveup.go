package fixtures

import (
	"context"
	"errors"
)

type flushReq2 struct {
	path string
	done chan struct{}
	size chan int64
}

// Flushers hands syncs to one loop, which gives up on a sync whose file it cannot open.
type Flushers struct {
	syncc chan flushReq2
	stop  chan struct{}
	ctx   context.Context
	quit  chan struct{}
}

func (f *Flushers) open(path string) error {
	if path == "" {
		return errors.New("no path")
	}
	return nil
}

func (f *Flushers) run() {
	for {
		select {
		case r := <-f.syncc:
			if err := f.open(r.path); err != nil {
				continue
			}
			r.size <- 0
			close(r.done)
		case <-f.stop:
			return
		}
	}
}

func (f *Flushers) Close() { close(f.stop) }

// The fix waits in a select that also gives up on f.stop.
func (f *Flushers) Sync(path string) {
	r := flushReq2{path: path, done: make(chan struct{}), size: make(chan int64, 1)}
	select {
	case f.syncc <- r:
	case <-f.stop:
		return
	}
	<-r.done // want "`<-r.done` blocks forever if `run` takes this request and moves on without replying \\(line 34\\)"
}

// A declared result keeps its zero value when the loop has stopped.
func (f *Flushers) Size(path string) int64 {
	r := flushReq2{path: path, done: make(chan struct{}), size: make(chan int64, 1)}
	f.syncc <- r
	n := <-r.size // want "`<-r.size` blocks forever if `run` takes this request and moves on"
	return n
}

// An assignment to a variable declared earlier.
func (f *Flushers) SizeOr(path string, def int64) int64 {
	n := def
	r := flushReq2{path: path, done: make(chan struct{}), size: make(chan int64, 1)}
	f.syncc <- r
	n = <-r.size // want "`<-r.size` blocks forever if `run` takes this request and moves on"
	return n
}

// Pinger's loop stops with the context it keeps in a field.
type Pinger2 struct {
	pingc chan chan bool
	ctx   context.Context
	up    bool
}

func (p *Pinger2) loop() {
	for {
		select {
		case ch := <-p.pingc:
			if !p.up {
				continue
			}
			ch <- true
		case <-p.ctx.Done():
			return
		}
	}
}

func (p *Pinger2) Ping() bool {
	ch := make(chan bool, 1)
	select {
	case p.pingc <- ch:
	case <-p.ctx.Done():
		return false
	}
	ok := <-ch // want "`<-ch` blocks forever if `loop` takes this request and moves on without replying"
	return ok
}

// Quitter's stop channel is sent on, not closed: a second goroutine waiting on it would steal
// the stop meant for the loop, so no fix is offered.
type Quitter struct {
	reqc chan chan int
	quit chan struct{}
	busy bool
}

func (q *Quitter) run() {
	for {
		select {
		case ch := <-q.reqc:
			if q.busy {
				continue
			}
			ch <- 1
		case <-q.quit:
			return
		}
	}
}

func (q *Quitter) Stop() { q.quit <- struct{}{} }

func (q *Quitter) Get() int {
	ch := make(chan int, 1)
	q.reqc <- ch
	v := <-ch // want "`<-ch` blocks forever if `run` takes this request and moves on without replying"
	return v
}
