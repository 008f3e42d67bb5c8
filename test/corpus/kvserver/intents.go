package kvserver

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"
)

type Intent struct {
	Key string
	Txn TxnID
}

type intentResolver struct {
	resolve func(ctx context.Context, in Intent) error
	sem     chan struct{}
	mu      sync.Mutex
	failed  map[string]error
}

func newIntentResolver(resolve func(context.Context, Intent) error) *intentResolver {
	return &intentResolver{resolve: resolve, sem: make(chan struct{}, 8), failed: make(map[string]error)}
}

// resolveAll starts a group but the goroutines keep using the parent ctx, so the first failure
// does not stop the others.
func (r *intentResolver) resolveAll(ctx context.Context, intents []Intent) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, in := range intents {
		in := in
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			return r.resolve(ctx, in) // want "ctx"
		})
	}
	return g.Wait()
}

// ok: the goroutines use the group's context.
func (r *intentResolver) resolveAllFixed(ctx context.Context, intents []Intent) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, in := range intents {
		in := in
		g.Go(func() error {
			return r.resolve(gctx, in)
		})
	}
	return g.Wait()
}

// recordFailures writes the shared map from every goroutine without the lock.
func (r *intentResolver) recordFailures(ctx context.Context, intents []Intent) {
	var wg sync.WaitGroup
	for _, in := range intents {
		wg.Add(1)
		go func(in Intent) {
			defer wg.Done()
			if err := r.resolve(ctx, in); err != nil {
				r.failed[in.Key] = err // want "failed"
			}
		}(in)
	}
	wg.Wait()
}

// ok: the semaphore bounds concurrency; the map is written under r.mu.
func (r *intentResolver) recordFailuresFixed(ctx context.Context, intents []Intent) {
	var wg sync.WaitGroup
	for _, in := range intents {
		r.sem <- struct{}{}
		wg.Add(1)
		go func(in Intent) {
			defer func() {
				<-r.sem
				wg.Done()
			}()
			if err := r.resolve(ctx, in); err != nil {
				r.mu.Lock()
				r.failed[in.Key] = err
				r.mu.Unlock()
			}
		}(in)
	}
	wg.Wait()
}

// resolveBatch passes the WaitGroup by value, so Done decrements a copy and Wait never returns.
func resolveBatch(ctx context.Context, r *intentResolver, intents []Intent) {
	var wg sync.WaitGroup
	for _, in := range intents {
		wg.Add(1)
		go resolveOne(ctx, r, in, wg)
	}
	wg.Wait()
}

func resolveOne(ctx context.Context, r *intentResolver, in Intent, wg sync.WaitGroup) { // want "copy of a `sync.WaitGroup`"
	defer wg.Done()
	_ = r.resolve(ctx, in)
}

// ok: a pointer to the WaitGroup.
func resolveBatchFixed(ctx context.Context, r *intentResolver, intents []Intent) {
	var wg sync.WaitGroup
	for _, in := range intents {
		wg.Add(1)
		go resolveOneFixed(ctx, r, in, &wg)
	}
	wg.Wait()
}

func resolveOneFixed(ctx context.Context, r *intentResolver, in Intent, wg *sync.WaitGroup) {
	defer wg.Done()
	_ = r.resolve(ctx, in)
}
