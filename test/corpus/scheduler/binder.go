package scheduler

import (
	"context"
	"errors"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

var errBindTimeout = errors.New("scheduler: binding timed out")

type bindResult struct {
	pod string
	err error
}

type binder struct {
	results chan bindResult
	bind    func(ctx context.Context, pod, node string) error
	cancel  context.CancelFunc
	ctx     context.Context
	mu      sync.Mutex
	inMem   map[string]string
}

func newBinder(bind func(context.Context, string, string) error) *binder {
	ctx, cancel := context.WithCancel(context.Background())
	return &binder{results: make(chan bindResult), bind: bind, ctx: ctx, cancel: cancel, inMem: make(map[string]string)}
}

// ok: the cancel kept in the struct is called by Stop.
func (b *binder) Stop() { b.cancel() }

func (b *binder) bindAsync(pod, node string) {
	err := b.bind(b.ctx, pod, node)
	b.results <- bindResult{pod: pod, err: err} // want "once Bind stops receiving .*: nothing else receives from `b.results`"
}

// Bind starts the binding in a goroutine of its own and stops waiting after the timeout; the
// goroutine then blocks on b.results, which nobody else reads.
func (b *binder) Bind(pod, node string, timeout time.Duration) error {
	go b.bindAsync(pod, node)
	select {
	case r := <-b.results:
		return r.err
	case <-time.After(timeout):
		return errBindTimeout
	}
}

// ok: the goroutine's result has its own buffered channel.
func (b *binder) BindFixed(pod, node string, timeout time.Duration) error {
	res := make(chan error, 1)
	go func() {
		res <- b.bind(b.ctx, pod, node)
	}()
	select {
	case err := <-res:
		return err
	case <-time.After(timeout):
		return errBindTimeout
	}
}

// ok: errgroup goroutines use the group context; results go to a mutex-guarded map.
func (b *binder) bindAll(ctx context.Context, placements map[string]string) error {
	g, gctx := errgroup.WithContext(ctx)
	for pod, node := range placements {
		pod, node := pod, node
		g.Go(func() error {
			if err := b.bind(gctx, pod, node); err != nil {
				return err
			}
			b.mu.Lock()
			b.inMem[pod] = node
			b.mu.Unlock()
			return nil
		})
	}
	return g.Wait()
}

// ok: the cancel is handed back to the caller, who owns it.
func (b *binder) withDeadline(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(parent, d)
}

// ok: a goroutine that ends with ctx, and a cancel deferred by the function that made ctx.
func (b *binder) bindWithWatch(parent context.Context, pod, node string, onCancel func()) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	go func() {
		<-ctx.Done()
		onCancel()
	}()
	return b.bind(ctx, pod, node)
}
