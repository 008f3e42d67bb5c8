package fixtures

//fixture:go 1.21

import (
	"context"
	"errors"
	"log"
	"time"
)

type Msg struct{ Body string }

func relay(msgs <-chan Msg, out chan<- Msg) {
	for {
		select {
		case m := <-msgs:
			out <- m
		case <-time.After(time.Minute): // want "`time\\.After\\(time\\.Minute\\)` makes a timer per loop pass that, on Go 1\\.21, stays in"
			log.Println("idle for a minute")
		}
	}
}

type conn struct {
	idle  time.Duration
	in    chan []byte
	close chan struct{}
}

func (c *conn) readLoop(handle func([]byte)) error {
	for {
		select {
		case b, ok := <-c.in:
			if !ok {
				return nil
			}
			handle(b)
		case <-c.close:
			return nil
		case <-time.After(c.idle): // want "`time\\.After\\(c\\.idle\\)` makes a timer per loop pass that, on Go 1\\.21, stays in memory"
			return errors.New("idle timeout")
		}
	}
}

func poll(ctx context.Context, events <-chan string) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-events:
			log.Println(ev)
		case <-time.After(30 * time.Second): // want "`time\\.After\\(30 \\* time\\.Second\\)` makes a timer per loop pass that, on Go 1\\.21, stays"
			log.Println("no events")
		}
	}
}

func drain(jobs <-chan int) {
	for i := 0; ; i++ {
		select {
		case j := <-jobs:
			log.Println(i, j)
		default:
		}
		select {
		case <-jobs:
		case <-time.After(time.Duration(i) * time.Millisecond): // want "`time\\.After\\(time\\.Duration\\(i\\) \\*\\.\\.\\.` makes a timer per loop pass that, on Go 1\\.21,"
		}
	}
}

func nonBlocking(work <-chan func()) {
	for {
		select {
		case f := <-work:
			f()
		case <-time.After(time.Second): // want "`time\\.After\\(time\\.Second\\)` makes a timer per loop pass that, on Go 1\\.21, stays in"
		default:
			time.Sleep(time.Millisecond)
		}
	}
}

// ok: a retry loop: every other case leaves the loop, so each timer fires or the loop ends.
func retry(ctx context.Context, try func() error) error {
	for {
		if err := try(); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// ok: one select, no loop.
func once(ch <-chan int) (int, error) {
	select {
	case v := <-ch:
		return v, nil
	case <-time.After(time.Second):
		return 0, errors.New("timeout")
	}
}

// ok: a timer created once and reset.
func reuse(ch <-chan int) {
	t := time.NewTimer(time.Second)
	defer t.Stop()
	for {
		t.Reset(time.Second)
		select {
		case <-ch:
		case <-t.C:
			return
		}
	}
}

// ok: the only case is the timer, so it always fires (it is a sleep).
func tickle(n int) {
	for i := 0; i < n; i++ {
		select {
		case <-time.After(time.Millisecond):
		}
	}
}

// ok: a few passes of a counted loop hold at most a few timers.
func waitBoth(errc <-chan error) error {
	for i := 0; i < 2; i++ {
		select {
		case err := <-errc:
			if err != nil {
				return err
			}
		case <-time.After(10 * time.Second):
			return errors.New("deadlock")
		}
	}
	return nil
}

// ok: each goroutine runs one select; the loop only starts them.
func spawn(chs []chan int) {
	for _, ch := range chs {
		go func(ch chan int) {
			select {
			case <-ch:
			case <-time.After(time.Second):
			}
		}(ch)
	}
}

// ok: time.After outside a select is consumed (a sleep), never dropped.
func sleepy(n int) {
	for i := 0; i < n; i++ {
		<-time.After(time.Millisecond)
	}
}

// ok: a labelled break leaves the loop from the other case.
func labelled(ch <-chan int) {
loop:
	for {
		select {
		case <-ch:
			break loop
		case <-time.After(time.Second):
			log.Println("waiting")
		}
	}
}

// ok: a loop that waits for one result per seed counts down and ends at zero: it makes one timer
// per result at most, as a counted loop does (aerospike's seed loop).
func seeds(hosts []string, dial func(string) error) (found bool) {
	errc := make(chan error, len(hosts))
	okc := make(chan struct{}, len(hosts))
	for _, h := range hosts {
		go func(h string) {
			if err := dial(h); err != nil {
				errc <- err
				return
			}
			okc <- struct{}{}
		}(h)
	}
	left := len(hosts)
L:
	for {
		select {
		case <-errc:
			left--
			if left <= 0 {
				break L
			}
		case <-okc:
			left--
			found = true
			if left <= 0 {
				break L
			}
		case <-time.After(time.Second): // ok
			break L
		}
	}
	return found
}

// ok: the loop's condition ends it when the count of pending results reaches zero.
func collect(results <-chan int, pending int) (sum int) {
	for pending > 0 {
		select {
		case v := <-results:
			sum += v
			pending--
		case <-time.After(time.Minute): // ok
			return sum
		}
	}
	return sum
}

// The count goes back up when a result asks for a retry: the loop is not bounded.
func collectRetrying(results <-chan int, retry func(int) bool, pending int) (sum int) {
	for pending > 0 {
		select {
		case v := <-results:
			pending--
			if retry(v) {
				pending++
				continue
			}
			sum += v
		case <-time.After(time.Minute): // want "`time\\.After\\(time\\.Minute\\)` makes a timer per loop pass that, on Go 1\\.21, stays in"
			return sum
		}
	}
	return sum
}
