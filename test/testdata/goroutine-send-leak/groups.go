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

// A counted receive loop that does not watch ctx (linkerd's stat summary): a sender that gave up
// on ctx would leave the loop waiting for its value, so only the buffer is offered.
func statAll(ctx context.Context, kinds []string, query func(context.Context, string) (int, error)) ([]int, error) {
	results := make(chan error)
	for _, k := range kinds {
		k := k
		go func() {
			_, err := query(ctx, k)
			results <- err // want "`results <- err` blocks forever"
		}()
	}
	var out []int
	for i := 0; i < len(kinds); i++ {
		if err := <-results; err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, nil
}
