// Demonstrates: loop-without-cancel, send-without-cancel, sleep-ignores-cancel
//
// A small pipeline whose stages take a context but never watch it: when the
// caller cancels, the stages keep running (or block) forever.
package examples

import (
	"context"
	"time"
)

func numbers(ctx context.Context, n int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := 0; i < n; i++ {
			out <- i
		}
	}()
	return out
}

func poll(ctx context.Context, check func() bool) {
	for {
		if check() {
			return
		}
		time.Sleep(time.Second)
	}
}

func relay(ctx context.Context, in <-chan int, out chan<- int) {
	for {
		select {
		case v := <-in:
			out <- v * 2
		}
	}
}
