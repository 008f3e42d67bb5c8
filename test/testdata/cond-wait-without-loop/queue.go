package fixtures

import "sync"

type Queue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []int
	done  bool
}

func NewQueue() *Queue {
	q := &Queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *Queue) Pop() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		q.cond.Wait() // want "`q\\.cond\\.Wait\\(\\)` runs under `if len\\(q\\.items\\) == 0`, which checks the condition once, not after waking up"
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

func (q *Queue) PopBlind() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.cond.Wait() // want "`q\\.cond\\.Wait\\(\\)` is not in a `for` loop, so nothing rechecks the condition after waking up"
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

func (q *Queue) PopOr(def int) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 && !q.done {
		q.cond.Wait() // want "runs under `if len\\(q.items\\) == 0 && !q.done`"
		if len(q.items) == 0 {
			return def
		}
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

func (q *Queue) Next(mode string) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	switch mode {
	case "wait":
		q.cond.Wait() // want "`q\\.cond\\.Wait\\(\\)` is not in a `for` loop, so nothing rechecks the condition after waking up"
	}
	return len(q.items)
}

func waitReady(ready *bool) {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	mu.Lock()
	if !*ready {
		c.Wait() // want "`c\\.Wait\\(\\)` runs under `if !\\*ready`, which checks the condition once, not after waking up"
	}
	mu.Unlock()
}

type Gate struct {
	mu   sync.Mutex
	cond sync.Cond
	open bool
}

func (g *Gate) Pass() {
	g.mu.Lock()
	if !g.open {
		g.cond.Wait() // want "`g\\.cond\\.Wait\\(\\)` runs under `if !g\\.open`, which checks the condition once, not after waking up"
	}
	g.mu.Unlock()
}

func (q *Queue) Drain(out chan<- int) {
	for i := 0; i < 3; i++ {
		go func() {
			q.mu.Lock()
			if len(q.items) == 0 {
				q.cond.Wait() // want "runs under `if len\\(q.items\\) == 0`"
			}
			out <- q.items[0]
			q.mu.Unlock()
		}()
	}
}

func (q *Queue) waitOnce() {
	q.cond.Wait() // want "`q\\.cond\\.Wait\\(\\)` is not in a `for` loop, so nothing rechecks the condition after waking up"
}

func (q *Queue) First() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.waitOnce()
	return q.items[0]
}

// ok: the canonical loop.
func (q *Queue) PopLoop() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

// ok: an endless loop that breaks when the condition holds.
func (q *Queue) PopOrDone() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		if len(q.items) > 0 {
			break
		}
		if q.done {
			return 0, false
		}
		q.cond.Wait() // ok
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v, true
}

// ok: the wrapper's only caller loops.
func (q *Queue) wait() {
	q.cond.Wait() // ok
}

func (q *Queue) Take() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.wait()
	}
	return q.items[0]
}

// ok: a WaitGroup's Wait is not a condition wait.
func group(jobs []func()) {
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func(j func()) {
			defer wg.Done()
			j()
		}(j)
	}
	wg.Wait() // ok
}

// ok: a type of our own with a Wait method.
type barrier struct{ ch chan struct{} }

func (b *barrier) Wait() { <-b.ch }

func useBarrier(b *barrier) {
	b.Wait() // ok
}

// ok: the loop is inside the goroutine.
func (q *Queue) Consume(handle func(int)) {
	go func() {
		q.mu.Lock()
		defer q.mu.Unlock()
		for !q.done {
			for len(q.items) == 0 && !q.done {
				q.cond.Wait() // ok
			}
			if len(q.items) > 0 {
				handle(q.items[0])
				q.items = q.items[1:]
			}
		}
	}()
}

// ok: a Cond with a Locker of its own, whose Wait only passes through; the caller reaches it
// through a field of an anonymous struct, which the package does not resolve, and loops there
// (pebble's flusherCond).
type flusherCond struct {
	mu   *sync.Mutex
	cond sync.Cond
}

func (c *flusherCond) Wait() {
	// Pass-through: the caller rechecks its condition.
	c.cond.Wait() // ok
}

type logWriter struct {
	flusher struct {
		sync.Mutex
		ready   flusherCond
		pending int
	}
}

func (w *logWriter) flushLoop() {
	f := &w.flusher
	f.Lock()
	defer f.Unlock()
	for f.pending == 0 {
		f.ready.Wait()
	}
}

// A wrapper that does more than wait still needs its own loop.
func (c *flusherCond) waitAndCount(n *int) {
	*n++
	c.cond.Wait() // want "`c\\.cond\\.Wait\\(\\)` is not in a `for` loop"
}
