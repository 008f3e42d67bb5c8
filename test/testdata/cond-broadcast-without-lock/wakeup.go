package wakeup

import (
	"context"
	"sync"
	"time"
)

type Queue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []int
}

func NewQueue() *Queue {
	q := &Queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// The helper goroutine broadcasts on cancellation without q.mu: Take can check ctx, miss the
// broadcast and sleep on.
func (q *Queue) Take(ctx context.Context) (int, error) {
	go func() {
		<-ctx.Done()
		q.cond.Broadcast() // want "`q.cond.Broadcast\\(\\)` runs on cancellation without holding `q.cond.L`: `Take` can check the context, miss this wakeup and sleep on"
	}()
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		q.cond.Wait()
	}
	it := q.items[0]
	q.items = q.items[1:]
	return it, nil
}

// The same wakeup under the cond's lock. ok
func (q *Queue) TakeLocked(ctx context.Context) (int, error) {
	go func() {
		<-ctx.Done()
		q.mu.Lock()
		q.cond.Broadcast() // ok
		q.mu.Unlock()
	}()
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		q.cond.Wait()
	}
	return q.items[0], nil
}

// Through the cond's own L. ok
func (q *Queue) TakeWithL(ctx context.Context) (int, error) {
	go func() {
		<-ctx.Done()
		q.cond.L.Lock()
		defer q.cond.L.Unlock()
		q.cond.Broadcast() // ok
	}()
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && ctx.Err() == nil {
		q.cond.Wait()
	}
	return 0, ctx.Err()
}

type Handler struct {
	cond   *sync.Cond
	paused bool
}

// A select case on the context (syncthing's index handler): the same lost wakeup.
func (h *Handler) Serve(ctx context.Context) error {
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-ctx.Done():
			h.cond.Broadcast() // want "`h.cond.Broadcast\\(\\)` runs on cancellation without holding `h.cond.L`: `waitWhilePaused` can check the context"
		case <-stop:
		}
	}()
	return h.waitWhilePaused(ctx)
}

func (h *Handler) waitWhilePaused(ctx context.Context) error {
	h.cond.L.Lock()
	defer h.cond.L.Unlock()
	for h.paused {
		select {
		case <-ctx.Done():
			return ctx.Err()
		default:
			h.cond.Wait()
		}
	}
	return nil
}

// Signal, and a deadline's context. The waiter checks Done in a select.
func (h *Handler) Pause(ctx context.Context, d time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	go func() {
		<-ctx.Done()
		if ctx.Err() == context.DeadlineExceeded {
			h.cond.Signal() // want "`h.cond.Signal\\(\\)` runs on cancellation without holding `h.cond.L`"
		}
	}()
	_ = h.waitWhilePaused(ctx)
}

type Store struct {
	mu      sync.RWMutex
	revCond *sync.Cond
	rev     int64
}

func NewStore() *Store {
	s := &Store{}
	s.revCond = sync.NewCond(s.mu.RLocker())
	return s
}

// A timeout or the context (etcd's cache): both wake the cond without a lock; the waiter checks
// the context under the read lock. No fix: L is a read lock, which would not exclude the waiter.
func (s *Store) WaitFor(ctx context.Context, rev int64, timeout time.Duration) error {
	timeoutCh := time.After(timeout)
	go func() {
		select {
		case <-timeoutCh:
			s.revCond.Broadcast() // ok: a timer, not a cancellation
		case <-ctx.Done():
			s.revCond.Broadcast() // want "`s.revCond.Broadcast\\(\\)` runs on cancellation without holding `s.revCond.L`: `WaitFor` can check the context"
		}
	}()
	s.mu.RLock()
	defer s.mu.RUnlock()
	for s.rev < rev {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s.revCond.Wait()
	}
	return nil
}

type Limiter struct {
	mu        sync.Mutex
	cond      *sync.Cond
	available int
}

func NewLimiter(n int) *Limiter {
	l := &Limiter{available: n}
	l.cond = sync.NewCond(&l.mu)
	return l
}

// syncthing's semaphore: a context check inside the wait loop, a wakeup without the lock.
func (l *Limiter) TakeWithContext(ctx context.Context, n int) error {
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			l.cond.Broadcast() // want "`l.cond.Broadcast\\(\\)` runs on cancellation without holding `l.cond.L`: `TakeWithContext` can check"
		case <-done:
		}
	}()
	l.mu.Lock()
	defer l.mu.Unlock()
	for l.available < n {
		select {
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		l.cond.Wait()
	}
	l.available -= n
	return nil
}

// Take without a context: the waiter never looks at ctx, so a broadcast it misses only wakes it
// early; the loop checks its own condition again. ok
func (l *Limiter) Take(ctx context.Context, n int) {
	go func() {
		<-ctx.Done()
		l.cond.Broadcast() // ok
	}()
	l.mu.Lock()
	defer l.mu.Unlock()
	for l.available < n {
		l.cond.Wait()
	}
	l.available -= n
}

type Counter struct {
	mu   sync.Mutex
	cond *sync.Cond
	n    int
}

// A wakeup that does not follow a cancellation: it follows a channel the owner closes under
// the lock. ok
func (c *Counter) Watch(ctx context.Context, changed <-chan struct{}) {
	go func() {
		<-changed
		c.cond.Broadcast() // ok
	}()
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.n == 0 && ctx.Err() == nil {
		c.cond.Wait()
	}
}

// A wakeup on a context that no waiter checks (Watch checks its own). ok
func (c *Counter) Cancel(ctx context.Context) {
	<-ctx.Done()
	c.cond.Broadcast() // ok
}

// A lock helper taken first (it may be the cond's lock). ok
func (c *Counter) WatchLocked(ctx context.Context) {
	go func() {
		<-ctx.Done()
		c.lock()
		c.cond.Broadcast() // ok
		c.unlock()
	}()
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.n == 0 && ctx.Err() == nil {
		c.cond.Wait()
	}
}

func (c *Counter) lock()   { c.mu.Lock() }
func (c *Counter) unlock() { c.mu.Unlock() }

// A wait outside any loop: cond-wait-without-loop's case, not this one. ok
type Once struct {
	mu   sync.Mutex
	cond *sync.Cond
}

func (o *Once) Wait(ctx context.Context) {
	go func() {
		<-ctx.Done()
		o.cond.Broadcast() // ok
	}()
	o.mu.Lock()
	if ctx.Err() == nil {
		o.cond.Wait()
	}
	o.mu.Unlock()
}

// A package-level cond, woken from goroutines on contexts that no waiter checks (each waiter
// checks its own). ok
var (
	gmu   sync.Mutex
	gcond = sync.NewCond(&gmu)
	ready bool
)

func WatchAll(ctxs []context.Context) {
	for _, ctx := range ctxs {
		go func(ctx context.Context) {
			<-ctx.Done()
			gcond.Broadcast() // ok
		}(ctx)
	}
}

// The waiter's own context, woken without the lock.
func AwaitReadyCtx(ctx context.Context) error {
	go func() {
		<-ctx.Done()
		gcond.Broadcast() // want "`gcond.Broadcast\\(\\)` runs on cancellation without holding `gcond.L`: `AwaitReadyCtx` can check"
	}()
	gmu.Lock()
	defer gmu.Unlock()
	for !ready {
		if err := ctx.Err(); err != nil {
			return err
		}
		gcond.Wait()
	}
	return nil
}

func AwaitReady(ctx context.Context) error {
	gmu.Lock()
	defer gmu.Unlock()
	for !ready {
		if err := ctx.Err(); err != nil {
			return err
		}
		gcond.Wait()
	}
	return nil
}

// An errgroup-style starter is not `go`: the literal may run synchronously. ok
func (l *Limiter) Drain(ctx context.Context, run func(func())) {
	run(func() {
		<-ctx.Done()
		l.cond.Broadcast() // ok
	})
}

// A value cond (not a pointer) with its L set from a mutex.
type Gate struct {
	mu   sync.Mutex
	cond sync.Cond
	open bool
}

func NewGate() *Gate {
	g := &Gate{}
	g.cond.L = &g.mu
	return g
}

func (g *Gate) Await(ctx context.Context) error {
	go func() {
		<-ctx.Done()
		g.cond.Broadcast() // want "`g.cond.Broadcast\\(\\)` runs on cancellation without holding `g.cond.L`: `Await` can check"
	}()
	g.mu.Lock()
	defer g.mu.Unlock()
	for !g.open {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		g.cond.Wait()
	}
	return nil
}

// A struct that embeds its cond and its mutex.
type window struct {
	sync.Mutex
	sync.Cond
	size int
}

func newWindow() *window {
	w := &window{}
	w.Cond.L = &w.Mutex
	return w
}

func (w *window) Reserve(ctx context.Context, n int) error {
	go func() {
		<-ctx.Done()
		w.Broadcast() // want "`w.Broadcast\\(\\)` runs on cancellation without holding `w.L`: `Reserve` can check"
	}()
	w.Lock()
	defer w.Unlock()
	for w.size < n {
		if err := ctx.Err(); err != nil {
			return err
		}
		w.Wait()
	}
	w.size -= n
	return nil
}

// syncthing's semaphore: the waiter runs on a goroutine of its own and checks the context after
// each wakeup; the caller wakes it on cancellation without the lock.
type Semaphore struct {
	mut       sync.Mutex
	cond      *sync.Cond
	available int
}

func NewSemaphore(n int) *Semaphore {
	s := &Semaphore{available: n}
	s.cond = sync.NewCond(&s.mut)
	return s
}

func (s *Semaphore) TakeWithContext(ctx context.Context, size int) error {
	done := make(chan struct{})
	var err error
	go func() {
		err = s.takeInner(ctx, size)
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		s.cond.Broadcast() // want "`s.cond.Broadcast\\(\\)` runs on cancellation without holding `s.cond.L`: `takeInner` can check the context"
		<-done
	}
	return err
}

func (s *Semaphore) takeInner(ctx context.Context, size int) error {
	s.mut.Lock()
	defer s.mut.Unlock()
	for size > s.available {
		s.cond.Wait()
		select {
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
	}
	s.available -= size
	return nil
}

// A context kept in a field: the model does not follow it, so it stays silent. ok
type Session struct {
	ctx  context.Context
	mu   sync.Mutex
	cond *sync.Cond
	n    int
}

func (s *Session) Watch() {
	go func() {
		<-s.ctx.Done()
		s.cond.Broadcast() // ok
	}()
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.n == 0 && s.ctx.Err() == nil {
		s.cond.Wait()
	}
}
