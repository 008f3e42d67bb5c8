package fixtures

// Our own rewrites of the goroutine-leak scenarios in the tutorials we studied.

import (
	"context"
	"sync"
	"time"
)

type Page struct{ URL string }

func download(url string) Page { return Page{URL: url} }

// Scenario: one goroutine per URL, but the caller keeps only a fixed number of pages.
func samplePages(urls []string) []Page {
	pages := make(chan Page)
	for _, u := range urls {
		go func(u string) {
			pages <- download(u) // want "`pages <- download\\(u\\)` blocks forever: samplePages receives only 3 values but one"
		}(u)
	}
	var kept []Page
	for k := 0; k < 3; k++ {
		kept = append(kept, <-pages)
	}
	return kept
}

// ok: the fixed version reads one page per URL.
func allPages(urls []string) []Page {
	pages := make(chan Page)
	for _, u := range urls {
		go func(u string) {
			pages <- download(u)
		}(u)
	}
	kept := make([]Page, 0, len(urls))
	for range urls {
		kept = append(kept, <-pages)
	}
	return kept
}

// ok: the other fix, a buffer with a slot per URL, lets the extra senders finish.
func samplePagesBuffered(urls []string) []Page {
	pages := make(chan Page, len(urls))
	for _, u := range urls {
		go func(u string) {
			pages <- download(u)
		}(u)
	}
	var kept []Page
	for k := 0; k < 3; k++ {
		kept = append(kept, <-pages)
	}
	return kept
}

func crunch() int { return 7 }

// Scenario: the result is computed in the background and then forgotten.
func startCrunch() {
	answer := make(chan int)
	go func() {
		v := crunch()
		answer <- v // want "startCrunch never receives from `answer`"
	}()
}

// ok: with room for the single value the goroutine can always finish.
func startCrunchBuffered() {
	answer := make(chan int, 1)
	go func() {
		answer <- crunch()
	}()
}

// ok: buffered, and the caller waits for the value or for cancellation, whichever comes first.
func crunchOrCancel(ctx context.Context) (int, error) {
	answer := make(chan int, 1)
	go func() {
		answer <- crunch()
	}()
	select {
	case v := <-answer:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Scenario: a slow worker and an impatient caller with a deadline.
func impatient() string {
	reply := make(chan string)
	go func() {
		time.Sleep(3 * time.Second)
		reply <- "finished" // want "impatient stops receiving at line 103 \\(`case <-time.After\\(...\\)`\\)"
	}()
	select {
	case r := <-reply:
		return r
	case <-time.After(250 * time.Millisecond):
		return "timed out"
	}
}

// ok: a pool whose channels belong to the caller; the function only wires them up.
func startPool(tasks <-chan int, out chan<- int, size int) {
	var wg sync.WaitGroup
	for w := 0; w < size; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range tasks {
				out <- t * t
			}
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
}

// ok: fan-in that hands the merged channel to its caller.
func fanIn(inputs ...<-chan int) <-chan int {
	merged := make(chan int)
	var wg sync.WaitGroup
	wg.Add(len(inputs))
	for _, in := range inputs {
		go func(in <-chan int) {
			defer wg.Done()
			for v := range in {
				merged <- v
			}
		}(in)
	}
	go func() {
		wg.Wait()
		close(merged)
	}()
	return merged
}

// ok: error reporting that gives up when the context ends, and hands the channel to the caller.
func watchTasks(ctx context.Context, n int, tasks <-chan func() error) <-chan error {
	failures := make(chan error)
	for i := 0; i < n; i++ {
		go func() {
			for t := range tasks {
				if err := t(); err != nil {
					select {
					case failures <- err:
					case <-ctx.Done():
						return
					}
				}
			}
		}()
	}
	return failures
}
