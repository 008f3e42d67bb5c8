package fixtures

import "sync"

type Msg struct{ Body string }

// Relay forwards to its peer's handler: another value, with its own lock.
type Relay struct {
	mu    sync.Mutex
	peer  *Relay
	in    chan Msg
	onMsg func(Msg)
	seen  int
}

func NewRelay(peer *Relay) *Relay {
	r := &Relay{peer: peer, in: make(chan Msg)}
	r.onMsg = peer.handle
	go r.forward()
	return r
}

func (r *Relay) handle(m Msg) {
	r.mu.Lock()
	r.seen++
	r.mu.Unlock()
}

func (r *Relay) forward() {
	for m := range r.in {
		r.onMsg(m)
	}
}

// ok: the handler locks the peer, which this relay does not hold.
func (r *Relay) Send(m Msg) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.in <- m // ok
}

// Emitter takes its handler from the caller: nothing in the package says what it locks.
type Emitter struct {
	mu      sync.Mutex
	count   int
	events  chan string
	handler func(string)
}

func NewEmitter(h func(string)) *Emitter {
	e := &Emitter{events: make(chan string)}
	e.handler = h
	go e.run()
	return e
}

func (e *Emitter) run() {
	for ev := range e.events {
		e.handler(ev)
	}
}

// ok: the handler is the caller's.
func (e *Emitter) Emit(ev string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.count++
	e.events <- ev // ok
}

// Notifier runs its hook on a goroutine of its own, so the loop keeps receiving.
type Notifier struct {
	mu     sync.Mutex
	sent   int
	queue  chan string
	onSend func(string)
}

func NewNotifier() *Notifier {
	n := &Notifier{queue: make(chan string)}
	n.onSend = n.count
	go n.drain()
	return n
}

func (n *Notifier) count(string) {
	n.mu.Lock()
	n.sent++
	n.mu.Unlock()
}

func (n *Notifier) drain() {
	for s := range n.queue {
		go n.onSend(s)
	}
}

// ok: the hook that takes mu runs on its own goroutine, not between receives.
func (n *Notifier) Notify(s string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.queue <- s // ok
}

// Cache's eviction hook is buffered away: the loop has room for a batch.
type Cache struct {
	mu      sync.Mutex
	size    int
	evicted chan string
	onEvict func(string)
}

func NewCache() *Cache {
	c := &Cache{evicted: make(chan string, 128)}
	c.onEvict = c.forget
	go c.reap()
	return c
}

func (c *Cache) forget(string) {
	c.mu.Lock()
	c.size--
	c.mu.Unlock()
}

func (c *Cache) reap() {
	for k := range c.evicted {
		c.onEvict(k)
	}
}

// ok: a buffered channel; the rule leaves buffers to the author.
func (c *Cache) Evict(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.evicted <- k // ok
}

// Group's members sign off through a hook that only touches an atomic-free counter under its own lock.
type Group struct {
	mu      sync.Mutex
	doneMu  sync.Mutex
	left    int
	wg      sync.WaitGroup
	onLeave func()
}

func NewGroup(n int) *Group {
	g := &Group{}
	g.onLeave = g.leave
	for i := 0; i < n; i++ {
		g.wg.Add(1)
		go g.member()
	}
	return g
}

func (g *Group) leave() {
	g.doneMu.Lock()
	g.left++
	g.doneMu.Unlock()
}

func (g *Group) member() {
	defer g.wg.Done()
	g.onLeave()
}

// ok: the members need doneMu, not mu.
func (g *Group) Wait() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.wg.Wait() // ok
}

// Switchboard stores two different handlers in one field: which one runs is not known.
type Switchboard struct {
	mu     sync.Mutex
	lines  chan int
	onCall func(int)
	calls  int
}

func NewSwitchboard(quiet bool) *Switchboard {
	s := &Switchboard{lines: make(chan int)}
	if quiet {
		s.onCall = s.ignore
	} else {
		s.onCall = s.log
	}
	go s.route()
	return s
}

func (s *Switchboard) ignore(int) {}

func (s *Switchboard) log(int) {}

func (s *Switchboard) route() {
	for l := range s.lines {
		s.onCall(l)
	}
}

// ok: neither handler locks.
func (s *Switchboard) Ring(l int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	s.lines <- l // ok
}
