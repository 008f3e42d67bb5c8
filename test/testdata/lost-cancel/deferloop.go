package fixtures

import (
	"context"
	"time"
)

func serveForever(ctx context.Context, work func(context.Context)) {
	for {
		c, cancel := context.WithCancel(ctx)
		defer cancel() // want "`defer cancel\\(\\)` in a loop never runs: the loop at line 9 never ends, and each pass leaves a context alive"
		work(c)
	}
}

func fetchAll(ctx context.Context, urls []string, get func(context.Context, string) error) error {
	for _, u := range urls {
		c, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel() // want "`defer cancel\\(\\)` in a loop runs only when `fetchAll` returns: until then, each pass"
		if err := get(c, u); err != nil {
			return err
		}
	}
	return nil
}

// ok: each pass runs in its own function literal, so the deferred cancel runs at the end of the pass.
func fetchEach(ctx context.Context, urls []string, get func(context.Context, string) error) error {
	for _, u := range urls {
		err := func() error {
			c, cancel := context.WithTimeout(ctx, time.Second)
			defer cancel()
			return get(c, u)
		}()
		if err != nil {
			return err
		}
	}
	return nil
}

// ok: cancelled at the end of every pass.
func fetchPlain(ctx context.Context, urls []string, get func(context.Context, string) error) {
	for _, u := range urls {
		c, cancel := context.WithTimeout(ctx, time.Second)
		_ = get(c, u)
		cancel()
	}
}

// ok: the context is derived once, before the loop; deferring its cancel is right.
func pollOnce(ctx context.Context, tick func(context.Context) bool) {
	c, cancel := context.WithCancel(ctx)
	defer cancel()
	for tick(c) {
	}
}
