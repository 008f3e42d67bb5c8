package fixtures

import (
	"context"
	"io"
	"sync"
	"time"
)

type worker struct{ id int }

func (w *worker) run() error { return nil }

// ok: the loop returns only once a counter says every worker has reported.
func superviseAll(workers []*worker, tick <-chan time.Time) error {
	errc := make(chan error)
	for _, w := range workers {
		w := w
		go func() {
			errc <- w.run()
		}()
	}
	var firstErr error
	remaining := len(workers)
	for {
		select {
		case err := <-errc:
			if err != nil && firstErr == nil {
				firstErr = err
			}
			remaining--
			if remaining == 0 {
				return firstErr
			}
		case <-tick:
			println("still waiting for", remaining)
		}
	}
}

// ok: the send sits in a polling loop but returns right after it, so it happens once.
func pollUntilSignal(stop chan bool) {
	ack := make(chan bool)
	go func() {
		for {
			select {
			case <-stop:
				ack <- true
				return
			default:
				time.Sleep(time.Millisecond)
			}
		}
	}()
	stop <- true
	<-ack
}

// ok: two pollers, each sends once before leaving its loop, and both are received.
func twoPollers(d time.Duration) {
	finished := make(chan bool)
	for i := 0; i < 2; i++ {
		go func() {
			deadline := time.After(d)
			for {
				select {
				case <-deadline:
					finished <- true
					return
				default:
				}
			}
		}()
	}
	<-finished
	<-finished
}

// ok: a reader loop whose number of sends follows the writes; the test reads exactly that many.
func echoSizes(r io.Reader, sizes chan int) {
	buf := make([]byte, 32)
	for {
		n, err := r.Read(buf)
		if err == io.EOF {
			sizes <- 0
			break
		}
		sizes <- n
	}
}

func checkEcho(r io.Reader, w io.Writer) {
	sizes := make(chan int)
	go echoSizes(r, sizes)
	for i := 0; i < 3; i++ {
		w.Write([]byte("ping"))
		<-sizes
	}
	<-sizes
}

// A worker that sends once per loop round with a break after a failure is still a stream;
// returning on the first failure strands it.
func firstFailure(tasks []func() error) error {
	errs := make(chan error)
	go func() {
		for _, t := range tasks {
			if err := t(); err != nil {
				errs <- err // want "`errs <- err` blocks forever: firstFailure can return at line 116 from its receive loop"
			}
		}
		close(errs)
	}()
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// ok: only the last worker to finish signals; one receive is enough.
func lastOneSignals(n int, work func()) {
	done := make(chan bool)
	var finished int32
	var mu sync.Mutex
	for i := 0; i < n; i++ {
		go func() {
			work()
			mu.Lock()
			finished++
			last := finished == int32(n)
			mu.Unlock()
			if last {
				done <- true
			}
		}()
	}
	<-done
}

// ok: a deferred closure receives the watcher's answer on every way out of the function.
func dialWithWatcher(ctx context.Context, dial func() error) (err error) {
	stop := make(chan struct{})
	answer := make(chan error)
	defer func() {
		close(stop)
		if werr := <-answer; werr != nil && err == nil {
			err = werr
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
			answer <- ctx.Err()
		case <-stop:
			answer <- nil
		}
	}()
	if err := dial(); err != nil {
		return err
	}
	return nil
}

// ok: the two arms start their goroutines on exclusive paths: one run has 3 senders, and 3 are received.
func armsExclusive(batch bool, work func(int) int) int {
	ch := make(chan int)
	if batch {
		for i := 0; i < 3; i++ {
			go func(i int) { ch <- work(i) }(i)
		}
	} else {
		go func() { ch <- work(0) }()
		go func() { ch <- work(1) }()
		go func() { ch <- work(2) }()
	}
	sum := 0
	for i := 0; i < 3; i++ {
		sum += <-ch
	}
	return sum
}

// The arms are exclusive, but one of them starts more senders than are received.
func armsUneven(batch bool, work func(int) int) int {
	ch := make(chan int)
	if batch {
		for i := 0; i < 4; i++ {
			go func(i int) { ch <- work(i) }(i) // want "goroutines sending on `ch` can block forever: armsUneven returns at line 195 after"
		}
	} else {
		go func() { ch <- work(0) }()
	}
	return <-ch
}
