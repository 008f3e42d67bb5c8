package fixtures

import (
	"context"
	"errors"
	"math/rand"
	"net"
	"time"
)

// A back-off of one to five seconds, capped by giving up after five failures, in a loop that
// looks at ctx on every round: a cancellation waits for one pause at most (information).
func serveConns(ctx context.Context, ln net.Listener, handle func(net.Conn)) error {
	failures := 0
	const giveUpAfter = 5
	for {
		conn, err := ln.Accept()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			failures++
			if failures > giveUpAfter {
				return err
			}
			time.Sleep(time.Duration(failures) * time.Second) // want "does not cut the sleep short \\(at most 5s, then the loop checks `ctx`\\)"
			continue
		}
		failures = 0
		go handle(conn)
	}
}

// The same back-off without the cap: it grows with every failure (a warning).
func serveForever(ctx context.Context, ln net.Listener, handle func(net.Conn)) error {
	failures := 0
	for {
		conn, err := ln.Accept()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			failures++
			time.Sleep(time.Duration(failures) * time.Second) // want "does not cut the sleep short$"
			continue
		}
		go handle(conn)
	}
}

// A fixed eight-second pause, but a round that fails skips the check of ctx: a cancelled caller
// can wait for any number of pauses (a warning).
func pollUntilReady(ctx context.Context, ready func(context.Context) (bool, error)) error {
	for {
		ok, err := ready(ctx)
		if err != nil {
			time.Sleep(8 * time.Second) // want "does not cut the sleep short$"
			continue
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// A pause of twenty seconds is long even in a loop that checks ctx on every round (a warning).
func refresh(ctx context.Context, load func() error) error {
	for ctx.Err() == nil {
		if err := load(); err != nil {
			time.Sleep(20 * time.Second) // want "does not cut the sleep short$"
		}
	}
	return errors.New("stopped")
}

// Short pauses that add up to little: the message says how little (information).
func retryTwice(ctx context.Context, try func(context.Context) error) error {
	var err error
	for i := 0; i < 3; i++ {
		if err = try(ctx); err == nil {
			return nil
		}
		time.Sleep(time.Duration(i) * 400 * time.Millisecond) // want "\\(each pause lasts 800ms at most\\)"
	}
	return err
}

// A retry bound kept in a local that nothing assigns again, and a squared back-off: the longest
// pause is 49*49 ms (juicefs's transactions; information).
func retryTxn(ctx context.Context, try func() error) error {
	var (
		maxRetry = 50
		lastErr  error
	)
	for i := 0; i < maxRetry; i++ {
		select {
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		if lastErr = try(); lastErr == nil {
			return nil
		}
		time.Sleep(time.Millisecond * time.Duration(i*i)) // want "\\(each pause lasts 2.4s at most\\)"
	}
	return lastErr
}

// The same back-off with a bound the caller may raise: the pauses are not proven short (a warning).
func retryTxnConfigured(ctx context.Context, try func() error, configured int) error {
	maxRetry := 50
	if configured > 0 {
		maxRetry = configured
	}
	var lastErr error
	for i := 0; i < maxRetry; i++ {
		if lastErr = try(); lastErr == nil {
			return nil
		}
		time.Sleep(time.Millisecond * time.Duration(i*i)) // want "in a loop ignores `ctx`: cancelling `ctx` does not cut the sleep short$"
	}
	return lastErr
}

// Jitter of under a second from a float32 (tempo's backend worker; information).
func callWithJitter(ctx context.Context, call func(context.Context) error) {
	for ctx.Err() == nil {
		if err := call(ctx); err == nil {
			return
		}
		time.Sleep(time.Duration(rand.Float32() * float32(1*time.Second))) // want "\\(each pause lasts 1s at most\\)"
	}
}

// A doubling back-off over at most eight tries (kopia's mmap retry): each pause is 1.28s at most,
// and the message says so (information).
func openRetrying(ctx context.Context, open func(context.Context) error) error {
	const maxRetries = 8
	delay := 10 * time.Millisecond
	err := open(ctx)
	tries := 0
	for err != nil && tries < maxRetries {
		tries++
		time.Sleep(delay) // want "\\(each pause lasts 1.28s at most\\)"
		delay *= 2
		err = open(ctx)
	}
	return err
}
