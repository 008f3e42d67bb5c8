package fixtures

import (
	"context"
	"sync"
	"time"
)

type Pool struct {
	mu     sync.Mutex
	wg     sync.WaitGroup
	closed bool
	total  int
}

func (p *Pool) Shutdown() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	p.wg.Wait() // want "`p\\.wg\\.Wait\\(\\)` waits while holding `p\\.mu`, but the `Done` caller `Pool\\.work` needs it first: deadlock"
}

func (p *Pool) work(job func() int) {
	defer p.wg.Done()
	n := job()
	p.mu.Lock()
	p.total += n
	p.mu.Unlock()
}

func (p *Pool) waitIdle() {
	p.wg.Wait()
}

func (p *Pool) Drain() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.waitIdle() // want "`p\\.waitIdle\\(\\)` waits on `p\\.wg` while holding `p\\.mu`, but the `Done` caller `Pool\\.work`"
	return p.total
}

type Queue struct {
	mu    sync.RWMutex
	ready chan int
	items []int
}

func (q *Queue) Get() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return <-q.ready // want "`<-q\\.ready` waits while holding `q\\.mu`, but the sender `Queue\\.Put` needs it first: deadlock"
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

func (q *Queue) Put(v int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.ready <- v // want "`q\\.ready <- v` waits while holding `q\\.mu`, but the receiver `Queue\\.Get` needs it first"
}

func (q *Queue) Peek() int {
	q.mu.RLock()
	defer q.mu.RUnlock()
	for v := range q.ready { // want "`q.ready` waits while holding `q.mu`"
		return v
	}
	return 0
}

func compute(items []int) int {
	var mu sync.Mutex
	total := 0
	done := make(chan struct{})
	go func() {
		mu.Lock()
		for _, it := range items {
			total += it
		}
		mu.Unlock()
		close(done)
	}()
	mu.Lock()
	<-done // want "`<-done` waits while holding `mu`, but the closer, a goroutine started at line 78, needs it"
	t := total
	mu.Unlock()
	return t
}

var (
	statsMu sync.Mutex
	samples = make(chan float64)
	sum     float64
)

func record(v float64) {
	statsMu.Lock()
	sum += v
	statsMu.Unlock()
	samples <- v
}

// flushSample sends while it holds the lock that collect holds while receiving.
func flushSample(v float64) {
	statsMu.Lock()
	defer statsMu.Unlock()
	samples <- v // want "`samples <- v` waits while holding `statsMu`, but the receiver `collect` needs it first"
}

func collect() float64 {
	statsMu.Lock()
	defer statsMu.Unlock()
	return <-samples // want "`<-samples` waits while holding `statsMu`, but the sender `record` needs it first: deadlock"
}

type Hub struct {
	mu      sync.Mutex
	condMu  sync.Mutex
	changed *sync.Cond
	version int
}

func NewHub() *Hub {
	h := &Hub{}
	h.changed = sync.NewCond(&h.condMu)
	return h
}

func (h *Hub) Await(v int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.condMu.Lock()
	for h.version < v {
		h.changed.Wait() // want "`h\\.changed\\.Wait\\(\\)` waits while holding `h\\.mu`, but the signaller `Hub\\.Bump` needs it first"
	}
	h.condMu.Unlock()
}

func (h *Hub) Bump() {
	h.mu.Lock()
	h.version++
	h.mu.Unlock()
	h.changed.Broadcast()
}

// ok: the lock is released before waiting.
func (p *Pool) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.wg.Wait()
}

// ok: the sender of q.ready in Offer does not lock; Put does, but Poll gives up the lock first.
func (q *Queue) Poll() int {
	q.mu.Lock()
	n := len(q.items)
	q.mu.Unlock()
	if n == 0 {
		return <-q.ready
	}
	return n
}

// ok: a select with a way out is not a plain wait.
func (q *Queue) GetCtx(ctx context.Context) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	select {
	case v := <-q.ready:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// ok: waiting on a timer or a context needs no other goroutine of the package.
func (q *Queue) Sleep(ctx context.Context) {
	q.mu.Lock()
	defer q.mu.Unlock()
	<-time.After(time.Millisecond)
	<-ctx.Done()
}

type Cache struct {
	mu      sync.Mutex
	cond    *sync.Cond
	loading bool
}

func NewCache() *Cache {
	c := &Cache{}
	c.cond = sync.NewCond(&c.mu)
	return c
}

// ok: Wait releases c.mu, the mutex it was made with.
func (c *Cache) WaitLoaded() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.loading {
		c.cond.Wait()
	}
}

func (c *Cache) Loaded() {
	c.mu.Lock()
	c.loading = false
	c.mu.Unlock()
	c.cond.Broadcast()
}

type Feed struct {
	mu   sync.RWMutex
	subs chan string
	last string
}

// ok: both sides only read-lock.
func (f *Feed) Next() string {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return <-f.subs
}

func (f *Feed) Publish(s string) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	f.subs <- s
}

// ok: the goroutine locks only in one branch, after deciding; we stay silent.
func (p *Pool) Run(jobs []func() int, verbose bool) {
	var mu sync.Mutex
	done := make(chan int)
	go func() {
		if verbose {
			mu.Lock()
			p.total++
			mu.Unlock()
		}
		done <- 1
	}()
	mu.Lock()
	<-done
	mu.Unlock()
}

type worker struct {
	mu    sync.Mutex
	token chan []byte
	calls int
}

// ok: token is a one-slot semaphore: each holder takes the buffer and puts it back.
func (w *worker) run(f func([]byte)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	buf := <-w.token
	f(buf)
	w.token <- buf
}

func (w *worker) reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	buf := <-w.token
	w.calls = 0
	w.token <- buf[:0]
}
