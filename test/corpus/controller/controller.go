// Package controller is a reconcile loop in the style of cluster controllers: a sharded
// work queue, a lister cache, and a server whose shutdown outlives its run context.
package controller

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
)

var errNotFound = errors.New("controller: object not found")

type Object struct {
	Key        string
	Generation int64
}

type lister struct {
	mu    sync.RWMutex
	items map[string]*Object
}

// ok: Get read-locks the lister's own mutex.
func (l *lister) Get(key string) (*Object, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	o, ok := l.items[key]
	if !ok {
		return nil, errNotFound
	}
	return o, nil
}

type shard struct {
	mu    sync.Mutex
	queue []string
}

type Controller struct {
	mu        sync.Mutex
	statsMu   sync.RWMutex
	shards    []shard
	lister    *lister
	processed int
	reconcile func(ctx context.Context, o *Object) error
	srv       *http.Server
}

// ok: the controller's lock is held while the lister takes its own, different lock.
func (c *Controller) enqueueIfChanged(key string, gen int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	o, err := c.lister.Get(key)
	if err != nil || o.Generation == gen {
		return
	}
	s := &c.shards[len(key)%len(c.shards)]
	s.mu.Lock()
	s.queue = append(s.queue, key)
	s.mu.Unlock()
}

// ok: a stats read lock and a different mutex inside.
func (c *Controller) Stats() (int, int) {
	c.statsMu.RLock()
	defer c.statsMu.RUnlock()
	return c.processed, c.queueLen()
}

func (c *Controller) queueLen() int {
	n := 0
	for i := range c.shards {
		c.shards[i].mu.Lock()
		n += len(c.shards[i].queue)
		c.shards[i].mu.Unlock()
	}
	return n
}

// drainShards ranges over the shards by value: each iteration locks a copy of the shard's mutex.
func (c *Controller) drainShards() []string {
	var out []string
	for _, s := range c.shards { // want "copies|copy"
		s.mu.Lock()
		out = append(out, s.queue...)
		s.mu.Unlock()
	}
	return out
}

// ok: the shutdown after ctx ends needs a fresh context: ctx is already cancelled by then.
func (c *Controller) Run(ctx context.Context, addr string) error {
	c.srv = &http.Server{Addr: addr}
	errc := make(chan error, 1)
	go func() {
		errc <- c.srv.ListenAndServe()
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.srv.Shutdown(shutdownCtx)
}

// ok: the result is written by one goroutine and read after the hand-off on done.
func (c *Controller) reconcileAsync(ctx context.Context, o *Object) error {
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		err = c.reconcile(ctx, o)
	}()
	<-done
	return err
}

// ok: the worker ranges over its queue channel, which the caller closes through the returned stop function.
func startWorker(ctx context.Context, handle func(context.Context, string)) (chan<- string, func()) {
	ch := make(chan string)
	go func() {
		for key := range ch {
			handle(ctx, key)
		}
	}()
	return ch, func() { close(ch) }
}

// ok: input channel closed before waiting: the workers only receive from it.
func (c *Controller) processAll(ctx context.Context, keys []string) {
	work := make(chan string)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range work {
				if o, err := c.lister.Get(k); err == nil {
					_ = c.reconcile(ctx, o)
				}
			}
		}()
	}
	for _, k := range keys {
		work <- k
	}
	close(work)
	wg.Wait()
	c.statsMu.Lock()
	c.processed += len(keys)
	c.statsMu.Unlock()
}

// ok: a cancel stored for later and called by Stop.
type watchHandle struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func (c *Controller) watch(parent context.Context, key string) *watchHandle {
	ctx, cancel := context.WithCancel(parent)
	h := &watchHandle{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(h.done)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if o, err := c.lister.Get(key); err == nil {
					_ = c.reconcile(ctx, o)
				}
			}
		}
	}()
	return h
}

func (h *watchHandle) Stop() {
	h.cancel()
	<-h.done
}

// resyncEvery creates a timeout context per pass and never cancels it.
func (c *Controller) resyncEvery(ctx context.Context, keys []string) {
	for _, k := range keys {
		rctx, _ := context.WithTimeout(ctx, time.Second) // want "cancel"
		if o, err := c.lister.Get(k); err == nil {
			_ = c.reconcile(rctx, o)
		}
	}
}
