package fixtures

import "sync"

type Gate struct {
	mu    sync.Mutex
	cond  *sync.Cond
	other sync.Mutex
	ready bool
}

func NewGate() *Gate {
	g := &Gate{}
	g.cond = sync.NewCond(&g.mu)
	return g
}

func (g *Gate) Await() {
	g.mu.Lock()
	for !g.ready {
		g.cond.Wait()
	}
	g.mu.Unlock()
}

// The flag is set under the wrong mutex.
func (g *Gate) Open() {
	g.other.Lock()
	g.ready = true // want "runs under `g.other`, not `g.mu`"
	g.cond.Broadcast()
	g.other.Unlock()
}

// ok: the cond's own mutex
func (g *Gate) OpenRight() {
	g.mu.Lock()
	g.ready = true
	g.cond.Broadcast()
	g.mu.Unlock()
}

// ok: both mutexes, the cond's among them
func (g *Gate) OpenBoth() {
	g.other.Lock()
	g.mu.Lock()
	g.ready = true
	g.cond.Broadcast()
	g.mu.Unlock()
	g.other.Unlock()
}

// ok: clearing the flag does not let a waiter go on
func (g *Gate) Close() {
	g.other.Lock()
	g.ready = false
	g.other.Unlock()
}

func (g *Gate) openLocked() {
	g.other.Lock()
	g.ready = true
	g.other.Unlock()
}

// ok: the only caller holds the cond's mutex around the helper
func (g *Gate) OpenViaHelper() {
	g.mu.Lock()
	g.openLocked()
	g.cond.Broadcast()
	g.mu.Unlock()
}

// ok: the lock is another gate's, which the model cannot tell from this one's
func (g *Gate) OpenFrom(peer *Gate) {
	peer.mu.Lock()
	g.ready = true
	peer.mu.Unlock()
	g.cond.Broadcast()
}

// A goroutine that sets the flag under the wrong mutex.
func (g *Gate) OpenLater() {
	go func() {
		g.other.Lock()
		g.ready = true // want "runs under `g.other`, not `g.mu`"
		g.other.Unlock()
		g.cond.Broadcast()
	}()
}

type Queue struct {
	mu       sync.Mutex
	nonEmpty *sync.Cond
	pushMu   sync.Mutex
	items    []int
	closed   bool
	n        int
}

func NewQueue() *Queue {
	q := &Queue{}
	q.nonEmpty = sync.NewCond(&q.mu)
	return q
}

func (q *Queue) Pop() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.closed {
		q.nonEmpty.Wait()
	}
	if len(q.items) == 0 {
		return 0, false
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v, true
}

// Appending under the producers' mutex.
func (q *Queue) Push(v int) {
	q.pushMu.Lock()
	defer q.pushMu.Unlock()
	q.items = append(q.items, v) // want "runs under `q.pushMu`, not `q.mu`"
	q.nonEmpty.Signal()
}

// Closing under the producers' mutex.
func (q *Queue) Shutdown() {
	q.pushMu.Lock()
	q.closed = true // want "runs under `q.pushMu`"
	q.pushMu.Unlock()
	q.nonEmpty.Broadcast()
}

// ok: the consumer side changes the state while it waits on the cond itself
func (q *Queue) Drain() {
	q.mu.Lock()
	for len(q.items) == 0 && !q.closed {
		q.nonEmpty.Wait()
	}
	q.pushMu.Lock()
	q.items = append(q.items, 0)
	q.pushMu.Unlock()
	q.mu.Unlock()
}

type Counter struct {
	mu      sync.Mutex
	statsMu sync.RWMutex
	zero    *sync.Cond
	busy    int
	seen    int
}

func NewCounter() *Counter {
	c := &Counter{}
	c.zero = sync.NewCond(&c.mu)
	return c
}

func (c *Counter) WaitIdle() {
	c.mu.Lock()
	for c.busy > 0 {
		c.zero.Wait()
	}
	c.mu.Unlock()
}

func (c *Counter) WaitSeen() {
	c.mu.Lock()
	for c.seen == 0 {
		c.zero.Wait()
	}
	c.mu.Unlock()
}

// Counting down under the statistics lock.
func (c *Counter) Done() {
	c.statsMu.Lock()
	c.busy-- // want "runs under `c.statsMu`, not `c.mu`"
	c.statsMu.Unlock()
	c.zero.Broadcast()
}

// Counting up under the statistics lock.
func (c *Counter) See() {
	c.statsMu.Lock()
	c.seen++ // want "runs under `c.statsMu`"
	c.statsMu.Unlock()
	c.zero.Broadcast()
}

// ok: counting up is not what lets WaitIdle go on
func (c *Counter) Start() {
	c.statsMu.Lock()
	c.busy++
	c.statsMu.Unlock()
}

var poolMu sync.Mutex

type Pool struct {
	avail *sync.Cond
	other sync.Mutex
	free  int
}

func NewPool() *Pool {
	return &Pool{avail: sync.NewCond(&poolMu)}
}

func (p *Pool) Get() {
	poolMu.Lock()
	for p.free == 0 {
		p.avail.Wait()
	}
	p.free--
	poolMu.Unlock()
}

// A pool whose cond uses a package mutex; the release takes the pool's own.
func (p *Pool) Put() {
	p.other.Lock()
	p.free++ // want "runs under `p.other`, not `poolMu`"
	p.other.Unlock()
	p.avail.Signal()
}

// ok: the package mutex the cond was made with
func (p *Pool) PutRight() {
	poolMu.Lock()
	p.free++
	poolMu.Unlock()
	p.avail.Signal()
}

type Latch struct {
	mu   sync.Mutex
	cmu  sync.Mutex
	c    sync.Cond
	done bool
}

func NewLatch() *Latch {
	l := &Latch{}
	l.c.L = &l.mu
	return l
}

func (l *Latch) Wait() {
	l.mu.Lock()
	for !l.done {
		l.c.Wait()
	}
	l.mu.Unlock()
}

// A cond held by value whose L is set to l.mu; the release takes l.cmu.
func (l *Latch) Release() {
	l.cmu.Lock()
	l.done = true // want "runs under `l.cmu`, not `l.mu`"
	l.cmu.Unlock()
	l.c.Broadcast()
}

type Unknown struct {
	mu    sync.Mutex
	other sync.Mutex
	cond  *sync.Cond
	ok    bool
}

func (u *Unknown) Await() {
	u.mu.Lock()
	for !u.ok {
		u.cond.Wait()
	}
	u.mu.Unlock()
}

// ok: where u.cond comes from (and so its mutex) is not shown in this file
func (u *Unknown) Set() {
	u.other.Lock()
	u.ok = true
	u.other.Unlock()
	u.cond.Broadcast()
}
