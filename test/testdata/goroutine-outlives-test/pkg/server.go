package pkg

import "context"

type Server struct {
	reqc chan int
	stop chan struct{}
}

func NewServer() *Server {
	s := &Server{reqc: make(chan int), stop: make(chan struct{})}
	go s.run()
	return s
}

func newServerErr(fail bool) (*Server, error) {
	s := &Server{reqc: make(chan int), stop: make(chan struct{})}
	go s.run()
	return s, nil
}

func (s *Server) run() {
	for {
		select {
		case <-s.reqc:
		case <-s.stop:
			return
		}
	}
}

func (s *Server) Submit(v int) { s.reqc <- v }
func (s *Server) Stop()        { close(s.stop) }

// Pool is stopped by Close.
type Pool struct {
	jobs chan func()
	quit chan struct{}
}

func NewPool() *Pool {
	p := &Pool{jobs: make(chan func()), quit: make(chan struct{})}
	go p.loop()
	return p
}

func (p *Pool) loop() {
	for {
		select {
		case job := <-p.jobs:
			job()
		case <-p.quit:
			return
		}
	}
}

func (p *Pool) Go(f func()) { p.jobs <- f }
func (p *Pool) Close() error {
	close(p.quit)
	return nil
}

// Watcher ends with the context it is given: the test controls that, not a method.
type Watcher struct {
	events chan string
}

func NewWatcher(ctx context.Context) *Watcher {
	w := &Watcher{events: make(chan string)}
	go w.watch(ctx)
	return w
}

func (w *Watcher) watch(ctx context.Context) {
	for {
		select {
		case <-w.events:
		case <-ctx.Done():
			return
		}
	}
}

// Plain has no goroutine at all.
type Plain struct{ n int }

func NewPlain() *Plain { return &Plain{} }

// Shutdown stops the server through Stop.
func (s *Server) Shutdown() error {
	s.Stop()
	return nil
}
