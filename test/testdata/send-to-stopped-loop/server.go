package fixtures

import (
	"context"
	"errors"
	"sync"
)

type request struct {
	key   string
	reply chan string
}

func (r request) handle() {}

var errStopped = errors.New("stopped")

// Server funnels requests through run, which returns when stop is closed.
type Server struct {
	reqc chan request
	stop chan struct{}
}

func NewServer() *Server {
	s := &Server{reqc: make(chan request), stop: make(chan struct{})}
	go s.run()
	return s
}

func (s *Server) run() {
	for {
		select {
		case r := <-s.reqc:
			r.handle()
		case <-s.stop:
			return
		}
	}
}

func (s *Server) Stop() { close(s.stop) }

func (s *Server) Submit(r request) {
	s.reqc <- r // want "`s.reqc <- r` blocks forever once `run` has returned on `<-s.stop` \\(line 35\\): no other goroutine receives"
}

// A request with a reply: the send is where it hangs. Giving up on the send would only move
// the wait to `<-r.reply`, so no fix is offered.
func (s *Server) Get(key string) string {
	r := request{key: key, reply: make(chan string, 1)}
	s.reqc <- r // want "`s.reqc <- r` blocks forever once `run` has returned"
	return <-r.reply
}

// A reply channel put in the request's literal (headscale's node store): no fix either.
func (s *Server) Lookup(key string) string {
	reply := make(chan string, 1)
	r := request{key: key, reply: reply}
	s.reqc <- r // want "`s.reqc <- r` blocks forever once `run` has returned"
	return <-reply
}

// Handing the send to a goroutine leaks that goroutine instead.
func (s *Server) SubmitAsync(r request) {
	go func() {
		s.reqc <- r // want "blocks forever once `run` has returned"
	}()
}

// ok: the sender gives up with the loop.
func (s *Server) TrySubmit(r request) error {
	select {
	case s.reqc <- r: // ok
		return nil
	case <-s.stop:
		return errStopped
	}
}

// Worker's loop ends with the context it was started with.
type Worker struct {
	jobs chan func()
}

func StartWorker(ctx context.Context) *Worker {
	w := &Worker{jobs: make(chan func())}
	go w.loop(ctx)
	return w
}

func (w *Worker) loop(ctx context.Context) {
	for {
		select {
		case job := <-w.jobs:
			job()
		case <-ctx.Done():
			return
		}
	}
}

func (w *Worker) Enqueue(job func()) {
	w.jobs <- job // want "`w.jobs <- job` blocks forever once `loop` has returned on `<-ctx.Done\\(\\)`"
}

// Pump stops on its own context, kept in a field.
type Pump struct {
	ctx    context.Context
	events chan string
}

func (p *Pump) run() {
	for {
		select {
		case ev, ok := <-p.events:
			if !ok {
				return
			}
			println(ev)
		case <-p.ctx.Done():
			return
		}
	}
}

func NewPump(ctx context.Context) *Pump {
	p := &Pump{ctx: ctx, events: make(chan string)}
	go p.run()
	return p
}

func (p *Pump) Publish(ev string) {
	p.events <- ev // want "`p.events <- ev` blocks forever once `run` has returned on `<-p.ctx.Done\\(\\)`"
}

// ok: a buffered queue; the loop is not the only way out (a real bound is the author's choice).
type Queue struct {
	items chan int
	quit  chan struct{}
}

func NewQueue() *Queue {
	q := &Queue{items: make(chan int, 64), quit: make(chan struct{})}
	go q.drain()
	return q
}

func (q *Queue) drain() {
	for {
		select {
		case <-q.items:
		case <-q.quit:
			return
		}
	}
}

func (q *Queue) Push(v int) {
	q.items <- v // ok
}

// ok: Close drains what is left after the loop, so run is not the only receiver.
type Drained struct {
	in   chan int
	done chan struct{}
}

func NewDrained() *Drained {
	d := &Drained{in: make(chan int), done: make(chan struct{})}
	go d.run()
	return d
}

func (d *Drained) run() {
	for {
		select {
		case <-d.in:
		case <-d.done:
			return
		}
	}
}

func (d *Drained) Close() {
	close(d.done)
	go func() {
		for range d.in {
		}
	}()
}

func (d *Drained) Put(v int) {
	d.in <- v // ok
}

// ok: Close waits for every sender before it stops the loop.
type Batcher struct {
	wg   sync.WaitGroup
	adds chan int
	stop chan struct{}
}

func NewBatcher() *Batcher {
	b := &Batcher{adds: make(chan int), stop: make(chan struct{})}
	go b.loop()
	return b
}

func (b *Batcher) loop() {
	for {
		select {
		case <-b.adds:
		case <-b.stop:
			return
		}
	}
}

func (b *Batcher) Add(v int) {
	b.wg.Add(1)
	defer b.wg.Done()
	b.adds <- v // ok
}

func (b *Batcher) Close() {
	b.wg.Wait()
	close(b.stop)
}

// A helper of the package that is handed the server.
func submitAll(s *Server, rs []request) {
	for _, r := range rs {
		s.reqc <- r // want "`s.reqc <- r` blocks forever once `run` has returned on `<-s.stop`"
	}
}

// Group's loop also stops on a context of its own: giving up on `g.done` alone would leave the
// sender blocked after a cancel, so no fix is offered (VictoriaMetrics' rule groups).
type Group struct {
	updates chan int
	done    chan struct{}
}

func NewGroup(ctx context.Context) *Group {
	g := &Group{updates: make(chan int), done: make(chan struct{})}
	go g.start(ctx)
	return g
}

func (g *Group) start(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-g.done:
			return
		case n := <-g.updates:
			_ = n
		}
	}
}

func (g *Group) Close() { close(g.done) }

func (g *Group) Update(n int) {
	g.updates <- n // want "`g.updates <- n` blocks forever once `start` has returned on `<-ctx.Done\\(\\)`"
}
