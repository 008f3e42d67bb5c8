package crawl

import (
	"context"

	"golang.org/x/sync/errgroup"
)

type job struct{ id int }

func process(ctx context.Context, j job) error { return nil }

func runPool(ctx context.Context, jobs <-chan job, workers int) error {
	g, gctx := errgroup.WithContext(ctx)
	for i := 0; i < workers; i++ {
		g.Go(func() error {
			for {
				select {
				case <-ctx.Done(): // want "this `g.Go` function uses the parent `ctx`"
					return ctx.Err()
				case j, ok := <-jobs:
					if !ok {
						return nil
					}
					if err := process(ctx, j); err != nil {
						return err
					}
				}
			}
		})
	}
	_ = gctx
	g.Wait() // want "`g\\.Wait\\(\\)` returns the group's first error, and it is dropped here: every failure of the"
	return nil
}
