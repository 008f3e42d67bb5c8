package fixtures

import (
	"context"
	"net/http"
	"sync"
)

func fetch(url string) int { return len(url) }

func lengths(words []string) []int {
	out := make(chan int, len(words))
	var wg sync.WaitGroup
	for _, w := range words {
		wg.Add(1)
		go func(w string) {
			defer wg.Done()
			out <- len(w)
		}(w)
	}
	close(out) // want "`close\\(out\\)` comes before `wg\\.Wait\\(\\)`: a goroutine can still send `out <- len\\(w\\)` and panic"
	wg.Wait()
	var res []int
	for n := range out {
		res = append(res, n)
	}
	return res
}

func fetchAll(urls []string) []int {
	results := make(chan int)
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			defer wg.Done()
			results <- fetch(u)
		}(u)
	}
	close(results) // want "`close\\(results\\)` runs with no `wg\\.Wait\\(\\)` before it: a goroutine can still send"

	var sizes []int
	for s := range results {
		sizes = append(sizes, s)
	}
	return sizes
}

func worker(id int, jobs <-chan string, results chan<- int, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		results <- fetch(j) + id
	}
}

func runPool(urls []string) int {
	jobs := make(chan string)
	results := make(chan int)
	total := 0
	done := make(chan struct{})
	go func() {
		for r := range results {
			total += r
		}
		close(done)
	}()
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go worker(i, jobs, results, &wg)
	}
	for _, u := range urls {
		jobs <- u
	}
	close(jobs)
	close(results) // want "`close\\(results\\)` comes before `wg\\.Wait\\(\\)`: a goroutine can still send `results <-"
	wg.Wait()
	<-done
	return total
}

func checkAll(ctx context.Context, urls []string) []error {
	var wg sync.WaitGroup
	defer wg.Wait()
	errs := make(chan error, len(urls))
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			defer wg.Done()
			req, err := http.NewRequestWithContext(ctx, "HEAD", u, nil)
			if err != nil {
				errs <- err
				return
			}
			_ = req
		}(u)
	}
	close(errs) // want "`close\\(errs\\)` runs before the deferred `wg\\.Wait\\(\\)`: a goroutine can still send `errs <-"
	var out []error
	for err := range errs {
		out = append(out, err)
	}
	return out
}

func unbufferedRange(ids []int) int {
	ch := make(chan int)
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			ch <- id * 2
		}(id)
	}
	close(ch) // want "`close\\(ch\\)` comes before `wg\\.Wait\\(\\)`: a goroutine can still send `ch <- id \\* 2` and panic"
	wg.Wait()
	sum := 0
	for v := range ch {
		sum += v
	}
	return sum
}

// ok: the senders are waited for before the close.
func waitThenClose(words []string) []int {
	out := make(chan int, len(words))
	var wg sync.WaitGroup
	for _, w := range words {
		wg.Add(1)
		go func(w string) {
			defer wg.Done()
			out <- len(w)
		}(w)
	}
	wg.Wait()
	close(out)
	var res []int
	for n := range out {
		res = append(res, n)
	}
	return res
}

// ok: a goroutine waits and then closes, while the function drains the channel.
func closerGoroutine(urls []string) []int {
	results := make(chan int)
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			defer wg.Done()
			results <- fetch(u)
		}(u)
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	var sizes []int
	for s := range results {
		sizes = append(sizes, s)
	}
	return sizes
}

// ok: the workers only receive from jobs; closing it is how they learn to stop.
func closeInput(urls []string) {
	jobs := make(chan string)
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				fetch(j)
			}
		}()
	}
	for _, u := range urls {
		jobs <- u
	}
	close(jobs)
	wg.Wait()
}

// ok: every value is received before the close, so every send has happened.
func receiveAllFirst(urls []string) []int {
	results := make(chan int)
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			defer wg.Done()
			results <- fetch(u)
		}(u)
	}
	sizes := make([]int, 0, len(urls))
	for range urls {
		sizes = append(sizes, <-results)
	}
	close(results)
	wg.Wait()
	return sizes
}

// ok: the close is on the branch where no goroutine was started.
func sequentialOrNot(urls []string, parallel bool) {
	results := make(chan int, len(urls))
	var wg sync.WaitGroup
	if parallel {
		for _, u := range urls {
			wg.Add(1)
			go func(u string) {
				defer wg.Done()
				results <- fetch(u)
			}(u)
		}
	} else {
		close(results)
	}
	wg.Wait()
}

// ok: the channel is a parameter; whoever made it may know more.
func closeParam(results chan int, urls []string) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			defer wg.Done()
			results <- fetch(u)
		}(u)
	}
	close(results)
	wg.Wait()
}

// ok: the goroutines only wait for quit; closing it is the signal.
func broadcastQuit(n int) {
	quit := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-quit
		}()
	}
	close(quit)
	wg.Wait()
}

// ok: the function waits on another signal that the senders give after sending.
func waitForSignal(urls []string) {
	results := make(chan int, len(urls))
	ready := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, u := range urls {
			results <- fetch(u)
		}
		close(ready)
	}()
	<-ready
	close(results)
	wg.Wait()
}

// ok: the senders are counted by a different WaitGroup, which is waited for first.
func twoGroups(urls []string) {
	results := make(chan int, len(urls))
	var senders, loggers sync.WaitGroup
	for _, u := range urls {
		senders.Add(1)
		go func(u string) {
			defer senders.Done()
			results <- fetch(u)
		}(u)
	}
	loggers.Add(1)
	go func() {
		defer loggers.Done()
	}()
	senders.Wait()
	close(results)
	loggers.Wait()
}

// ok: the WaitGroup counts only the consumer, which needs the close to finish.
func drainThenWait(words []string) int {
	lens := make(chan int)
	var wg sync.WaitGroup
	total := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := range lens {
			total += n
		}
	}()
	for _, w := range words {
		lens <- len(w)
	}
	close(lens)
	wg.Wait()
	return total
}
