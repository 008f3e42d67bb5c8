package crawl

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"golang.org/x/sync/errgroup"
)

func fetch(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	_, err = http.DefaultClient.Do(req)
	return err
}

func fetchAll(ctx context.Context, urls []string) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, u := range urls {
		u := u
		g.Go(func() error {
			return fetch(ctx, u) // want "this `g\\.Go` function uses the parent `ctx`, not `gctx`: a failure elsewhere in the group does not stop it"
		})
	}
	_ = gctx
	return g.Wait()
}

func resolveAll(parent context.Context, names []string) ([]string, error) {
	out := make([]string, len(names))
	eg, ectx := errgroup.WithContext(parent)
	for i, n := range names {
		i, n := i, n
		eg.Go(func() error {
			select {
			case <-parent.Done(): // want "uses the parent `parent`, not `ectx`"
				return parent.Err()
			default:
			}
			out[i] = n
			return nil
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	_ = ectx
	return out, nil
}

type loader struct{}

func (l *loader) load(ctx context.Context, key string) error { return nil }

func (l *loader) loadKeys(ctx context.Context, keys []string) error {
	group, groupCtx := errgroup.WithContext(ctx)
	for _, k := range keys {
		k := k
		group.Go(func() error {
			if err := l.load(ctx, k); err != nil { // want "this `group.Go` function uses the parent `ctx`, not `groupCtx`"
				return fmt.Errorf("load %s: %w", k, err)
			}
			return nil
		})
	}
	_ = groupCtx
	return group.Wait()
}

func shadowedInside(ctx context.Context, urls []string) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		gctx := context.WithValue(ctx, "k", "v") // want "uses the parent `ctx`, not `gctx`"
		return fetch(gctx, urls[0])
	})
	_ = gctx
	return g.Wait()
}

func dropWait(ctx context.Context, urls []string) {
	g, gctx := errgroup.WithContext(ctx)
	for _, u := range urls {
		u := u
		g.Go(func() error {
			return fetch(gctx, u)
		})
	}
	g.Wait() // want "`g\\.Wait\\(\\)` returns the group's first error, and it is dropped here: every failure of the"
}

func discardWait(urls []string) error {
	var g errgroup.Group
	for _, u := range urls {
		u := u
		g.Go(func() error {
			if u == "" {
				return errors.New("empty url")
			}
			return nil
		})
	}
	_ = g.Wait() // want "`g\\.Wait\\(\\)` returns the group's first error, and `_ =` throws it away: every failure of the"
	return nil
}

func namedFuncs(ctx context.Context, jobs []func() error) error {
	g := new(errgroup.Group)
	for _, j := range jobs {
		g.Go(j)
	}
	g.Wait() // want "`g\\.Wait\\(\\)` returns the group's first error, and it is dropped here: every failure of the"
	return ctx.Err()
}

// The helper's literal can fail: its error is lost.
func fillAllChecked(addrs []string) {
	var g errgroup.Group
	for i := range addrs {
		g.Go(check(addrs[i]))
	}
	g.Wait() // want "`g\\.Wait\\(\\)` returns the group's first error, and it is dropped here"
}

func check(addr string) func() error {
	return func() error {
		if addr == "" {
			return errors.New("empty address")
		}
		return nil
	}
}
