package autoscale

import (
	"context"
	"log"
	"net/http"
	"sync/atomic"
	"time"
)

type stats struct {
	inflight int64
	requests int64
	report   func(inflight, requests int64)
}

// reportLoop uses time.Tick in a long-lived goroutine that can stop: the ticker is never freed.
func (s *stats) reportLoop(stop <-chan struct{}) {
	tick := time.Tick(time.Second) // want "time.Tick"
	for {
		select {
		case <-tick:
			s.report(atomic.LoadInt64(&s.inflight), atomic.SwapInt64(&s.requests, 0))
		case <-stop:
			return
		}
	}
}

// ok: a ticker stopped on return.
func (s *stats) reportLoopFixed(stop <-chan struct{}) {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			s.report(atomic.LoadInt64(&s.inflight), atomic.SwapInt64(&s.requests, 0))
		case <-stop:
			return
		}
	}
}

type proxy struct {
	stats   *stats
	backend func(ctx context.Context, r *http.Request) (int, error)
	timeout time.Duration
}

// ServeHTTP derives a timeout context and drops its cancel.
func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, _ := context.WithTimeout(r.Context(), p.timeout) // want "cancel"
	atomic.AddInt64(&p.stats.inflight, 1)
	defer atomic.AddInt64(&p.stats.inflight, -1)
	code, err := p.backend(ctx, r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.WriteHeader(code)
}

// ok: cancel deferred.
func (p *proxy) serveFixed(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), p.timeout)
	defer cancel()
	code, err := p.backend(ctx, r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.WriteHeader(code)
}

// probeHandler ignores the request context for the backend call.
func (p *proxy) probeHandler(w http.ResponseWriter, r *http.Request) {
	code, err := p.backend(context.TODO(), r) // want "context.TODO\\(\\)"
	if err != nil {
		log.Printf("probe: %v", err)
	}
	w.WriteHeader(code)
}

// ok: the drain waits for in-flight requests without a context; no ctx is in scope to honour.
func (p *proxy) drain(grace time.Duration) {
	deadline := time.Now().Add(grace)
	for atomic.LoadInt64(&p.stats.inflight) > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
}
