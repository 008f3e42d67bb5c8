package scheduler

import (
	"context"
	"sync"
	"time"
)

type queuedPod struct {
	key      string
	attempts int
	ts       time.Time
}

type schedulingQueue struct {
	lock       sync.Mutex
	cond       sync.Cond
	active     []*queuedPod
	backoff    map[string]*queuedPod
	closed     bool
	moveCycles int
}

func newSchedulingQueue() *schedulingQueue {
	q := &schedulingQueue{backoff: make(map[string]*queuedPod)}
	q.cond.L = &q.lock
	return q
}

// ok: Pop waits in a loop.
func (q *schedulingQueue) Pop() (*queuedPod, bool) {
	q.lock.Lock()
	defer q.lock.Unlock()
	for len(q.active) == 0 {
		if q.closed {
			return nil, false
		}
		q.cond.Wait()
	}
	p := q.active[0]
	q.active = q.active[1:]
	return p, true
}

// ok: Add appends and broadcasts under the lock.
func (q *schedulingQueue) Add(p *queuedPod) {
	q.lock.Lock()
	defer q.lock.Unlock()
	q.active = append(q.active, p)
	q.cond.Broadcast()
}

// flushBackoff moves pods whose backoff expired; the loop never sees ctx end.
func (q *schedulingQueue) flushBackoff(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for { // want "never watches `ctx.Done\\(\\)`"
		<-t.C
		q.lock.Lock()
		for k, p := range q.backoff {
			if time.Since(p.ts) > time.Duration(p.attempts)*time.Second {
				q.active = append(q.active, p)
				delete(q.backoff, k)
			}
		}
		q.moveCycles++
		q.lock.Unlock()
		q.cond.Broadcast()
	}
}

// ok: the same flush loop, ending with ctx.
func (q *schedulingQueue) flushBackoffFixed(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		q.lock.Lock()
		for k, p := range q.backoff {
			if time.Since(p.ts) > time.Duration(p.attempts)*time.Second {
				q.active = append(q.active, p)
				delete(q.backoff, k)
			}
		}
		q.moveCycles++
		q.lock.Unlock()
		q.cond.Broadcast()
	}
}

// ok: a stop that also broadcasts.
func (q *schedulingQueue) CloseFixed() {
	q.lock.Lock()
	q.closed = true
	q.cond.Broadcast()
	q.lock.Unlock()
}
