package fixtures

import (
	"context"
	"sync"
)

func work(x int) int { return x * 2 }

// The classic: wait, close, then range.
func collect(xs []int) []int {
	results := make(chan int)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			results <- work(x)
		}(x)
	}
	wg.Wait() // want "`wg\\.Wait\\(\\)` never returns: its goroutines block on `results <- work\\(x\\)`, and `results` is"
	close(results)
	var out []int
	for r := range results {
		out = append(out, r)
	}
	return out
}

// Counted receives after the wait.
func sum(xs []int) int {
	ch := make(chan int)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			ch <- work(x)
		}(x)
	}
	wg.Wait() // want "`wg\\.Wait\\(\\)` never returns: its goroutines block on `ch <- work\\(x\\)`, and `ch` is read only"
	total := 0
	for range xs {
		total += <-ch
	}
	return total
}

// Errors only: the deadlock comes with the first failure.
func firstError(jobs []func() error) error {
	errs := make(chan error)
	var wg sync.WaitGroup
	for _, job := range jobs {
		wg.Add(1)
		go func(job func() error) {
			defer wg.Done()
			if err := job(); err != nil {
				errs <- err
			}
		}(job)
	}
	wg.Wait() // want "block on `errs <- err`"
	close(errs)
	for err := range errs {
		return err
	}
	return nil
}

// Done called by hand, after the send.
func manualDone(xs []int) []int {
	out := make(chan int)
	wg := &sync.WaitGroup{}
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			out <- work(x)
			wg.Done()
		}(x)
	}
	wg.Wait() // want "block on `out <- work\\(x\\)`"
	close(out)
	var res []int
	for v := range out {
		res = append(res, v)
	}
	return res
}

// A worker function of the file, handed the WaitGroup and the channel.
func worker(x int, wg *sync.WaitGroup, out chan<- int) {
	defer wg.Done()
	out <- work(x)
}

func viaWorker(xs []int) []int {
	out := make(chan int)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go worker(x, &wg, out)
	}
	wg.Wait() // want "block on `out <- work\\(x\\)`"
	close(out)
	var res []int
	for v := range out {
		res = append(res, v)
	}
	return res
}

// A single goroutine is enough.
func one() int {
	ch := make(chan int)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		ch <- 42
	}()
	wg.Wait() // want "block on `ch <- 42`"
	return <-ch
}

// A struct field WaitGroup.
type pool struct {
	wg sync.WaitGroup
}

func (p *pool) run(xs []int) []int {
	res := make(chan int)
	for _, x := range xs {
		p.wg.Add(1)
		go func(x int) {
			defer p.wg.Done()
			res <- work(x)
		}(x)
	}
	p.wg.Wait() // want "`p.wg.Wait\\(\\)` never returns"
	close(res)
	var out []int
	for v := range res {
		out = append(out, v)
	}
	return out
}

// A buffer of zero is no buffer.
func zero(xs []int) int {
	ch := make(chan int, 0)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			ch <- x
		}(x)
	}
	wg.Wait() // want "block on `ch <- x`"
	close(ch)
	n := 0
	for v := range ch {
		n += v
	}
	return n
}

// ok: the wait and the close run in their own goroutine while the function receives.
func collectRight(xs []int) []int {
	results := make(chan int)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			results <- work(x)
		}(x)
	}
	go func() {
		wg.Wait() // ok
		close(results)
	}()
	var out []int
	for r := range results {
		out = append(out, r)
	}
	return out
}

// ok: a buffer as large as the number of senders.
func buffered(xs []int) []int {
	results := make(chan int, len(xs))
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			results <- work(x)
		}(x)
	}
	wg.Wait() // ok
	close(results)
	var out []int
	for r := range results {
		out = append(out, r)
	}
	return out
}

// ok: Done runs before the send, so Wait returns and the receive takes the value.
func doneFirst() int {
	ch := make(chan int)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		wg.Done()
		ch <- 1
	}()
	wg.Wait() // ok
	return <-ch
}

// ok: the send gives up when the context ends.
func cancellable(ctx context.Context, xs []int) []int {
	results := make(chan int)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			select {
			case results <- work(x):
			case <-ctx.Done():
			}
		}(x)
	}
	wg.Wait() // ok
	close(results)
	var out []int
	for r := range results {
		out = append(out, r)
	}
	return out
}

// ok: a receiver goroutine drains while the function waits.
func drainedByGoroutine(xs []int) int {
	results := make(chan int)
	total := make(chan int)
	go func() {
		n := 0
		for r := range results {
			n += r
		}
		total <- n
	}()
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			results <- work(x)
		}(x)
	}
	wg.Wait() // ok
	close(results)
	return <-total
}

// ok: the function receives before it waits.
func receiveFirst(xs []int) []int {
	results := make(chan int)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			results <- work(x)
		}(x)
	}
	out := make([]int, 0, len(xs))
	for range xs {
		out = append(out, <-results)
	}
	wg.Wait() // ok
	return out
}

// ok: another WaitGroup is waited on.
func otherGroup(xs []int) int {
	ch := make(chan int)
	var wg, setup sync.WaitGroup
	setup.Add(1)
	go func() { setup.Done() }()
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			ch <- x
		}(x)
	}
	setup.Wait() // ok
	n := 0
	for range xs {
		n += <-ch
	}
	wg.Wait()
	return n
}

// ok: the send happens before the goroutine is counted out and the receive is before the wait in the same select loop.
func selectLoop(xs []int, done chan struct{}) []int {
	results := make(chan int)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			results <- work(x)
		}(x)
	}
	var out []int
	for len(out) < len(xs) {
		select {
		case r := <-results:
			out = append(out, r)
		case <-done:
			return out
		}
	}
	wg.Wait() // ok
	return out
}
