package fixtures

import (
	"errors"
	"log"
	"time"
)

type readReq struct {
	key   string
	reply chan string
}

// Cache serves reads from one goroutine that ranges over its request channel.
type Cache struct {
	readc chan readReq
	stop  chan struct{}
	m     map[string]string
}

func (c *Cache) fetch(key string) (string, error) {
	v, ok := c.m[key]
	if !ok {
		return "", errors.New("miss")
	}
	return v, nil
}

func (c *Cache) serve() {
	for r := range c.readc {
		v, err := c.fetch(r.key)
		if err != nil {
			return
		}
		r.reply <- v
	}
}

func (c *Cache) Read(key string) string {
	r := readReq{key: key, reply: make(chan string, 1)}
	select {
	case c.readc <- r:
	case <-c.stop:
		return ""
	}
	return <-r.reply // want "`<-r.reply` blocks forever if `serve` takes this request and returns without replying \\(line 33\\)"
}

// ok: the caller gives up on the loop's stop channel too.
func (c *Cache) ReadOrStop(key string) (string, error) {
	r := readReq{key: key, reply: make(chan string, 1)}
	select {
	case c.readc <- r:
	case <-c.stop:
		return "", errStopped
	}
	select {
	case v := <-r.reply: // ok
		return v, nil
	case <-c.stop:
		return "", errStopped
	}
}

type writeReq struct {
	key, val string
	done     chan struct{}
}

// Writer moves on to the next write when one fails, without telling its caller.
type Writer struct {
	writec chan writeReq
	stop   chan struct{}
}

func (w *Writer) store(k, v string) error { return nil }

func (w *Writer) loop() {
	for r := range w.writec {
		if err := w.store(r.key, r.val); err != nil {
			log.Printf("write %s: %v", r.key, err)
			continue
		}
		r.done <- struct{}{}
	}
}

func (w *Writer) Write(k, v string) {
	r := writeReq{key: k, val: v, done: make(chan struct{})}
	w.writec <- r
	<-r.done // want "`<-r.done` blocks forever if `loop` takes this request and moves on without replying \\(line 82\\)"
}

// Giving up on the send is not enough: the loop may take the write and move on.
func (w *Writer) TryWrite(k, v string) error {
	r := writeReq{key: k, val: v, done: make(chan struct{})}
	select {
	case w.writec <- r:
	case <-w.stop:
		return errStopped
	}
	<-r.done // want "`<-r.done` blocks forever if `loop` takes this request and moves on without replying \\(line 82\\)"
	return nil
}

type statReq struct {
	verbose bool
	reply   chan int
}

// Gauge answers only while it is ready: the other requests end their round unanswered.
type Gauge struct {
	statc chan statReq
	ready bool
	n     int
}

func (g *Gauge) run() {
	for r := range g.statc {
		if g.ready {
			r.reply <- g.n
		}
	}
}

func (g *Gauge) Value() int {
	r := statReq{reply: make(chan int, 1)}
	g.statc <- r
	return <-r.reply // want "`<-r.reply` blocks forever if `run` takes this request and goes round to the next one without replying"
}

// Counter's requests are the reply channels themselves.
type Counter struct {
	countc chan chan int
	n      int
}

func (c *Counter) check() error { return nil }

func (c *Counter) loop() {
	for ch := range c.countc {
		if err := c.check(); err != nil {
			continue
		}
		ch <- c.n
	}
}

func (c *Counter) Count() int {
	ch := make(chan int, 1)
	c.countc <- ch
	return <-ch // want "`<-ch` blocks forever if `loop` takes this request and moves on without replying"
}

type flushOp struct {
	deadline time.Time
	errc     chan error
}

// Flusher breaks out of its loop once closed, with the request it has just taken.
type Flusher struct {
	flushc chan flushOp
	closed bool
}

func (f *Flusher) flush(time.Time) error { return nil }

func (f *Flusher) run() {
	for op := range f.flushc {
		if f.closed {
			break
		}
		op.errc <- f.flush(op.deadline)
	}
	log.Print("flusher done")
}

func (f *Flusher) Flush() error {
	op := flushOp{deadline: time.Now().Add(time.Second), errc: make(chan error, 1)}
	f.flushc <- op
	return <-op.errc // want "`<-op.errc` blocks forever if `run` takes this request and returns without replying \\(line 171\\)"
}

type applyReq struct {
	n     int
	reply chan int
}

// Applier offers its answer in a select that also watches stop: on shutdown it leaves with the
// request taken.
type Applier struct {
	applyc chan applyReq
	stop   chan struct{}
}

func (a *Applier) run() {
	for r := range a.applyc {
		v := r.n * 2
		select {
		case r.reply <- v:
		case <-a.stop:
			return
		}
	}
}

func (a *Applier) Apply(n int) int {
	reply := make(chan int)
	a.applyc <- applyReq{n: n, reply: reply}
	return <-reply // want "`<-reply` blocks forever if `run` takes this request and returns without replying \\(line 202\\)"
}

// A request built positionally.
func (a *Applier) Double(n int) int {
	reply := make(chan int, 1)
	a.applyc <- applyReq{n, reply}
	return <-reply // want "`<-reply` blocks forever if `run` takes this request and returns"
}

type lookupReq struct {
	name string
	resp chan []string
	errc chan error
}

// ok: Directory answers every request, an error with an error.
type Directory struct {
	lookupc chan lookupReq
	entries map[string][]string
}

func (d *Directory) loop() {
	for r := range d.lookupc {
		addrs, ok := d.entries[r.name]
		if !ok {
			r.errc <- errors.New("not found")
			continue
		}
		r.resp <- addrs
	}
}

func (d *Directory) Lookup(name string) ([]string, error) {
	r := lookupReq{name: name, resp: make(chan []string, 1), errc: make(chan error, 1)}
	d.lookupc <- r
	select {
	case a := <-r.resp: // ok
		return a, nil
	case err := <-r.errc:
		return nil, err
	}
}

type jobReq struct {
	id    int
	reply chan bool
}

// ok: Dispatcher hands every request to a goroutine that answers it.
type Dispatcher struct {
	jobc chan jobReq
	busy bool
}

func (d *Dispatcher) handle(r jobReq) { r.reply <- true }

func (d *Dispatcher) loop() {
	for r := range d.jobc {
		if d.busy {
			go d.handle(r)
			continue
		}
		r.reply <- false
	}
}

func (d *Dispatcher) Submit(id int) bool {
	r := jobReq{id: id, reply: make(chan bool, 1)}
	d.jobc <- r
	return <-r.reply // ok
}

type pingReq struct {
	kind  string
	reply chan string
}

// ok: requests of some kinds expect no answer: the loop branches on the request itself.
type Pinger struct {
	pingc chan pingReq
}

func (p *Pinger) loop() {
	for r := range p.pingc {
		if r.kind == "notify" {
			continue
		}
		r.reply <- "pong"
	}
}

func (p *Pinger) Ping() string {
	r := pingReq{kind: "ping", reply: make(chan string, 1)}
	p.pingc <- r
	return <-r.reply // ok
}

type tickReq struct {
	at    time.Time
	reply chan time.Duration
}

// ok: every round answers; the loop only ends when its channel is closed.
type Clock struct {
	tickc chan tickReq
	start time.Time
}

func (c *Clock) loop() {
	for r := range c.tickc {
		r.reply <- r.at.Sub(c.start)
	}
}

func (c *Clock) Since(at time.Time) time.Duration {
	r := tickReq{at: at, reply: make(chan time.Duration, 1)}
	c.tickc <- r
	return <-r.reply // ok
}

type cbReq struct {
	key  string
	done func(error)
	errc chan error
}

// ok: a dropping path calls the request's callback, which may carry the answer.
type Notifier struct {
	cbc chan cbReq
}

func (n *Notifier) loop() {
	for r := range n.cbc {
		if r.key == "" {
			r.done(errors.New("empty key"))
			continue
		}
		r.errc <- nil
	}
}

func (n *Notifier) Notify(key string) error {
	r := cbReq{key: key, done: func(error) {}, errc: make(chan error, 1)}
	n.cbc <- r
	return <-r.errc // ok
}

// ok: the caller does not wait for the answer.
func (c *Cache) Prefetch(key string) {
	c.readc <- readReq{key: key, reply: make(chan string, 1)} // ok
}

type sizeReq struct {
	reply chan int
}

// ok: two loops receive from the channel, so which one takes the request is not known.
type Sharded struct {
	sizec chan sizeReq
	n     int
}

func (s *Sharded) first() {
	for r := range s.sizec {
		if s.n == 0 {
			return
		}
		r.reply <- s.n
	}
}

func (s *Sharded) second() {
	for r := range s.sizec {
		r.reply <- s.n
	}
}

func (s *Sharded) Size() int {
	r := sizeReq{reply: make(chan int, 1)}
	s.sizec <- r
	return <-r.reply // ok
}
