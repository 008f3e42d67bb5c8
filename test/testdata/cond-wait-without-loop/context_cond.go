package fixtures

import (
	"context"
	"sync"
)

// loki's request queue: contextCond overrides Wait to also return when a context ends. It waits
// on the cond in a goroutine it starts; the loop that rechecks is in its callers.

type contextCond struct {
	*sync.Cond
}

func (c contextCond) Wait(ctx context.Context) {
	woken := make(chan struct{})
	go func() {
		c.Cond.Wait() // ok
		close(woken)
	}()
	select {
	case <-woken:
	case <-ctx.Done():
		c.L.Unlock()
		c.Broadcast()
		c.L.Lock()
		<-woken
	}
}

type requestQueue struct {
	mu    sync.Mutex
	cond  contextCond
	items []int
}

func (q *requestQueue) next(ctx context.Context) (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && ctx.Err() == nil {
		q.cond.Wait(ctx)
	}
	if len(q.items) == 0 {
		return 0, false
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v, true
}

// The same wrapper called once, with no loop: the goroutine's Wait is not rechecked.
type onceCond struct {
	*sync.Cond
}

func (c onceCond) WaitOnce(ctx context.Context) {
	woken := make(chan struct{})
	go func() {
		c.Cond.Wait() // want "is not in a `for` loop"
		close(woken)
	}()
	<-woken
}

type onceQueue struct {
	mu    sync.Mutex
	cond  onceCond
	items []int
}

func (q *onceQueue) take(ctx context.Context) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		q.cond.WaitOnce(ctx)
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

// seaweedfs' util.WaitWithTimeout: waits on a cond it is given, for callers in another package
// whose loops recheck their own condition.
func WaitWithTimeout(ctx context.Context, cond *sync.Cond) bool {
	woken := make(chan struct{})
	go func() {
		cond.L.Lock()
		defer cond.L.Unlock()
		cond.Wait() // ok
		close(woken)
	}()
	select {
	case <-woken:
		return true
	case <-ctx.Done():
		cond.Broadcast()
		return false
	}
}
