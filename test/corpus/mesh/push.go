// Package mesh pushes configuration to connected proxies: a push queue, the discovery server
// and a file watcher for mesh config.
package mesh

import (
	"sync"
	"time"
)

type Connection struct {
	ID          string
	pushChannel chan *PushEvent
	stop        chan struct{}
}

type PushEvent struct {
	Full    bool
	Version string
	Start   time.Time
}

type PushQueue struct {
	cond     *sync.Cond
	pending  map[*Connection]*PushEvent
	queue    []*Connection
	shutdown bool
}

func NewPushQueue() *PushQueue {
	return &PushQueue{
		cond:    sync.NewCond(&sync.Mutex{}),
		pending: make(map[*Connection]*PushEvent),
	}
}

// ok: Enqueue merges under the lock and signals one waiter.
func (p *PushQueue) Enqueue(c *Connection, ev *PushEvent) {
	p.cond.L.Lock()
	defer p.cond.L.Unlock()
	if p.shutdown {
		return
	}
	if old, ok := p.pending[c]; ok {
		old.Full = old.Full || ev.Full
		return
	}
	p.pending[c] = ev
	p.queue = append(p.queue, c)
	p.cond.Signal()
}

// Dequeue waits once: after a spurious or stolen wake-up the queue may still be empty.
func (p *PushQueue) Dequeue() (*Connection, *PushEvent, bool) {
	p.cond.L.Lock()
	defer p.cond.L.Unlock()
	if len(p.queue) == 0 && !p.shutdown {
		p.cond.Wait() // want "checks the condition once"
	}
	if p.shutdown {
		return nil, nil, true
	}
	c := p.queue[0]
	p.queue = p.queue[1:]
	ev := p.pending[c]
	delete(p.pending, c)
	return c, ev, false
}

// ok: the wait sits in a for loop that re-checks the queue.
func (p *PushQueue) DequeueFixed() (*Connection, *PushEvent, bool) {
	p.cond.L.Lock()
	defer p.cond.L.Unlock()
	for len(p.queue) == 0 && !p.shutdown {
		p.cond.Wait()
	}
	if p.shutdown {
		return nil, nil, true
	}
	c := p.queue[0]
	p.queue = p.queue[1:]
	ev := p.pending[c]
	delete(p.pending, c)
	return c, ev, false
}

// ok: ShutDown broadcasts so every waiter re-checks.
func (p *PushQueue) ShutDown() {
	p.cond.L.Lock()
	p.shutdown = true
	p.cond.L.Unlock()
	p.cond.Broadcast()
}

// ok: debounce merges events and pushes after a quiet period; every timer is either reused or
// ends the wait.
func debounce(ch <-chan *PushEvent, stopCh <-chan struct{}, quiet time.Duration, push func(*PushEvent)) {
	var timer *time.Timer
	var timeC <-chan time.Time
	var merged *PushEvent
	for {
		select {
		case ev := <-ch:
			if merged == nil {
				merged = ev
			} else {
				merged.Full = merged.Full || ev.Full
			}
			if timer == nil {
				timer = time.NewTimer(quiet)
				timeC = timer.C
			} else {
				timer.Reset(quiet)
			}
		case <-timeC:
			push(merged)
			merged = nil
			timer = nil
			timeC = nil
		case <-stopCh:
			if timer != nil {
				timer.Stop()
			}
			return
		}
	}
}
