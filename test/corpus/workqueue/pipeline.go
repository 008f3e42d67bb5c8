package workqueue

import (
	"context"
	"sync"
)

// generate emits n values; its send never watches ctx, so a consumer that stops early strands it.
func generate(ctx context.Context, n int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := 0; i < n; i++ {
			out <- i // want "blocks forever if the reader stops"
		}
	}()
	return out
}

// ok: the send gives up with ctx.
func generateFixed(ctx context.Context, n int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := 0; i < n; i++ {
			select {
			case out <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// square reads from in and keeps looping after ctx is cancelled.
func square(ctx context.Context, in <-chan int, out chan<- int) {
	for { // want "never watches `ctx.Done\\(\\)`"
		select {
		case v := <-in:
			out <- v * v
		}
	}
}

// ok: ranges over in until the producer closes it, the usual way a stage ends.
func squareRange(in <-chan int, out chan<- int) {
	defer close(out)
	for v := range in {
		out <- v * v
	}
}

// merge fans in; it closes out before the forwarders are done.
func merge(cs ...<-chan int) <-chan int {
	out := make(chan int)
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Add(1)
		go func(c <-chan int) {
			defer wg.Done()
			for v := range c {
				out <- v
			}
		}(c)
	}
	go func() {
		close(out) // want "close\\(out\\)"
		wg.Wait()
	}()
	return out
}

// ok: the closer waits first.
func mergeFixed(cs ...<-chan int) <-chan int {
	out := make(chan int)
	var wg sync.WaitGroup
	wg.Add(len(cs))
	for _, c := range cs {
		go func(c <-chan int) {
			defer wg.Done()
			for v := range c {
				out <- v
			}
		}(c)
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// fastest asks every mirror and keeps the first answer; the other senders block for good.
func fastest(mirrors []string, fetch func(string) string) string {
	out := make(chan string)
	for _, m := range mirrors {
		go func(m string) {
			out <- fetch(m) // want "blocks forever"
		}(m)
	}
	return <-out
}

// ok: room for every answer.
func fastestFixed(mirrors []string, fetch func(string) string) string {
	out := make(chan string, len(mirrors))
	for _, m := range mirrors {
		go func(m string) {
			out <- fetch(m)
		}(m)
	}
	return <-out
}

// ok: all values are read.
func all(items []string, transform func(string) string) []string {
	out := make(chan string)
	for _, it := range items {
		go func(it string) {
			out <- transform(it)
		}(it)
	}
	res := make([]string, 0, len(items))
	for range items {
		res = append(res, <-out)
	}
	return res
}
