package fixtures

import (
	"context"
	"errors"
	"fmt"
	"time"
)

func callback(ctx context.Context) error { return nil }

func recvStep() error { return nil }

func cleanup() {}

// The deferred send runs only when the goroutine panics, and a panic stops the goroutine
// before its own send: one value either way, which the buffer holds (dubbo-go's
// graceful shutdown callback).
func invokeCallback(ctx context.Context) error {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if recovered := recover(); recovered != nil {
				done <- fmt.Errorf("callback panicked: %v", recovered) // ok
			}
		}()
		done <- callback(ctx) // ok
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// The same with several sends, each followed by a return (go-micro's rpc client), and the
// recovered value read into a variable first.
func callStream(timeout time.Duration) error {
	ch := make(chan error, 1)
	go func() {
		defer func() {
			r := recover()
			if r != nil {
				ch <- fmt.Errorf("panic recovered: %v", r) // ok
			}
		}()
		if err := recvStep(); err != nil {
			ch <- err // ok
			return
		}
		if err := recvStep(); err != nil {
			ch <- err // ok
			return
		}
		ch <- nil // ok
	}()
	select {
	case err := <-ch:
		return err
	case <-time.After(timeout):
		return errors.New("timed out")
	}
}

// Here the goroutine can panic after its value is in the buffer: the recovered send is a
// second value, and once the caller has timed out nothing takes the first.
func callThenCleanup(timeout time.Duration) error {
	ch := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				ch <- fmt.Errorf("panic: %v", r) // want "blocks forever: callThenCleanup stops receiving at line 82"
			}
		}()
		ch <- recvStep() // the first value fits in the buffer
		cleanup()
	}()
	select {
	case err := <-ch:
		return err
	case <-time.After(timeout):
		return errors.New("timed out")
	}
}

// A deferred send that does not depend on a panic adds to the goroutine's own send.
func alwaysReports(timeout time.Duration) error {
	ch := make(chan error, 1)
	go func() {
		defer func() {
			ch <- nil // want "blocks forever: alwaysReports stops receiving at line 99"
		}()
		ch <- recvStep() // the first value fits in the buffer
	}()
	select {
	case err := <-ch:
		return err
	case <-time.After(timeout):
		return errors.New("timed out")
	}
}

func serveConn() error { return nil }

func prepare() error { return nil }

// The deferred send runs only when the goroutine ends before `returned = true`, that is when
// serveConn panics or exits the goroutine, before its own send (fiber's App.Test).
func testServe(timeout time.Duration) error {
	channel := make(chan error, 1)
	go func() {
		var returned bool
		defer func() {
			if !returned {
				channel <- errors.New("handler exited") // ok
			}
		}()
		channel <- serveConn() // ok
		returned = true
	}()
	select {
	case err := <-channel:
		return err
	case <-time.After(timeout):
		return errors.New("timed out")
	}
}

// Here a return skips the flag, and the deferred send follows the first one.
func testServeEarly(timeout time.Duration) error {
	channel := make(chan error, 1)
	go func() {
		returned := false
		defer func() {
			if !returned {
				channel <- errors.New("handler exited") // want "blocks forever: testServeEarly stops receiving at line 150"
			}
		}()
		if err := prepare(); err != nil {
			channel <- err
			return
		}
		channel <- serveConn()
		returned = true
	}()
	select {
	case err := <-channel:
		return err
	case <-time.After(timeout):
		return errors.New("timed out")
	}
}
