package crawl

import (
	"context"
	"log"

	"golang.org/x/sync/errgroup"
)

// ok: the functions use the group context.
func useGroupCtx(ctx context.Context, urls []string) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, u := range urls {
		u := u
		g.Go(func() error { return fetch(gctx, u) })
	}
	return g.Wait()
}

// ok: the group context replaces ctx under the same name.
func rebound(ctx context.Context, urls []string) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, u := range urls {
		u := u
		g.Go(func() error { return fetch(ctx, u) })
	}
	return g.Wait()
}

// ok: the derived context is thrown away on purpose; only the group is wanted.
func noGroupCtx(ctx context.Context, urls []string) error {
	g, _ := errgroup.WithContext(ctx)
	for _, u := range urls {
		u := u
		g.Go(func() error { return fetch(ctx, u) })
	}
	return g.Wait()
}

// ok: the function uses both; the parent is kept for work that must outlive the group.
func both(ctx context.Context, urls []string) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := fetch(gctx, urls[0]); err != nil {
			return err
		}
		return fetch(ctx, "audit")
	})
	return g.Wait()
}

// ok: the function gets the context as a parameter of its own.
func ownParam(ctx context.Context, urls []string) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		run := func(ctx context.Context) error { return fetch(ctx, urls[0]) }
		return run(gctx)
	})
	return g.Wait()
}

// ok: the error of Wait is checked.
func checked(urls []string) {
	var g errgroup.Group
	for _, u := range urls {
		u := u
		g.Go(func() error { return fetch(context.Background(), u) })
	}
	if err := g.Wait(); err != nil {
		log.Print(err)
	}
}

// ok: every function returns nil, so Wait has no error to drop.
func neverFails(items []int) {
	var g errgroup.Group
	for _, it := range items {
		it := it
		g.Go(func() error {
			log.Print(it)
			return nil
		})
	}
	g.Wait()
}

type waiter struct{}

func (waiter) Wait() error { return nil }

// ok: Wait of something that is not an errgroup.
func notAGroup(w waiter) {
	w.Wait()
}

// ok: the Go calls are not in view (the group is a parameter).
func waitOnly(g *errgroup.Group) {
	g.Wait()
}

// ok: the group's functions return only nil or ctx.Err(): Wait can only report the cancellation
// the caller caused, so dropping it loses no failure.
func runLoops(ctx context.Context, finish <-chan struct{}, step func(context.Context) error) {
	g := errgroup.Group{}
	g.Go(func() error {
		for {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-finish:
				return nil
			default:
			}
			if err := step(ctx); err != nil {
				continue
			}
		}
	})
	g.Wait()
}

// ok: the function passed is made by a helper of the file that returns a literal returning only
// nil (Xray's fake DNS test), so Wait has no failure to report.
func fillAll(addrs [][]string) {
	var g errgroup.Group
	for i := range addrs {
		g.Go(fill(i, addrs))
	}
	g.Wait()
}

func fill(i int, addrs [][]string) func() error {
	return func() error {
		addrs[i] = []string{"10.0.0.1"}
		return nil
	}
}

// ok: a function of the file named, returning only nil.
func tick(g *errgroup.Group) {
	var g2 errgroup.Group
	g2.Go(noop)
	g2.Wait()
}

func noop() error { return nil }
