package fixtures

import (
	"context"
	"errors"
	"time"

	"golang.org/x/sync/errgroup"
)

func fetchEach(parent context.Context, keys []string, get func(context.Context, string) error) error {
	for _, k := range keys {
		ctx, cancel := context.WithTimeout(parent, time.Second) // want "`return err` at line \\d+ leaves without calling `cancel`: the context lives"
		if err := get(ctx, k); err != nil {
			return err
		}
		cancel()
	}
	return nil
}

func waitFor(parent context.Context, ready <-chan struct{}, failed <-chan error) error {
	ctx, cancel := context.WithCancel(parent) // want "`return err` at line \\d+ leaves without calling `cancel`: the context lives"
	select {
	case <-ready:
		cancel()
	case err := <-failed:
		return err
	case <-ctx.Done():
		cancel()
		return ctx.Err()
	}
	return nil
}

// ok: AfterFunc takes the cancel function and calls it later.
func expireLater(parent context.Context, d time.Duration) context.Context {
	ctx, cancel := context.WithCancel(parent)
	time.AfterFunc(d, cancel)
	return ctx
}

// ok: the errgroup's goroutine cancels when it finishes.
func group(parent context.Context, work func(context.Context) error) error {
	ctx, cancel := context.WithCancel(parent)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer cancel()
		return work(gctx)
	})
	return g.Wait()
}

// ok: a deferred closure calls cancel.
func deferClosure(parent context.Context, work func(context.Context) error) (err error) {
	ctx, cancel := context.WithTimeout(parent, time.Minute)
	defer func() {
		cancel()
	}()
	return work(ctx)
}

// ok: both branches cancel before leaving.
func branches(parent context.Context, fast bool, work func(context.Context) error) error {
	ctx, cancel := context.WithCancel(parent)
	if fast {
		defer cancel()
	} else {
		cancel()
		return errors.New("slow path disabled")
	}
	return work(ctx)
}

// ok: a switch whose every case, including default, cancels.
func everyCase(parent context.Context, mode int, work func(context.Context) error) error {
	ctx, cancel := context.WithCancel(parent)
	switch mode {
	case 0:
		defer cancel()
	case 1:
		cancel()
		return nil
	default:
		defer cancel()
	}
	return work(ctx)
}

// The goto jumps past the cancel to a return that leaves without it (the graph follows goto).
func withGoto(parent context.Context, work func(context.Context) error) error {
	ctx, cancel := context.WithCancel(parent) // want "`return errors\\.New\\(\"failed\"\\)` at line \\d+ leaves without calling `cancel`: the context lives until `parent` is cancelled"
	if err := work(ctx); err != nil {
		goto fail
	}
	cancel()
	return nil
fail:
	return errors.New("failed")
}
