// Package lifecycle holds the start/stop idioms long-running services use: stop channels,
// drained workers, supervised goroutines. Almost everything here is correct and must stay quiet.
package lifecycle

import (
	"context"
	"errors"
	"log"
	"sync"
	"time"
)

var errNotStarted = errors.New("lifecycle: service not started")

type Service struct {
	mu      sync.Mutex
	started bool
	stop    chan struct{}
	wg      sync.WaitGroup
	work    chan func()
	tick    time.Duration
	health  func(ctx context.Context) error
}

func NewService(tick time.Duration) *Service {
	return &Service{stop: make(chan struct{}), work: make(chan func(), 16), tick: tick}
}

// ok: workers only receive from stop; closing it before Wait is the usual shutdown signal.
func (s *Service) Run(workers int) {
	for i := 0; i < workers; i++ {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for {
				select {
				case f := <-s.work:
					f()
				case <-s.stop:
					return
				}
			}
		}()
	}
}

// ok: close the signal channel, then wait for the workers to notice.
func (s *Service) Stop() {
	close(s.stop)
	s.wg.Wait()
}

// ok: a loop with ctx in scope that ends on the service's own stop channel.
func (s *Service) healthLoop(ctx context.Context) {
	t := time.NewTicker(s.tick)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if err := s.health(ctx); err != nil {
				log.Printf("health: %v", err)
			}
		case <-s.stop:
			return
		}
	}
}

// ok: a loop that ends when its input channel is closed.
func (s *Service) consume(ctx context.Context, in <-chan func(context.Context)) {
	for {
		f, ok := <-in
		if !ok {
			return
		}
		f(ctx)
	}
}

// ok: a worker that spawns its own sub-workers and waits for them with its own group.
func (s *Service) fanOut(batches [][]func()) {
	var outer sync.WaitGroup
	for _, b := range batches {
		outer.Add(1)
		go func(b []func()) {
			defer outer.Done()
			var inner sync.WaitGroup
			for _, f := range b {
				inner.Add(1)
				go func(f func()) {
					defer inner.Done()
					f()
				}(f)
			}
			inner.Wait()
		}(b)
	}
	outer.Wait()
}

// ok: a goroutine that waits for ctx and cleans up; ctx is cancelled by the caller's defer.
func (s *Service) withCleanup(parent context.Context, cleanup func()) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	go func() {
		<-ctx.Done()
		cleanup()
	}()
	s.mu.Lock()
	started := s.started
	s.mu.Unlock()
	if !started {
		return errNotStarted
	}
	return nil
}

// ok: a sleep in a loop of a function with no context to honour.
func retryForever(f func() error, every time.Duration) {
	for f() != nil {
		time.Sleep(every)
	}
}

// ok: the sender gives up through a default case; nothing can block.
func (s *Service) tryNotify(events chan<- string, msg string) {
	go func() {
		select {
		case events <- msg:
		default:
		}
	}()
}

// ok: every value sent is received, whatever happens to each one.
func (s *Service) collect(n int, produce func(i int) (string, error)) ([]string, error) {
	type res struct {
		v   string
		err error
	}
	ch := make(chan res)
	for i := 0; i < n; i++ {
		go func(i int) {
			v, err := produce(i)
			ch <- res{v, err}
		}(i)
	}
	var out []string
	var firstErr error
	for i := 0; i < n; i++ {
		r := <-ch
		if r.err != nil {
			if firstErr == nil {
				firstErr = r.err
			}
			continue
		}
		out = append(out, r.v)
	}
	return out, firstErr
}

// ok: the channel is drained by a deferred loop when the function gives up early.
func (s *Service) firstOK(n int, try func(i int) error) error {
	errc := make(chan error)
	for i := 0; i < n; i++ {
		go func(i int) { errc <- try(i) }(i)
	}
	received := 0
	defer func() {
		for ; received < n; received++ {
			<-errc
		}
	}()
	var last error
	for received < n {
		err := <-errc
		received++
		if err == nil {
			return nil
		}
		last = err
	}
	return last
}
