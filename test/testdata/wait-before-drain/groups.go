package fixtures

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"
)

func fetch(ctx context.Context, x int) (int, error) { return x, nil }

// The group's Wait runs before anything reads what its goroutines send.
func gatherAll(ctx context.Context, xs []int) ([]int, error) {
	g, ctx := errgroup.WithContext(ctx)
	out := make(chan int)
	for _, x := range xs {
		g.Go(func() error {
			v, err := fetch(ctx, x)
			if err != nil {
				return err
			}
			out <- v
			return nil
		})
	}
	if err := g.Wait(); err != nil { // want "`g\\.Wait\\(\\)` never returns: its goroutines block on `out <- v`, and `out` is read only after"
		return nil, err
	}
	close(out)
	var res []int
	for v := range out {
		res = append(res, v)
	}
	return res, nil
}

func sumAll(xs []int) int {
	var wg sync.WaitGroup
	out := make(chan int)
	for _, x := range xs {
		wg.Go(func() {
			out <- x * 2
		})
	}
	wg.Wait() // want "block on `out <- x \\* 2`"
	close(out)
	total := 0
	for v := range out {
		total += v
	}
	return total
}

// ok: the group is waited for in a goroutine that closes the channel, while the function reads.
func gatherRight(ctx context.Context, xs []int) []int {
	g, ctx := errgroup.WithContext(ctx)
	out := make(chan int)
	for _, x := range xs {
		g.Go(func() error {
			v, err := fetch(ctx, x)
			if err != nil {
				return err
			}
			out <- v
			return nil
		})
	}
	go func() {
		_ = g.Wait() // ok
		close(out)
	}()
	var res []int
	for v := range out {
		res = append(res, v)
	}
	return res
}

// ok: a buffer for every goroutine of the group.
func gatherBuffered(ctx context.Context, xs []int) []int {
	var g errgroup.Group
	out := make(chan int, len(xs))
	for _, x := range xs {
		g.Go(func() error {
			out <- x
			return nil
		})
	}
	_ = g.Wait() // ok
	close(out)
	var res []int
	for v := range out {
		res = append(res, v)
	}
	return res
}
