package fixtures

import "sync"

type Event struct {
	Key string
}

type hub struct {
	mu     sync.Mutex
	n      int
	eventc chan Event
}

func newHub() *hub {
	h := &hub{eventc: make(chan Event)}
	go h.dispatch()
	return h
}

func (h *hub) dispatch() {
	for ev := range h.eventc {
		h.mu.Lock()
		h.n += len(ev.Key)
		h.mu.Unlock()
	}
}

func (h *hub) Notify(ev Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.eventc <- ev // want "`h\\.eventc <- ev` waits while holding `h\\.mu`, but the receiver `hub\\.dispatch` locks it between receives"
}

// ok: the lock is released before the send.
func (h *hub) NotifyFixed(ev Event) {
	h.mu.Lock()
	h.n++
	h.mu.Unlock()
	h.eventc <- ev
}

type registry struct {
	mu       sync.Mutex
	handlers []func(string)
	addc     chan func(string)
	workc    chan string
}

func newRegistry() *registry {
	r := &registry{addc: make(chan func(string)), workc: make(chan string, 64)}
	go r.loop()
	return r
}

func (r *registry) loop() {
	for {
		select {
		case f := <-r.addc:
			r.handlers = append(r.handlers, f)
		case key := <-r.workc:
			r.mu.Lock()
			hs := r.handlers
			r.mu.Unlock()
			for _, f := range hs {
				f(key)
			}
		}
	}
}

func (r *registry) Register(f func(string)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addc <- f // want "`r\\.addc <- f` waits while holding `r\\.mu`, but the receiver `registry\\.loop` locks it between receives"
}

// ok: workc is buffered; the send only blocks when 64 items are pending.
func (r *registry) Enqueue(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.workc <- key
}

var (
	hitsMu   sync.Mutex
	hitCount int
	tickc    = make(chan int)
)

func poller(done chan struct{}) {
	for {
		select {
		case n := <-tickc:
			_ = n
		case <-done:
			return
		default:
			hitsMu.Lock()
			hitCount++
			hitsMu.Unlock()
		}
	}
}

func recordHits(n int) {
	hitsMu.Lock()
	defer hitsMu.Unlock()
	hitCount += n
	tickc <- n // want "`tickc <- n` waits while holding `hitsMu`, but the receiver `poller` locks it between receives, so the send can deadlock"
}

type cache struct {
	mu      sync.Mutex
	statsMu sync.Mutex
	size    int
	evictc  chan string
}

func newCache() *cache {
	c := &cache{evictc: make(chan string)}
	go c.evictor()
	return c
}

func (c *cache) evictor() {
	for key := range c.evictc {
		c.statsMu.Lock()
		c.size -= len(key)
		c.statsMu.Unlock()
	}
}

// ok: the evictor takes statsMu, not mu.
func (c *cache) Evict(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.evictc <- key
}

type pool struct {
	mu    sync.Mutex
	busy  int
	jobc  chan func()
	count int
}

func newPool() *pool {
	p := &pool{jobc: make(chan func())}
	go p.worker()
	go p.worker2()
	return p
}

func (p *pool) worker() {
	for job := range p.jobc {
		job()
		p.mu.Lock()
		p.busy--
		p.mu.Unlock()
	}
}

func (p *pool) worker2() {
	for {
		job := <-p.jobc
		job()
	}
}

// ok: two receivers share jobc; we only report when one loop is the only receiver.
func (p *pool) Submit(job func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.busy++
	p.jobc <- job
}

type logger struct {
	mu    sync.Mutex
	lines []string
	linec chan string
}

func newLogger() *logger {
	l := &logger{linec: make(chan string)}
	go l.run()
	return l
}

// ok (for Write): the lock is taken once before the loop, never between receives.
func (l *logger) run() {
	l.mu.Lock()
	n := len(l.lines)
	l.mu.Unlock()
	for line := range l.linec {
		n += len(line)
		go func(line string) {
			l.mu.Lock()
			l.lines = append(l.lines, line)
			l.mu.Unlock()
		}(line)
	}
	_ = n
}

// ok: run only locks before its loop and in goroutines it starts, which do not hold up the receive.
func (l *logger) Write(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.linec <- line
}
