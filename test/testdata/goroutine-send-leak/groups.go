package fixtures

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

func fetchOne(ctx context.Context) (int, error) { return 1, nil }

// Goroutines started by errgroup's Go, or WaitGroup.Go, leak as those started by go do.
func firstWithin(ctx context.Context) (int, error) {
	g, ctx := errgroup.WithContext(ctx)
	ch := make(chan int)
	g.Go(func() error {
		v, err := fetchOne(ctx)
		if err != nil {
			return err
		}
		ch <- v // want "`ch <- v` blocks forever: firstWithin stops receiving at line 28 \\(`case"
		return nil
	})
	select {
	case v := <-ch:
		return v, g.Wait()
	case <-time.After(time.Second):
		return 0, context.DeadlineExceeded
	}
}

func viaWaitGroupGo(ctx context.Context) int {
	var wg sync.WaitGroup
	ch := make(chan int)
	wg.Go(func() {
		v, _ := fetchOne(ctx)
		ch <- v // want "`ch <- v` blocks forever: viaWaitGroupGo stops receiving at line 44 \\(`case <-ctx\\.Done\\(\\)`\\)"
	})
	select {
	case v := <-ch:
		wg.Wait()
		return v
	case <-ctx.Done():
		return 0
	}
}

// ok: the group's goroutine can always deliver.
func firstBuffered(ctx context.Context) (int, error) {
	g, ctx := errgroup.WithContext(ctx)
	ch := make(chan int, 1)
	g.Go(func() error {
		v, err := fetchOne(ctx)
		if err != nil {
			return err
		}
		ch <- v // ok: buffered
		return nil
	})
	select {
	case v := <-ch:
		return v, g.Wait()
	case <-time.After(time.Second):
		return 0, context.DeadlineExceeded
	}
}

// ok: the send gives up with the caller's context.
func firstSelect(ctx context.Context) (int, error) {
	var g errgroup.Group
	ch := make(chan int)
	g.Go(func() error {
		v, err := fetchOne(ctx)
		if err != nil {
			return err
		}
		select {
		case ch <- v: // ok
		case <-ctx.Done():
		}
		return nil
	})
	select {
	case v := <-ch:
		return v, g.Wait()
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}
