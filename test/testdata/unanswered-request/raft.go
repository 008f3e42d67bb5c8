package fixtures

import (
	"errors"
	"log"
)

type entry []byte

type proposal struct {
	data   entry
	result chan error
}

// Node replicates proposals: run forwards each one to the transport, then reports the outcome.
type Node struct {
	propc chan proposal
	out   chan entry
	stop  chan struct{}
}

func (n *Node) run() {
	for {
		select {
		case p := <-n.propc:
			select {
			case n.out <- p.data:
			case <-n.stop:
				return
			}
			p.result <- nil
		case <-n.stop:
			return
		}
	}
}

// Stop between taking the proposal and forwarding it, and Propose waits forever.
func (n *Node) Propose(data entry) error {
	result := make(chan error, 1)
	select {
	case n.propc <- proposal{data, result}:
	case <-n.stop:
		return errors.New("stopped")
	}
	return <-result // want "`<-result` blocks forever if `run` takes this request and returns without replying \\(line 29\\)"
}

type startReq struct {
	id      string
	started chan struct{}
}

// Supervisor starts tasks one at a time; a spawn error is only logged.
type Supervisor struct {
	startc chan startReq
	done   chan struct{}
}

func (s *Supervisor) spawn(id string) error { return nil }

func (s *Supervisor) loop() {
	for {
		select {
		case r := <-s.startc:
			if err := s.spawn(r.id); err != nil {
				log.Printf("start %s: %v", r.id, err)
				continue
			}
			close(r.started)
		case <-s.done:
			return
		}
	}
}

func (s *Supervisor) Start(id string) {
	r := startReq{id: id, started: make(chan struct{})}
	select {
	case s.startc <- r:
	case <-s.done:
		return
	}
	<-r.started // want "`<-r.started` blocks forever if `loop` takes this request and moves on without replying \\(line 68\\)"
}

type leaseReq struct {
	key   string
	grant chan int64
}

// Lessor grants only leases it already knows; the others fall off the end of the case.
type Lessor struct {
	reqc   chan leaseReq
	stopc  chan struct{}
	leases map[string]int64
}

func (l *Lessor) serve() {
	for {
		select {
		case r := <-l.reqc:
			if id, ok := l.leases[r.key]; ok {
				r.grant <- id
			}
		case <-l.stopc:
			return
		}
	}
}

func (l *Lessor) Grant(key string) int64 {
	r := leaseReq{key: key, grant: make(chan int64, 1)}
	l.reqc <- r
	return <-r.grant // want "`<-r.grant` blocks forever if `serve` takes this request and ends the case without replying \\(line 102\\)"
}

type flushReq struct {
	done chan error
}

// Batcher answers every flush, and crashes (not hangs) on a broken invariant.
type Batcher struct {
	flushc chan flushReq
	quit   chan struct{}
	buf    [][]byte
}

func (b *Batcher) write() error { return nil }

func (b *Batcher) loop() {
	for {
		select {
		case f := <-b.flushc:
			if b.buf == nil {
				panic("flush before init")
			}
			f.done <- b.write()
		case <-b.quit:
			return
		}
	}
}

// ok: the only path without an answer panics.
func (b *Batcher) Flush() error {
	f := flushReq{done: make(chan error, 1)}
	select {
	case b.flushc <- f:
	case <-b.quit:
		return errors.New("closed")
	}
	return <-f.done // ok
}

type ackReq struct {
	seq uint64
	ack chan bool
}

// Acker answers without blocking: the caller's buffer always has room for the one answer.
type Acker struct {
	reqc chan ackReq
	stop chan struct{}
	last uint64
}

func (a *Acker) run() {
	for {
		select {
		case r := <-a.reqc:
			select {
			case r.ack <- r.seq <= a.last:
			default:
			}
		case <-a.stop:
			return
		}
	}
}

// ok: the non-blocking answer always fits in the buffer of one.
func (a *Acker) Acked(seq uint64) bool {
	r := ackReq{seq: seq, ack: make(chan bool, 1)}
	select {
	case a.reqc <- r:
	case <-a.stop:
		return false
	}
	return <-r.ack // ok
}
