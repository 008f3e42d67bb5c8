//fixture:go 1.20

// Package apiserver is a small HTTP API server with a watch cache; its tests start servers and
// clients on goroutines.
package apiserver

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

var ErrNotReady = errors.New("apiserver: not ready")

type Server struct {
	mu      sync.Mutex
	ready   bool
	srv     *http.Server
	cache   map[string]string
	readyCh chan struct{}
}

func NewServer() *Server {
	return &Server{cache: make(map[string]string), readyCh: make(chan struct{})}
}

// ok: Serve marks the server ready once, under the lock.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	s.srv = &http.Server{Handler: http.HandlerFunc(s.handle)}
	if !s.ready {
		s.ready = true
		close(s.readyCh)
	}
	srv := s.srv
	s.mu.Unlock()
	return srv.Serve(l)
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	v, ok := s.cache[r.URL.Path]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	_, _ = w.Write([]byte(v))
}

// ok: waits for readiness or ctx.
func (s *Server) WaitReady(ctx context.Context) error {
	select {
	case <-s.readyCh:
		return nil
	case <-ctx.Done():
		return ErrNotReady
	}
}

// ok: shutdown with a bounded context released by defer.
func (s *Server) Shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.mu.Lock()
	srv := s.srv
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Shutdown(ctx)
}

// Put writes the cache; the error path returns with the lock held.
func (s *Server) Put(key, value string) error {
	s.mu.Lock()
	if !s.ready {
		return ErrNotReady // want "leaves `s.mu` locked"
	}
	s.cache[key] = value
	s.mu.Unlock()
	return nil
}
