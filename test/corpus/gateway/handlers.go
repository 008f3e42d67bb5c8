//fixture:go 1.22

// Package gateway is an HTTP API gateway: handlers that call backends under the request's
// context, background jobs, and a cache of backend clients.
package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"sync"
	"time"
)

var errNoBackend = errors.New("gateway: no backend")

type Backend interface {
	Call(ctx context.Context, path string) ([]byte, error)
}

type Gateway struct {
	mu       sync.RWMutex
	backends map[string]Backend
	audit    func(ctx context.Context, r string)
	timeout  time.Duration
	inflight sync.WaitGroup
}

func (g *Gateway) backend(name string) (Backend, error) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	b, ok := g.backends[name]
	if !ok {
		return nil, errNoBackend
	}
	return b, nil
}

// ok: the backend call derives its timeout from the request context; cancel is deferred.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, err := g.backend(r.URL.Query().Get("backend"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), g.timeout)
	defer cancel()
	body, err := b.Call(ctx, r.URL.Path)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	_, _ = w.Write(body)
}

// ok: cancel is called on every branch of the switch.
func (g *Gateway) probe(parent context.Context, name string) (string, error) {
	b, err := g.backend(name)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(parent, time.Second)
	_, err = b.Call(ctx, "/healthz")
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		cancel()
		return "timeout", nil
	case err != nil:
		cancel()
		return "", err
	default:
		cancel()
		return "ok", nil
	}
}

// ok: the cancel function is handed to a goroutine that calls it when the work is done.
func (g *Gateway) startWatch(parent context.Context, name string, onEvent func([]byte)) error {
	b, err := g.backend(name)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(parent)
	g.inflight.Add(1)
	go func() {
		defer g.inflight.Done()
		defer cancel()
		for ctx.Err() == nil {
			ev, err := b.Call(ctx, "/watch")
			if err != nil {
				return
			}
			onEvent(ev)
		}
	}()
	return nil
}

// ok: a deferred closure calls cancel.
func (g *Gateway) fetchJSON(parent context.Context, name, path string, v interface{}) error {
	b, err := g.backend(name)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(parent, g.timeout)
	defer func() {
		cancel()
	}()
	body, err := b.Call(ctx, path)
	if err != nil {
		return err
	}
	return json.Unmarshal(body, v)
}

// ok: the audit record is written after the response on purpose, detached from the request: it
// must not be cancelled when the client goes away. (context.WithoutCancel needs Go 1.21.)
func (g *Gateway) handleAudited(w http.ResponseWriter, r *http.Request) {
	route := r.URL.Path
	g.ServeHTTP(w, r)
	g.inflight.Add(1)
	go func() {
		defer g.inflight.Done()
		g.audit(context.Background(), route)
	}()
}

// ok: the request's context is used for both backend calls.
func (g *Gateway) handleBoth(w http.ResponseWriter, r *http.Request) {
	a, errA := g.backend("a")
	b, errB := g.backend("b")
	if errA != nil || errB != nil {
		http.Error(w, "missing backend", http.StatusServiceUnavailable)
		return
	}
	type res struct {
		body []byte
		err  error
	}
	ra := make(chan res, 1)
	go func() {
		body, err := a.Call(r.Context(), r.URL.Path)
		ra <- res{body, err}
	}()
	bodyB, err := b.Call(r.Context(), r.URL.Path)
	got := <-ra
	if err != nil || got.err != nil {
		http.Error(w, "backend failed", http.StatusBadGateway)
		return
	}
	_, _ = w.Write(append(got.body, bodyB...))
}

// handleSlow ignores the request context for the backend call.
func (g *Gateway) handleSlow(w http.ResponseWriter, r *http.Request) {
	b, err := g.backend("slow")
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	body, err := b.Call(context.Background(), r.URL.Path) // want "context.Background\\(\\)"
	if err != nil {
		log.Printf("slow backend: %v", err)
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	_, _ = w.Write(body)
}

// ok: Shutdown waits for the in-flight work or for ctx.
func (g *Gateway) Shutdown(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		g.inflight.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
