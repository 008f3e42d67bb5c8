package fixtures

import (
	"context"
	"errors"
	"log"
)

type entry struct {
	index int
	data  []byte
}

// Applier applies committed entries in one goroutine, ranging over its channel; an apply error
// ends the loop (raft's applier before it learned to keep draining).
type Applier struct {
	applyc chan entry
	stopc  chan struct{}
}

func NewApplier() *Applier {
	a := &Applier{applyc: make(chan entry), stopc: make(chan struct{})}
	go a.run()
	return a
}

func (a *Applier) apply(e entry) error { return nil }

func (a *Applier) run() {
	for e := range a.applyc {
		if err := a.apply(e); err != nil {
			log.Printf("apply %d: %v", e.index, err)
			return
		}
	}
}

func (a *Applier) Commit(e entry) {
	a.applyc <- e // want "`a.applyc <- e` blocks forever once `run` has left its loop over `a.applyc` at `return` \\(line 33\\): no other goroutine receives"
}

// Handing the send to a goroutine leaks that goroutine instead.
func (a *Applier) CommitAsync(e entry) {
	go func() {
		a.applyc <- e // want "blocks forever once `run` has left its loop over `a.applyc`"
	}()
}

// A helper that takes the applier as a parameter sends on the same field.
func commitAll(a *Applier, es []entry) {
	for _, e := range es {
		a.applyc <- e // want "once `run` has left its loop over `a.applyc` at `return`"
	}
}

// ok: the sender gives up when the applier is stopped.
func (a *Applier) TryCommit(e entry) error {
	select {
	case a.applyc <- e: // ok
		return nil
	case <-a.stopc:
		return errors.New("stopped")
	}
}

// Forwarder passes events on, and stops forwarding when stop is closed.
type Forwarder struct {
	events chan string
	out    chan string
	stop   chan struct{}
}

func NewForwarder() *Forwarder {
	f := &Forwarder{events: make(chan string), out: make(chan string), stop: make(chan struct{})}
	go f.forward()
	return f
}

func (f *Forwarder) forward() {
	for ev := range f.events {
		select {
		case f.out <- ev:
		case <-f.stop:
			return
		}
	}
}

func (f *Forwarder) Close() { close(f.stop) }

func (f *Forwarder) Publish(ev string) {
	f.events <- ev // want "`f.events <- ev` blocks forever once `forward` has left its loop over `f.events` at `return` \\(line 84\\)"
}

// Pool's workers end with the context they were started with.
type Pool struct {
	jobs chan func()
}

func StartPool(ctx context.Context) *Pool {
	p := &Pool{jobs: make(chan func())}
	go p.work(ctx)
	return p
}

func (p *Pool) work(ctx context.Context) {
	for job := range p.jobs {
		if ctx.Err() != nil {
			return
		}
		job()
	}
}

func (p *Pool) Go(job func()) {
	p.jobs <- job // want "`p.jobs <- job` blocks forever once `work` has left its loop over `p.jobs` at `return`"
}

type op struct {
	kind string
	key  string
}

// Journal's loop breaks out on a stop operation and then closes the file.
type Journal struct {
	ops    chan op
	closed bool
}

func NewJournal() *Journal {
	j := &Journal{ops: make(chan op)}
	go j.loop()
	return j
}

func (j *Journal) write(o op) {}

func (j *Journal) loop() {
	for o := range j.ops {
		if o.kind == "stop" {
			break
		}
		j.write(o)
	}
	j.closed = true
}

func (j *Journal) Append(key string) {
	j.ops <- op{kind: "put", key: key} // want "`j.ops <- op\\{kind: \"put\", key:...` blocks forever once `loop` has left its loop over `j.ops` at `break`"
}

// A second Stop blocks too: the loop has already left.
func (j *Journal) Stop() {
	j.ops <- op{kind: "stop"} // want "blocks forever once `loop` has left its loop over `j.ops` at `break`"
}

// Mux leaves its labelled loop from inside a switch.
type Mux struct {
	in chan op
}

func NewMux() *Mux {
	m := &Mux{in: make(chan op)}
	go m.serve()
	return m
}

func (m *Mux) serve() {
loop:
	for o := range m.in {
		switch o.kind {
		case "quit":
			break loop
		default:
			log.Print(o.key)
		}
	}
}

func (m *Mux) Send(o op) {
	m.in <- o // want "`m.in <- o` blocks forever once `serve` has left its loop over `m.in` at `break loop`"
}

// ok: Drainer's loop only ends when its channel is closed; a break inside a switch or an inner
// loop ends those, and a return inside a closure ends the closure.
type Drainer struct {
	items chan []int
}

func NewDrainer() *Drainer {
	d := &Drainer{items: make(chan []int)}
	go d.drain()
	return d
}

func (d *Drainer) drain() {
	for batch := range d.items {
		switch len(batch) {
		case 0:
			break
		}
		for _, v := range batch {
			if v < 0 {
				break
			}
		}
		func() {
			if len(batch) > 10 {
				return
			}
		}()
	}
}

func (d *Drainer) Add(batch []int) {
	d.items <- batch // ok
}

// ok: the channel is closed by Close, so the loop ends with it (a late send panics instead:
// send-after-close's business, not this rule's).
type Sink struct {
	lines chan string
}

func NewSink() *Sink {
	s := &Sink{lines: make(chan string)}
	go s.consume()
	return s
}

func (s *Sink) consume() {
	for l := range s.lines {
		if l == "" {
			return
		}
	}
}

func (s *Sink) Close() { close(s.lines) }

func (s *Sink) Write(l string) {
	s.lines <- l // ok
}

// ok: a buffered channel; the rule stays silent when the send may not wait.
type Coalescer struct {
	reqs chan int
}

func NewCoalescer() *Coalescer {
	b := &Coalescer{reqs: make(chan int, 128)}
	go b.run()
	return b
}

func (b *Coalescer) run() {
	for n := range b.reqs {
		if n < 0 {
			return
		}
	}
}

func (b *Coalescer) Add(n int) {
	b.reqs <- n // ok
}

// ok: another method receives from the channel too, so the loop is not its only receiver.
type Tee struct {
	msgs chan string
}

func NewTee() *Tee {
	r := &Tee{msgs: make(chan string)}
	go r.pump()
	return r
}

func (r *Tee) pump() {
	for m := range r.msgs {
		if m == "eof" {
			return
		}
	}
	for range r.msgs {
	}
}

func (r *Tee) Next() string { return <-r.msgs }

func (r *Tee) Put(m string) {
	r.msgs <- m // ok
}

// ok: the loop is entered again after its break: the outer loop goes round.
type Ring struct {
	slots chan int
}

func NewRing() *Ring {
	r := &Ring{slots: make(chan int)}
	go r.spin()
	return r
}

func (r *Ring) spin() {
	for {
		for n := range r.slots {
			if n == 0 {
				break
			}
		}
		log.Print("round")
	}
}

func (r *Ring) Push(n int) {
	r.slots <- n // ok
}

// ok: the only sender is the loop itself (it requeues what it cannot do yet).
type Retrier struct {
	retries chan int
}

func (r *Retrier) loop() {
	for n := range r.retries {
		if n > 3 {
			return
		}
		go func() { r.retries <- n + 1 }() // ok
	}
}

func NewRetrier() *Retrier {
	r := &Retrier{retries: make(chan int)}
	go r.loop()
	return r
}
