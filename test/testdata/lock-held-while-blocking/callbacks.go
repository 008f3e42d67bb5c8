package fixtures

import (
	"sync"
	"time"
)

type Update struct {
	Key string
	Rev int64
}

// Bus dispatches updates to the handler it registered for itself.
type Bus struct {
	mu      sync.Mutex
	last    map[string]int64
	updates chan Update
	onEvent func(Update)
}

func NewBus() *Bus {
	b := &Bus{last: map[string]int64{}, updates: make(chan Update)}
	b.onEvent = b.record
	go b.dispatch()
	return b
}

func (b *Bus) record(u Update) {
	b.mu.Lock()
	b.last[u.Key] = u.Rev
	b.mu.Unlock()
}

func (b *Bus) dispatch() {
	for u := range b.updates {
		b.onEvent(u)
	}
}

func (b *Bus) Publish(u Update) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.last[u.Key] >= u.Rev {
		return
	}
	b.updates <- u // want "`b\\.updates <- u` waits while holding `b\\.mu`, but the receiver `Bus\\.dispatch` \\(via `onEvent`\\) locks it between receives"
}

// ok: the lock is let go before the handoff.
func (b *Bus) PublishFixed(u Update) {
	b.mu.Lock()
	stale := b.last[u.Key] >= u.Rev
	b.mu.Unlock()
	if !stale {
		b.updates <- u // ok
	}
}

// Watcher's change handler is a literal that locks the watcher it was made for.
type Watcher struct {
	mu       sync.Mutex
	dirty    map[string]bool
	changes  chan string
	onChange func(string)
}

func NewWatcher() *Watcher {
	w := &Watcher{dirty: map[string]bool{}, changes: make(chan string)}
	w.onChange = func(k string) {
		w.mu.Lock()
		w.dirty[k] = true
		w.mu.Unlock()
	}
	go w.loop()
	return w
}

func (w *Watcher) loop() {
	for k := range w.changes {
		w.onChange(k)
	}
}

func (w *Watcher) Touch(k string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.changes <- k // want "`w\\.changes <- k` waits while holding `w\\.mu`, but the receiver `Watcher\\.loop` \\(via `onChange`\\) locks it between receives"
}

// Pool's workers report that they went idle through a hook before they are counted out.
type Pool struct {
	mu     sync.Mutex
	idle   int
	closed bool
	wg     sync.WaitGroup
	onIdle func()
}

func NewPool(n int) *Pool {
	p := &Pool{}
	p.onIdle = p.markIdle
	for i := 0; i < n; i++ {
		p.wg.Add(1)
		go p.work()
	}
	return p
}

func (p *Pool) markIdle() {
	p.mu.Lock()
	p.idle++
	p.mu.Unlock()
}

func (p *Pool) work() {
	defer p.wg.Done()
	time.Sleep(time.Millisecond)
	p.onIdle()
}

func (p *Pool) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	p.wg.Wait() // want "`p\\.wg\\.Wait\\(\\)` waits while holding `p\\.mu`, but the `Done` caller `Pool\\.work` \\(via `onIdle`\\) needs it first"
}

// ok: Shutdown waits after unlocking.
func (p *Pool) Shutdown() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.wg.Wait() // ok
}

// Conn closes done after its close hook ran; the hook takes the connection's lock.
type Conn struct {
	mu      sync.Mutex
	streams map[int]bool
	quit    chan struct{}
	done    chan struct{}
	onClose func()
}

func NewConn() *Conn {
	c := &Conn{streams: map[int]bool{}, quit: make(chan struct{}), done: make(chan struct{})}
	c.onClose = c.forgetStreams
	go c.readLoop()
	return c
}

func (c *Conn) forgetStreams() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.streams = map[int]bool{}
}

func (c *Conn) wait() { <-c.quit }

func (c *Conn) readLoop() {
	c.wait()
	c.onClose()
	close(c.done)
}

func (c *Conn) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	close(c.quit)
	<-c.done // want "`<-c\\.done` waits while holding `c\\.mu`, but the closer `Conn\\.readLoop` \\(via `onClose`\\) needs it first: deadlock"
}

// Ticker counts ticks in a closure the server stored for itself in a method.
type Ticker struct {
	mu     sync.RWMutex
	ticks  int
	tickc  chan struct{}
	onTick func()
}

func (t *Ticker) init() {
	t.tickc = make(chan struct{})
	t.onTick = func() {
		t.mu.Lock()
		t.ticks++
		t.mu.Unlock()
	}
	go t.count()
}

func (t *Ticker) count() {
	for range t.tickc {
		t.onTick()
	}
}

// A read lock is enough to block the callback's write lock.
func (t *Ticker) Tick() {
	t.mu.RLock()
	defer t.mu.RUnlock()
	t.tickc <- struct{}{} // want "`t\\.tickc <- struct\\{\\}\\{\\}` waits while holding `t\\.mu`, but the receiver `Ticker\\.count` \\(via `onTick`\\) locks it between receives"
}

// Store applies entries through a hook that reaches the lock two calls down.
type Store struct {
	mu      sync.Mutex
	data    map[string]string
	applyc  chan [2]string
	onApply func([2]string)
}

func NewStore() *Store {
	s := &Store{data: map[string]string{}, applyc: make(chan [2]string)}
	s.onApply = s.apply
	go s.applier()
	return s
}

func (s *Store) apply(kv [2]string) { s.put(kv[0], kv[1]) }

func (s *Store) put(k, v string) {
	s.mu.Lock()
	s.data[k] = v
	s.mu.Unlock()
}

func (s *Store) applier() {
	for kv := range s.applyc {
		s.onApply(kv)
	}
}

func (s *Store) Set(k, v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.data[k] == v {
		return
	}
	s.applyc <- [2]string{k, v} // want "`s\\.applyc <- \\[2\\]string\\{k, v\\}` waits while holding `s\\.mu`, but the receiver `Store\\.applier` \\(via `onApply`\\) locks it between receives"
}

// Result collection: the collector announces itself through a hook before it receives.
type Collector struct {
	mu      sync.Mutex
	pending int
	results chan int
	onStart func()
}

func NewCollector() *Collector {
	c := &Collector{results: make(chan int)}
	c.onStart = c.begin
	return c
}

func (c *Collector) begin() {
	c.mu.Lock()
	c.pending++
	c.mu.Unlock()
}

func (c *Collector) Collect() int {
	c.onStart()
	return <-c.results
}

func (c *Collector) Report(v int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.results <- v // want "`c\\.results <- v` waits while holding `c\\.mu`, but the receiver `Collector\\.Collect` \\(via `onStart`\\) needs it first"
}

// Reloader's hook is a literal too, but it locks the reloader's own stats, not mu.
type Reloader struct {
	mu       sync.Mutex
	statsMu  sync.Mutex
	reloads  int
	cfgc     chan string
	onReload func(string)
}

func NewReloader() *Reloader {
	r := &Reloader{cfgc: make(chan string)}
	r.onReload = func(string) {
		r.statsMu.Lock()
		r.reloads++
		r.statsMu.Unlock()
	}
	go r.watch()
	return r
}

func (r *Reloader) watch() {
	for cfg := range r.cfgc {
		r.onReload(cfg)
	}
}

// ok: the hook needs statsMu, not mu.
func (r *Reloader) Reload(cfg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cfgc <- cfg // ok
}
