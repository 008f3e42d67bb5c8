package fixtures

import (
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

func squares(nums []int) <-chan int {
	out := make(chan int, len(nums))
	go func() {
		for _, n := range nums {
			out <- n * n
		}
	}()
	close(out) // want "`close\\(out\\)` does not wait for the goroutine that sends `out <- n \\* n`: a send after the close panics"
	return out
}

func finishThenReport(events chan string, err error) {
	close(events)
	if err != nil {
		fmt.Println("failed")
	}
	events <- "done" // want "`events <- \"done\"` runs after `close\\(events\\)` on the same path, and a send on a closed channel"
}

func lateWorker() {
	results := make(chan int, 1)
	close(results)
	go func() {
		results <- 42 // want "`results <- 42` runs in a goroutine started after `close\\(results\\)`, and a send on a closed channel panics"
	}()
	for r := range results {
		fmt.Println(r)
	}
}

func notify(listeners []string) {
	updates := make(chan string, len(listeners))
	defer close(updates) // want "`defer close\\(updates\\)` does not wait for the goroutine that sends `updates <- l`: a send after the close panics"
	for _, l := range listeners {
		go func(l string) {
			time.Sleep(time.Millisecond)
			updates <- l
		}(l)
	}
}

type batcher struct {
	items chan string
}

func (b *batcher) flush(pending []string) {
	go func() {
		for _, p := range pending {
			b.items <- p
		}
	}()
	close(b.items) // want "`close\\(b\\.items\\)` does not wait for the goroutine that sends `b\\.items <- p`: a send after the close panics"
}

func closeInLoopThenSend(ch chan int, n int) {
	for i := 0; i < n; i++ {
		if i == n-1 {
			fmt.Println("last")
		}
	}
	close(ch)
	ch <- n // want "`ch <- n` runs after `close\\(ch\\)` on the same path, and a send on a closed channel panics"
}

func conditionalClose(ch chan int, stop bool) {
	if stop {
		close(ch)
	}
	ch <- 1 // want "`ch <- 1` runs after `close\\(ch\\)` on the same path, and a send on a closed channel panics"
}

func sleepIsNotWaiting(msgs []string) chan string {
	out := make(chan string, len(msgs))
	for _, m := range msgs {
		go func(m string) {
			out <- m
		}(m)
	}
	time.Sleep(10 * time.Millisecond)
	close(out) // want "`close\\(out\\)` does not wait for the goroutine that sends `out <- m`: a send after the close panics"
	return out
}

// ok: the only sender closes after its last send.
func squaresFixed(nums []int) <-chan int {
	out := make(chan int, len(nums))
	go func() {
		defer close(out)
		for _, n := range nums {
			out <- n * n
		}
	}()
	return out
}

// ok: the closer waits for every sender (judged by close-before-wait otherwise).
func waitThenClose(nums []int) <-chan int {
	out := make(chan int, len(nums))
	var wg sync.WaitGroup
	for _, n := range nums {
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			out <- n
		}(n)
	}
	wg.Wait()
	close(out)
	return out
}

// ok: the function receives the goroutine's only value before closing.
func receiveThenClose() int {
	ch := make(chan int)
	go func() {
		ch <- 7
	}()
	v := <-ch
	close(ch)
	return v
}

// ok: the send happens before the close.
func sendThenClose(ch chan int) {
	ch <- 1
	close(ch)
}

// ok: the send and the close are on exclusive branches.
func eitherOr(ch chan int, done bool) {
	if done {
		close(ch)
		return
	}
	ch <- 1
}

// ok: a done channel waits for the sender.
func doneSignal(items []string) chan string {
	out := make(chan string, len(items))
	done := make(chan struct{})
	go func() {
		for _, it := range items {
			out <- it
		}
		close(done)
	}()
	<-done
	close(out)
	return out
}

// ok: a fresh channel replaces the closed one before the send.
func reopenThenSend() {
	ch := make(chan int, 1)
	close(ch)
	ch = make(chan int, 1)
	ch <- 1
}

// ok: the sender checks a flag under the same mutex that the closer holds.
type safeQueue struct {
	mu     sync.Mutex
	closed bool
	ch     chan int
}

func (q *safeQueue) run(n int) {
	go func() {
		for i := 0; i < n; i++ {
			q.mu.Lock()
			if !q.closed {
				q.ch <- i
			}
			q.mu.Unlock()
		}
	}()
	q.mu.Lock()
	q.closed = true
	close(q.ch)
	q.mu.Unlock()
}

// ok: the goroutine recovers from the panic on purpose.
func tolerant() {
	ch := make(chan int, 1)
	go func() {
		defer func() { _ = recover() }()
		ch <- 1
	}()
	close(ch)
}

// ok: ranging over the channel drains the goroutine's sends before the close (a second close is double-close's business).
func drainThenStop(in []int) {
	ch := make(chan int)
	go func() {
		for _, v := range in {
			ch <- v
		}
	}()
	for i := 0; i < len(in); i++ {
		fmt.Println(<-ch)
	}
	close(ch)
}

func eventually(cond func() bool, wait time.Duration) bool {
	for end := time.Now().Add(wait); time.Now().Before(end); time.Sleep(time.Millisecond) {
		if cond() {
			return true
		}
	}
	return false
}

// ok: the function handed to eventually receives the goroutine's only value before the close
// (opentelemetry-go's exporter test, with assert.Eventually).
func pollThenClose(export func() error) error {
	out := make(chan error, 1)
	go func() {
		out <- export()
	}()
	var err error
	eventually(func() bool {
		select {
		case err = <-out:
			return true
		default:
			return false
		}
	}, time.Second)
	close(out)
	return err
}

// A function handed to a call that does not receive waits for nothing.
func logThenClose(export func() error) {
	out := make(chan error, 1)
	go func() {
		out <- export()
	}()
	eventually(func() bool { return true }, time.Second)
	close(out) // want "does not wait for the goroutine that sends"
}

// A receive in a function an errgroup starts on another goroutine does not hold the close back.
func groupThenClose(export func() error) error {
	out := make(chan error, 1)
	go func() {
		out <- export()
	}()
	var g errgroup.Group
	g.Go(func() error {
		return <-out
	})
	close(out) // want "does not wait for the goroutine that sends"
	return g.Wait()
}
