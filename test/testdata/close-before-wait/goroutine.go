package fixtures

import (
	"context"
	"sync"
)

// The close runs in a goroutine of its own, before that goroutine waits for the senders.
func fanIn(cs ...<-chan int) <-chan int {
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
		close(out) // want "`close\\(out\\)` comes before `wg\\.Wait\\(\\)`: a goroutine can still send `out <- v` and panic"
		wg.Wait()
	}()
	return out
}

type scanner struct {
	wg   sync.WaitGroup
	hits chan string
}

// The same in a method, with the channel and the WaitGroup in the receiver.
func (s *scanner) scan(paths []string, match func(string) bool) <-chan string {
	s.hits = make(chan string)
	for _, p := range paths {
		s.wg.Add(1)
		go func(p string) {
			defer s.wg.Done()
			if match(p) {
				s.hits <- p
			}
		}(p)
	}
	go func() {
		close(s.hits) // want "`close\\(s\\.hits\\)` comes before `s\\.wg\\.Wait\\(\\)`: a goroutine can still send `s\\.hits <- p` and panic"
		s.wg.Wait()
	}()
	return s.hits
}

// ok: the closing goroutine waits first.
func fanInFixed(cs ...<-chan int) <-chan int {
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
		wg.Wait()
		close(out)
	}()
	return out
}

// ok: the deferred close runs after the Wait, when the goroutine returns.
func fanInDeferred(cs ...<-chan int) <-chan int {
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
		defer close(out)
		wg.Wait()
	}()
	return out
}

// ok: the closing goroutine is only started after the senders are done.
func collectAll(items []int) []int {
	out := make(chan int, len(items))
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it int) {
			defer wg.Done()
			out <- it * it
		}(it)
	}
	wg.Wait()
	go func() {
		close(out)
	}()
	var res []int
	for v := range out {
		res = append(res, v)
	}
	return res
}

// ok: the goroutine closes only a signal channel that no sender uses.
func stopWorkers(ctx context.Context, jobs []func()) {
	done := make(chan struct{})
	results := make(chan int, len(jobs))
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func(j func()) {
			defer wg.Done()
			j()
			results <- 1
		}(j)
	}
	go func() {
		<-ctx.Done()
		close(done)
		wg.Wait()
	}()
	wg.Wait()
	close(results)
}

// ok: the closing goroutine sends its own last value and is not one of the counted senders.
func withTrailer(parts []string) <-chan string {
	out := make(chan string, len(parts)+1)
	var wg sync.WaitGroup
	for _, p := range parts {
		wg.Add(1)
		go func(p string) {
			defer wg.Done()
			out <- p
		}(p)
	}
	go func() {
		wg.Wait()
		out <- "end"
		close(out)
	}()
	return out
}

// ok: the closing goroutine waits on ctx first; the senders may be done by then, and syntax cannot tell.
func untilCancelled(ctx context.Context, n int, produce func() int) <-chan int {
	out := make(chan int, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out <- produce()
		}()
	}
	go func() {
		<-ctx.Done()
		close(out)
		wg.Wait()
	}()
	return out
}

// ok: the goroutine that closes is the only sender, and it closes after its own sends; the
// WaitGroup also counts readers, which only receive.
func fanOutReads(n int, read func(uint64)) {
	var wg sync.WaitGroup
	written := make(chan uint64, n)
	wg.Add(n + 1)
	go func() {
		defer wg.Done()
		defer close(written)
		for item := uint64(0); item < 100; item++ {
			for i := 0; i < n; i++ {
				written <- item
			}
		}
	}()
	for i := 0; i < n; i++ {
		go func() {
			defer wg.Done()
			for v := range written {
				read(v)
			}
		}()
	}
	wg.Wait()
}
