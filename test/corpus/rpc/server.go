package rpc

import (
	"errors"
	"io"
	"sync"
)

type request struct {
	method string
	body   []byte
}

type conn interface {
	ReadRequest() (*request, error)
	Close() error
}

type server struct {
	mu      sync.Mutex
	conns   map[conn]bool
	handle  func(*request)
	serving sync.WaitGroup
}

// serveConn hands requests to a worker and returns on the first read error without closing
// reqs: the worker waits forever.
func (s *server) serveConn(c conn) error {
	reqs := make(chan *request)
	go func() {
		for r := range reqs { // want "forever"
			s.handle(r)
		}
	}()
	for {
		r, err := c.ReadRequest()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		reqs <- r
	}
}

// ok: the deferred close ends the worker on every return.
func (s *server) serveConnFixed(c conn) error {
	reqs := make(chan *request)
	defer close(reqs)
	go func() {
		for r := range reqs {
			s.handle(r)
		}
	}()
	for {
		r, err := c.ReadRequest()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		reqs <- r
	}
}

// ok: the connection set is guarded by s.mu everywhere.
func (s *server) track(c conn, add bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if add {
		s.conns[c] = true
	} else {
		delete(s.conns, c)
	}
}

// Shutdown waits for the connection goroutines from inside one of them.
func (s *server) serveAll(conns []conn) {
	for _, c := range conns {
		s.serving.Add(1)
		go func(c conn) {
			defer s.serving.Done()
			_ = s.serveConnFixed(c)
			s.serving.Wait() // want "Wait"
			c.Close()
		}(c)
	}
}

// ok: Wait runs in the function that started the goroutines.
func (s *server) serveAllFixed(conns []conn) {
	for _, c := range conns {
		s.serving.Add(1)
		go func(c conn) {
			defer s.serving.Done()
			_ = s.serveConnFixed(c)
			c.Close()
		}(c)
	}
	s.serving.Wait()
}
