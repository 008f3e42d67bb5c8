package fixtures

import "sync"

// A queue whose consumers wait on a sync.Cond.
type Queue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []int
	closed bool
}

func NewQueue() *Queue {
	q := &Queue{}
	q.cond = sync.NewCond(&q.mu)
	q.closed = false // ok: a local under construction, nobody waits yet
	return q
}

func (q *Queue) Pop() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.items) == 0 {
		return 0, false
	}
	v := q.items[0]
	q.items = q.items[1:] // ok: the waiter itself consumes
	return v, true
}

func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true // want "`q\\.closed = true` lets `Pop` stop waiting, but `Close` never wakes it with Signal or"
	q.mu.Unlock()
}

func (q *Queue) Push(v int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = append(q.items, v) // want "`q.items = append\\(q.items, v\\)` lets `Pop` stop waiting"
}

func (q *Queue) PushAll(vs []int) {
	q.mu.Lock()
	for _, v := range vs {
		q.items = append(q.items, v) // want "but `PushAll` never wakes it"
	}
	q.mu.Unlock()
}

// ok: signals after the change.
func (q *Queue) PushAndSignal(v int) {
	q.mu.Lock()
	q.items = append(q.items, v) // ok
	q.cond.Signal()
	q.mu.Unlock()
}

// ok: a helper does the broadcasting.
func (q *Queue) wake() { q.cond.Broadcast() }

func (q *Queue) Shutdown() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true // ok: wake broadcasts
	q.wake()
}

// ok: the caller signals after the unexported helper changed the state.
func (q *Queue) add(v int) {
	q.items = append(q.items, v) // ok: Offer signals for it
}

func (q *Queue) Offer(v int) {
	q.mu.Lock()
	q.add(v)
	q.cond.Signal()
	q.mu.Unlock()
}

// ok: the change makes the waiters wait longer, not shorter.
func (q *Queue) Reopen() {
	q.mu.Lock()
	q.closed = false // ok: Pop waits for closed to become true
	q.mu.Unlock()
}

// A counter a barrier waits on.
type Barrier struct {
	mu      sync.Mutex
	c       *sync.Cond
	pending int
	ready   int
	stopped bool
}

func (b *Barrier) Wait() {
	b.mu.Lock()
	for b.pending > 0 {
		b.c.Wait()
	}
	b.mu.Unlock()
}

func (b *Barrier) Done() {
	b.mu.Lock()
	b.pending-- // want "`b\\.pending--` lets `Wait` stop waiting, but `Done` never wakes it with Signal or Broadcast"
	b.mu.Unlock()
}

func (b *Barrier) Add(n int) {
	b.mu.Lock()
	b.pending += n // ok: makes Wait wait longer
	b.mu.Unlock()
}

func (b *Barrier) AwaitReady() {
	b.mu.Lock()
	for b.ready == 0 {
		b.c.Wait()
	}
	b.mu.Unlock()
}

func (b *Barrier) MarkReady() {
	b.mu.Lock()
	b.ready++ // want "`b\\.ready\\+\\+` lets `AwaitReady` stop waiting, but `MarkReady` never wakes it with Signal or"
	b.mu.Unlock()
}

func (b *Barrier) MarkMany(n int) {
	b.mu.Lock()
	b.ready += n // want "but `MarkMany` never wakes it"
	b.mu.Unlock()
}

func (b *Barrier) AwaitStop() {
	b.mu.Lock()
	for !b.stopped {
		b.c.Wait()
	}
	b.mu.Unlock()
}

func (b *Barrier) Stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stopped = true // want "`b\\.stopped = true` lets `AwaitStop` stop waiting, but `Stop` never wakes it with Signal or"
}

// ok: a deferred broadcast covers the change.
func (b *Barrier) StopAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	defer b.c.Broadcast()
	b.stopped = true // ok
}

// A flag that makes waiters wait while it is set.
type Gate struct {
	mu     sync.Mutex
	cond   sync.Cond
	paused bool
}

func (g *Gate) Pass() {
	g.mu.Lock()
	for g.paused {
		g.cond.Wait()
	}
	g.mu.Unlock()
}

func (g *Gate) Resume() {
	g.mu.Lock()
	g.paused = false // want "`g\\.paused = false` lets `Pass` stop waiting, but `Resume` never wakes it with Signal or"
	g.mu.Unlock()
}

// ok: pausing needs no signal.
func (g *Gate) Pause() {
	g.mu.Lock()
	g.paused = true // ok
	g.mu.Unlock()
}

// ok: a wait loop on a local condition variable is beyond this check.
func localCond(ready *bool) {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	mu.Lock()
	for !*ready {
		c.Wait()
	}
	mu.Unlock()
}
