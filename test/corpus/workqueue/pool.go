// Package workqueue has the small concurrency building blocks services keep rewriting: a
// worker pool, pipelines, a rate limiter and a retrying client.
package workqueue

import (
	"context"
	"errors"
	"sync"
)

var ErrPoolClosed = errors.New("workqueue: pool closed")

type Task func(ctx context.Context) error

type Pool struct {
	mu      sync.Mutex
	tasks   chan Task
	wg      sync.WaitGroup
	closed  bool
	errs    []error
	workers int
}

// ok: the constructor starts workers that end when tasks is closed.
func NewPool(ctx context.Context, workers int) *Pool {
	p := &Pool{tasks: make(chan Task), workers: workers}
	for i := 0; i < workers; i++ {
		p.wg.Add(1)
		go p.worker(ctx)
	}
	return p
}

func (p *Pool) worker(ctx context.Context) {
	defer p.wg.Done()
	for t := range p.tasks {
		if err := t(ctx); err != nil {
			p.mu.Lock()
			p.errs = append(p.errs, err)
			p.mu.Unlock()
		}
	}
}

// Submit checks closed under the lock but sends after releasing it: a concurrent Close can
// close tasks in between and the send panics.
func (p *Pool) Submit(t Task) error {
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		return ErrPoolClosed
	}
	p.tasks <- t // want "closed"
	return nil
}

// Close closes the task channel and waits for the workers.
func (p *Pool) Close() []error {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.tasks)
	}
	p.mu.Unlock()
	p.wg.Wait()
	return p.errs
}

// ok: SubmitCtx lets the caller give up while every worker is busy.
func (p *Pool) SubmitCtx(ctx context.Context, t Task) error {
	select {
	case p.tasks <- t:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// runBatch returns early on a setup error without closing jobs: the workers wait forever.
func runBatch(ctx context.Context, jobs []Task, prepare func() error) error {
	queue := make(chan Task)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range queue { // want "forever"
				_ = j(ctx)
			}
		}()
	}
	if err := prepare(); err != nil {
		return err
	}
	for _, j := range jobs {
		queue <- j
	}
	close(queue)
	wg.Wait()
	return nil
}

// ok: prepare runs before any worker starts.
func runBatchFixed(ctx context.Context, jobs []Task, prepare func() error) error {
	if err := prepare(); err != nil {
		return err
	}
	queue := make(chan Task)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range queue {
				_ = j(ctx)
			}
		}()
	}
	for _, j := range jobs {
		queue <- j
	}
	close(queue)
	wg.Wait()
	return nil
}

// ok: a done channel closed by defer stops the watcher on every return.
func watchWhile(ctx context.Context, work func() error, onCancel func()) error {
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			onCancel()
		case <-done:
		}
	}()
	return work()
}
