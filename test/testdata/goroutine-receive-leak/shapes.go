package fixtures

import (
	"errors"
	"os"
	"os/signal"
	"sync"
	"time"
)

type result struct {
	path string
	size int64
}

func statAll(paths []string) []result {
	results := make(chan result)
	var wg sync.WaitGroup
	for _, p := range paths {
		wg.Add(1)
		go func(p string) {
			defer wg.Done()
			fi, err := os.Stat(p)
			if err != nil {
				return
			}
			results <- result{p, fi.Size()}
		}(p)
	}
	var out []result
	for r := range results { // want "`for r := range results` waits forever: nothing closes `results` after the last send"
		out = append(out, r)
	}
	wg.Wait()
	return out
}

func loadConfig(path string, apply func([]byte)) error {
	cfg := make(chan []byte, 1)
	go func() {
		data, ok := <-cfg // want "`<-cfg` in the goroutine blocks forever when `loadConfig` returns at line"
		if ok {
			apply(data)
		}
	}()
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	cfg <- data
	return nil
}

func pollUntilStopped(poll func()) {
	stop := make(chan struct{})
	go func() {
		select {
		case <-stop: // want "`<-stop` in the goroutine blocks forever: nothing sends on or closes `stop`"
		}
		poll()
	}()
	poll()
}

// ok: the classic shape: a closer goroutine waits for the senders, then closes.
func statAllClosed(paths []string) []result {
	results := make(chan result)
	var wg sync.WaitGroup
	for _, p := range paths {
		wg.Add(1)
		go func(p string) {
			defer wg.Done()
			if fi, err := os.Stat(p); err == nil {
				results <- result{p, fi.Size()}
			}
		}(p)
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	var out []result
	for r := range results {
		out = append(out, r)
	}
	return out
}

// ok: signal.Notify keeps the channel and sends on it; we cannot see that code.
func onInterrupt(cancel func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	go func() {
		<-sigs
		cancel()
	}()
}

// ok: the waiter gives up after a timeout.
func waitOrTimeout(work func() error) error {
	done := make(chan error, 1)
	go func() {
		select {
		case err := <-done:
			_ = err
		case <-time.After(time.Second):
		}
	}()
	if err := work(); err != nil {
		return err
	}
	done <- nil
	return nil
}

// ok: the value is sent on the error path too.
func sendOnBothPaths(path string, apply func([]byte, error)) error {
	resc := make(chan []byte, 1)
	errc := make(chan error, 1)
	go func() {
		apply(<-resc, <-errc)
	}()
	data, err := os.ReadFile(path)
	if err != nil {
		resc <- nil
		errc <- err
		return err
	}
	resc <- data
	errc <- nil
	return nil
}

// ok: the producer helper closes with defer on every path.
func emit(out chan<- int, n int) error {
	defer close(out)
	for i := 0; i < n; i++ {
		if i > 100 {
			return errors.New("too many")
		}
		out <- i
	}
	return nil
}

func sum(n int) int {
	ch := make(chan int)
	total := 0
	done := make(chan struct{})
	go func() {
		for v := range ch {
			total += v
		}
		close(done)
	}()
	_ = emit(ch, n)
	<-done
	return total
}

// ok: a sync.Once closes the channel from a callback we do not follow.
type stopper struct {
	once sync.Once
}

func (s *stopper) run(tick func()) {
	stop := make(chan struct{})
	go func() {
		<-stop
		tick()
	}()
	s.once.Do(func() { close(stop) })
}

// ok: the consumer leaves the loop with a labelled break.
func firstNegative(nums []int) {
	ch := make(chan int)
	go func() {
	loop:
		for n := range ch {
			if n < 0 {
				break loop
			}
		}
	}()
	for _, n := range nums {
		ch <- n
	}
	ch <- -1
}
