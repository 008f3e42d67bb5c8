package teststop

// pulsar's transaction handler: the loop returns when closeCh is closed, but only a test closes
// it (close is unexported, and its one caller, the client's close, is called by a test alone).
// In the program the loop never returns, so a request cannot be sent to a stopped loop.

type handler struct {
	requestCh chan any
	closeCh   chan any
}

func newHandler() *handler {
	h := &handler{requestCh: make(chan any), closeCh: make(chan any)}
	go h.run()
	return h
}

func (h *handler) run() {
	for {
		select {
		case <-h.closeCh:
			return
		case req := <-h.requestCh:
			_ = req
		}
	}
}

func (h *handler) retry(op any) {
	go func() {
		h.requestCh <- op // ok
	}()
}

func (h *handler) close() {
	close(h.closeCh)
}

type client struct {
	handlers []*handler
}

func (c *client) close() {
	for _, h := range c.handlers {
		h.close()
	}
}

// The same loop stopped by an exported method: any importer may call it.
type server struct {
	reqc chan int
	stop chan struct{}
}

func newServer() *server {
	s := &server{reqc: make(chan int), stop: make(chan struct{})}
	go s.run()
	return s
}

func (s *server) run() {
	for {
		select {
		case <-s.stop:
			return
		case r := <-s.reqc:
			_ = r
		}
	}
}

func (s *server) Submit(r int) {
	s.reqc <- r // want "blocks forever once `run` has returned"
}

func (s *server) Stop() {
	close(s.stop)
}
