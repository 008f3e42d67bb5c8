package fixtures

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

type event struct{ name string }

func handle(event) {}

func pollEvents(events <-chan event, quit <-chan struct{}) {
	for {
		select {
		case ev := <-events:
			handle(ev)
		case <-quit:
			return
		default: // want "this empty `default` makes the `for` loop spin whenever none of its 2 cases is ready,"
		}
	}
}

func waitForContext(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		default: // want "this empty `default` makes the `for` loop spin whenever its only case is not ready,"
			continue
		}
	}
}

func countWhileWaiting(done <-chan bool) int {
	spins := 0
	for {
		spins++
		select {
		case <-done:
			return spins
		default: // want "this empty `default` makes the `for` loop spin whenever its only case is not ready,"
		}
	}
}

func untilFlag(stop *int32, results <-chan string) {
	for atomic.LoadInt32(stop) == 0 {
		select {
		case r := <-results:
			fmt.Println(r)
		default: // want "this empty `default` makes the `for` loop spin whenever its only case is not ready,"
		}
	}
}

type server struct {
	requests chan string
	shutdown chan struct{}
}

func (s *server) serve() {
	for {
		select {
		case req := <-s.requests:
			fmt.Println(req)
		case <-s.shutdown:
			return
		default: // want "this empty `default` makes the `for` loop spin whenever none of its 2 cases is ready,"
			break
		}
	}
}

func spinOnNothing() {
	go func() {
		for {
			select {
			default: // want "whenever it has no case to wait for"
			}
		}
	}()
}

func drainTicker(t *time.Ticker, stop chan struct{}) {
	n := 0
	for n < 1000000 {
		select {
		case <-t.C:
			fmt.Println("tick", n)
		case <-stop:
			return
		default: // want "this empty `default` makes the `for` loop spin whenever none of its 2 cases is ready,"
		}
		n++
	}
}

func sendWhenReady(out chan<- int, v int) {
	for {
		select {
		case out <- v:
			return
		default: // want "this empty `default` makes the `for` loop spin whenever its only case is not ready,"
			// the receiver is not ready yet
		}
	}
}

// ok: the default case returns, so the loop only drains what is already buffered.
func drainBuffered(ch <-chan int) int {
	n := 0
	for {
		select {
		case <-ch:
			n++
		default:
			return n
		}
	}
}

// ok: the default case sleeps between polls.
func pollSlowly(done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		default:
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// ok: no default, so the select blocks until a case is ready.
func blockingLoop(events <-chan event, quit <-chan struct{}) {
	for {
		select {
		case ev := <-events:
			handle(ev)
		case <-quit:
			return
		}
	}
}

// ok: the loop does real work after the non-blocking check.
func workUntilCancelled(ctx context.Context, jobs []string) {
	for _, j := range jobs {
		select {
		case <-ctx.Done():
			return
		default:
		}
		fmt.Println(j)
	}
}

// ok: the loop body does work besides the select on every round.
func stepUntilDone(ctx context.Context, step func() bool) {
	for {
		select {
		case <-ctx.Done():
			return
		default:
		}
		if !step() {
			return
		}
	}
}

// ok: ranging over a channel blocks between values.
func forwardNonBlocking(in <-chan int, out chan<- int) {
	for v := range in {
		select {
		case out <- v:
		default:
		}
	}
}

// ok: the default yields the processor on purpose.
func yieldWhileWaiting(ready <-chan struct{}) {
	for {
		select {
		case <-ready:
			return
		default:
			runtime.Gosched()
		}
	}
}

// ok: a single non-blocking send, not in a loop.
func trySend(out chan<- int, v int) bool {
	select {
	case out <- v:
		return true
	default:
		return false
	}
}

// ok: the loop condition calls a function that may block or do work.
func scanLines(next func() bool, quit <-chan struct{}) {
	for next() {
		select {
		case <-quit:
			return
		default:
		}
	}
}

// ok: a counted loop measures the cost of a non-blocking check; it is not waiting.
func benchmarkPoll(n int, done <-chan struct{}) {
	for i := 0; i < n; i++ {
		select {
		case <-done:
		default:
		}
	}
}

// ok: the comment says the loop keeps a core busy on purpose.
func cpuHog(stop <-chan bool) {
	go func() {
		// Burn a CPU until told to stop.
		for {
			select {
			case <-stop:
				return
			default:
			}
		}
	}()
}

type bounds struct{ min, max atomic.Int64 }

// ok: a spin-wait for another goroutine's atomic store, bounded by a deadline; the loop's
// condition is what it waits for, and it ends as soon as the store lands.
func (b *bounds) waitMin() {
	deadline := time.After(500 * time.Millisecond)
	for b.min.Load() == 0 {
		select {
		case <-deadline:
			return
		default:
		}
	}
}

type conn struct{}

func (conn) Close() {}

// ok: the loop drains the buffer and ends once it is empty; while len(conns) > 0 the receive is
// ready, so the default only covers another receiver taking the last one first (Xray's dialer).
func closeAll(conns chan conn) {
	for len(conns) > 0 {
		select {
		case c := <-conns:
			c.Close()
		default:
		}
	}
}

type upload struct{}

func (upload) Await() error { return nil }

type uploadQueue struct {
	queue    chan upload
	maxQueue int
}

// ok: the loop takes uploads off the queue while it holds more than maxQueue; an empty queue is
// within the bound, so the default only covers another receiver taking one first (wal-g).
func (q *uploadQueue) enqueue(u upload) error {
	q.queue <- u
	for len(q.queue) > q.maxQueue {
		select {
		case old := <-q.queue:
			if err := old.Await(); err != nil {
				return err
			}
		default:
		}
	}
	return nil
}

// A bound it may equal: with maxQueue zero and the queue empty, the loop never waits.
func (q *uploadQueue) enqueueSpin(u upload) error {
	q.queue <- u
	for len(q.queue) >= q.maxQueue {
		select {
		case old := <-q.queue:
			if err := old.Await(); err != nil {
				return err
			}
		default: // want "this empty `default` makes the `for` loop spin"
		}
	}
	return nil
}

// The condition watches another channel than the one received from: nothing in the loop empties it.
func closeWhile(conns, pending chan conn) {
	for len(pending) > 0 {
		select {
		case c := <-conns:
			c.Close()
		default: // want "this empty `default` makes the `for` loop spin"
		}
	}
}

// ok: the default falls through to the `break` after the select (kapacitor's drain of pending
// configs): the loop goes round only while values are ready.
func latest(updates <-chan int, conf int) int {
	for {
		select {
		case conf = <-updates:
			continue
		default: // ok
		}
		break
	}
	return conf
}

// The statement after the select only counts: the loop goes round again.
func latestSpins(updates <-chan int, conf int) int {
	n := 0
	for {
		select {
		case conf = <-updates:
			continue
		default: // want "this empty `default` makes the `for` loop spin whenever its only case is not ready,"
		}
		n++
	}
}
