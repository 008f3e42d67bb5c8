package fixtures

import (
	"context"
	"time"
)

type Answer struct{ N int }

func solve() Answer { return Answer{} }

// A function that returns a channel its goroutine sends one value on.
func solveAsync() <-chan Answer {
	ch := make(chan Answer)
	go func() {
		ch <- solve()
	}()
	return ch
}

func solveCtx(ctx context.Context) (Answer, error) {
	select {
	case a := <-solveAsync(): // want "once `case <-ctx\\.Done\\(\\)` wins, the goroutine `solveAsync` started blocks forever on `ch <-"
		return a, nil
	case <-ctx.Done():
		return Answer{}, ctx.Err()
	}
}

func solveTimeout() (Answer, bool) {
	ch := solveAsync()
	select {
	case a := <-ch: // want "once `case <-time.After\\(time.Second\\)` wins"
		return a, true
	case <-time.After(time.Second):
		return Answer{}, false
	}
}

func solvePoll() (Answer, bool) {
	select {
	case a := <-solveAsync(): // want "once `default` wins"
		return a, true
	default:
		return Answer{}, false
	}
}

func solveEverySecond(out chan<- Answer) {
	for {
		select {
		case a := <-solveAsync(): // want "once `case <-time.After\\(time.Second\\)` wins"
			out <- a
		case <-time.After(time.Second):
		}
	}
}

// The callee closes after sending: the send still blocks first.
func lookupAsync(key string) chan string {
	ch := make(chan string)
	go func() {
		defer close(ch)
		ch <- key
	}()
	return ch
}

func lookup(ctx context.Context, key string) string {
	select {
	case v := <-lookupAsync(key): // want "the goroutine `lookupAsync` started blocks forever on `ch <- key`"
		return v
	case <-ctx.Done():
		return ""
	}
}

// A method that returns its goroutine's channel.
type Client struct{}

func (c *Client) Ping() <-chan error {
	errc := make(chan error)
	go func() {
		errc <- nil
	}()
	return errc
}

func healthy(ctx context.Context, c *Client) bool {
	select {
	case err := <-c.Ping(): // want "the goroutine `Ping` started blocks forever on `errc <- nil`"
		return err == nil
	case <-ctx.Done():
		return false
	}
}

// Look-alikes that do not leak.

func solveBuffered() <-chan Answer {
	ch := make(chan Answer, 1)
	go func() {
		ch <- solve()
	}()
	return ch
}

func useBuffered(ctx context.Context) Answer {
	select {
	case a := <-solveBuffered(): // ok: the goroutine can always deliver
		return a
	case <-ctx.Done():
		return Answer{}
	}
}

func solveWatching(ctx context.Context) <-chan Answer {
	ch := make(chan Answer)
	go func() {
		select {
		case ch <- solve():
		case <-ctx.Done():
		}
	}()
	return ch
}

func useWatching(ctx context.Context) Answer {
	select {
	case a := <-solveWatching(ctx): // ok: the goroutine gives up with ctx
		return a
	case <-ctx.Done():
		return Answer{}
	}
}

func useWithoutGivingUp(other chan Answer) Answer {
	select {
	case a := <-solveAsync(): // ok: no case gives up
		return a
	case a := <-other:
		return a
	}
}

func useTwice() Answer {
	ch := solveAsync()
	select {
	case a := <-ch: // ok: received again below
		return a
	case <-time.After(time.Second):
	}
	return <-ch
}

func streamAsync(n int) <-chan int {
	ch := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			ch <- i
		}
		close(ch)
	}()
	return ch
}

func useStream(ctx context.Context) int {
	select {
	case v := <-streamAsync(3): // ok: a stream, not one pending result (send-without-cancel's concern)
		return v
	case <-ctx.Done():
		return 0
	}
}

func useInRetryLoop(tick *time.Ticker) Answer {
	ch := solveAsync()
	for {
		select {
		case a := <-ch: // ok: the tick case goes round and receives again
			return a
		case <-tick.C:
		}
	}
}

type holder struct{ ch chan Answer }

func (h *holder) startAsync() chan Answer {
	ch := make(chan Answer)
	h.ch = ch
	go func() {
		ch <- solve()
	}()
	return ch
}

func useHolder(ctx context.Context, h *holder) Answer {
	select {
	case a := <-h.startAsync(): // ok: the channel is also kept in a field, read elsewhere
		return a
	case <-ctx.Done():
		return Answer{}
	}
}
