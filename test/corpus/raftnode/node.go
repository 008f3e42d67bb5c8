//fixture:go 1.20

// Package raftnode is a small replicated-log node: proposals go through a channel to a run
// loop, and callers wait for the commit or give up.
package raftnode

import (
	"context"
	"errors"
	"sync"
	"time"
)

var (
	ErrStopped = errors.New("raftnode: node stopped")
	ErrTimeout = errors.New("raftnode: request timed out")
)

type entry struct {
	index uint64
	data  []byte
}

type proposal struct {
	data []byte
	done chan error
}

type Node struct {
	mu       sync.Mutex
	applied  uint64
	propc    chan proposal
	stopc    chan struct{}
	donec    chan struct{}
	stopOnce sync.Once
	waiters  map[uint64]chan struct{}
	log      []entry
}

func NewNode() *Node {
	n := &Node{
		propc:   make(chan proposal),
		stopc:   make(chan struct{}),
		donec:   make(chan struct{}),
		waiters: make(map[uint64]chan struct{}),
	}
	go n.run()
	return n
}

// run owns the log. Its send on p.done blocks for good when the proposer has given up.
func (n *Node) run() {
	defer close(n.donec)
	for {
		select {
		case p := <-n.propc:
			e := entry{index: uint64(len(n.log) + 1), data: p.data}
			n.log = append(n.log, e)
			n.apply(e)
			p.done <- nil // want "blocks forever"
		case <-n.stopc:
			return
		}
	}
}

// Propose hands data to the run loop and waits for the commit, giving up after timeout: the
// run loop is then stuck sending on the unbuffered p.done (see the want in run).
func (n *Node) Propose(data []byte, timeout time.Duration) error {
	p := proposal{data: data, done: make(chan error)}
	select {
	case n.propc <- p:
	case <-n.stopc:
		return ErrStopped
	}
	select {
	case err := <-p.done:
		return err
	case <-time.After(timeout):
		return ErrTimeout
	}
}

func (n *Node) requestIndex() uint64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	return uint64(len(n.log))
}

// ReadIndex asks for the current commit index, bounded by ctx.
func (n *Node) ReadIndex(ctx context.Context) (uint64, error) {
	resc := make(chan uint64)
	go func() {
		idx := n.requestIndex()
		resc <- idx // want "blocks forever"
	}()
	select {
	case idx := <-resc:
		return idx, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// ok: the result channel has room for the one value, so the goroutine never blocks.
func (n *Node) ReadIndexBuffered(ctx context.Context) (uint64, error) {
	resc := make(chan uint64, 1)
	go func() {
		resc <- n.requestIndex()
	}()
	select {
	case idx := <-resc:
		return idx, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Applied returns the index of the last applied entry.
func (n *Node) Applied() uint64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.applied
}

func (n *Node) apply(e entry) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if e.index <= n.Applied() { // want "locks `n.mu` again"
		return
	}
	n.applied = e.index
	if w, ok := n.waiters[e.index]; ok {
		close(w)
		delete(n.waiters, e.index)
	}
}

// ok: the locked variant reads the field directly instead of calling Applied.
func (n *Node) applyFixed(e entry) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if e.index <= n.applied {
		return
	}
	n.applied = e.index
}

// ok: sync.Once makes Stop safe to call more than once.
func (n *Node) Stop() {
	n.stopOnce.Do(func() { close(n.stopc) })
	<-n.donec
}

// ok: the waiter channel is registered under the lock and waited on after releasing it.
func (n *Node) WaitApplied(ctx context.Context, index uint64) error {
	n.mu.Lock()
	if n.applied >= index {
		n.mu.Unlock()
		return nil
	}
	w, ok := n.waiters[index]
	if !ok {
		w = make(chan struct{})
		n.waiters[index] = w
	}
	n.mu.Unlock()
	select {
	case <-w:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-n.stopc:
		return ErrStopped
	}
}
