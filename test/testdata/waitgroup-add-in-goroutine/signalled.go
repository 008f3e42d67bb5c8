package wg

import (
	"errors"
	"sync"
	"time"
)

type future struct{ ok chan struct{} }

func publish(i int) (future, error) {
	if i < 0 {
		return future{}, errors.New("negative")
	}
	return future{ok: make(chan struct{})}, nil
}

// nats' publish test: the goroutine counts every message before it closes acks and sends on
// done; the waiter receives done and ranges over acks before it calls Wait.
func publishAll() error {
	errs := make(chan error, 1)
	done := make(chan struct{}, 1)
	acks := make(chan future, 100)
	wg := sync.WaitGroup{}
	go func() {
		for i := 0; i < 100; i++ {
			f, err := publish(i)
			if err != nil {
				errs <- err
				return
			}
			acks <- f
			wg.Add(1) // ok: done and the close of acks come after the last Add, and both are waited for before Wait
		}
		close(acks)
		done <- struct{}{}
	}()
	select {
	case <-done:
	case err := <-errs:
		return err
	case <-time.After(5 * time.Second):
		return errors.New("timeout")
	}
	for f := range acks {
		go func(f future) {
			<-f.ok
			wg.Done()
		}(f)
	}
	wg.Wait()
	return nil
}

// Ranging until the goroutine closes the channel orders every Add before Wait.
func rangeThenWait(items []int) {
	var wg sync.WaitGroup
	out := make(chan int)
	go func() {
		for _, it := range items {
			wg.Add(1) // ok: out is closed after the last Add, and the range ends only then
			out <- it
		}
		close(out)
	}()
	for it := range out {
		go func(it int) {
			defer wg.Done()
			_ = it
		}(it)
	}
	wg.Wait()
}

// The signal comes before an Add of a later round: not ordered.
func signalInLoop(items []int) {
	var wg sync.WaitGroup
	ready := make(chan struct{}, len(items))
	go func() {
		for range items {
			ready <- struct{}{}
			wg.Add(1) // want "`wg.Add\\(1\\)` runs inside the goroutine started at line 79, so `wg.Wait\\(\\)` can return before it is counted"
			go func() {
				defer wg.Done()
			}()
		}
	}()
	<-ready
	wg.Wait()
}

// The waiter can stop waiting on another case: not ordered.
func timeoutFallsThrough() {
	var wg sync.WaitGroup
	done := make(chan struct{})
	go func() {
		wg.Add(1) // want "`wg.Add\\(1\\)` runs inside the goroutine started at line 96, so `wg.Wait\\(\\)` can return before it is counted"
		go func() {
			defer wg.Done()
		}()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Second):
	}
	wg.Wait()
}

// A second sender on the channel could wake the waiter first: not ordered.
func twoSenders() {
	var wg sync.WaitGroup
	done := make(chan struct{}, 2)
	go func() {
		wg.Add(1) // want "`wg.Add\\(1\\)` runs inside the goroutine started at line 114, so `wg.Wait\\(\\)` can return before it is counted"
		go func() {
			defer wg.Done()
		}()
		done <- struct{}{}
	}()
	done <- struct{}{}
	<-done
	wg.Wait()
}
