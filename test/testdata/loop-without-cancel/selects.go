package fixtures

import (
	"context"
	"time"

	"golang.org/x/sync/errgroup"
)

type Job struct{ ID int }

type Stats struct {
	Seen, Failed int
}

func handle(context.Context, Job) error { return nil }

// A worker goroutine drains jobs and flushes on a ticker, but cannot be stopped.
func startWorker(ctx context.Context, jobs <-chan Job) {
	t := time.NewTicker(time.Second)
	go func() {
		defer t.Stop()
		for { // want "endless `for` loop waits in `select \\{ case j := <-jobs: \\.\\.\\. \\}` but never watches"
			select {
			case j := <-jobs:
				_ = handle(ctx, j)
			case <-t.C:
				flush()
			}
		}
	}()
}

func flush() {}

type Mailbox struct {
	inbox chan string
	log   []string
}

// A method loop that returns an error but never the context's.
func (m *Mailbox) Run(ctx context.Context) error {
	for { // want "never watches `ctx.Done\\(\\)`"
		select {
		case msg := <-m.inbox:
			m.log = append(m.log, msg)
		}
	}
}

// The errgroup's context is the one to watch; the fix uses it.
func fanIn(ctx context.Context, a, b <-chan int, sum *int) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		for { // want "never watches `gctx.Done\\(\\)`"
			select {
			case v := <-a:
				*sum += v
			case v := <-b:
				*sum -= v
			}
		}
	})
	return g.Wait()
}

// A timeout context made locally; the function returns (int, error).
func countUntilIdle(parent context.Context, events <-chan struct{}) (int, error) {
	ctx, cancel := context.WithTimeout(parent, time.Minute)
	defer cancel()
	n := 0
	for { // want "endless `for` loop waits in `select \\{ case <-events: \\.\\.\\. \\}` but never watches"
		select {
		case <-events:
			n++
		case <-time.After(time.Second):
			n += 0
		}
	}
}

// A struct result declared in this file gets its composite literal as zero value.
func tally(ctx context.Context, results <-chan error) (Stats, error) {
	var st Stats
	for { // want "never watches `ctx.Done\\(\\)`"
		select {
		case err := <-results:
			st.Seen++
			if err != nil {
				// This break only leaves the select.
				break
			}
		}
	}
}

// Two selects in one loop: both get the case.
func relay(ctx context.Context, in <-chan []byte, out chan<- []byte) {
	for { // want "waits in `select \\{ case b := <-in: ... \\}`"
		var buf []byte
		select {
		case b := <-in:
			buf = b
		}
		select {
		case out <- buf:
		}
	}
}

// Named results whose zero value is not obvious are returned as they are.
func lastBeat(ctx context.Context, beats <-chan time.Time) (last time.Time, err error) {
	for { // want "never watches"
		select {
		case last = <-beats:
		}
	}
}

// A result type with no evident zero value: reported, but no fix.
func firstReply[T any](ctx context.Context, replies <-chan T) (T, error) {
	var zero T
	for { // want "never watches"
		select {
		case r := <-replies:
			zero = r
		}
	}
}

// continue with the loop's own label starts the next iteration; it is no way out.
func pump(ctx context.Context, src <-chan int, dst func(int)) {
outer:
	for { // want "never watches"
		select {
		case v := <-src:
			if v < 0 {
				continue outer
			}
			dst(v)
		}
	}
}

// ok: the select watches ctx.Done().
func watched(ctx context.Context, jobs <-chan Job) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-jobs:
			_ = handle(ctx, j)
		}
	}
}

// ok: a quit channel stops the loop.
func (m *Mailbox) serve(ctx context.Context, quit <-chan struct{}) {
	for {
		select {
		case <-quit:
			m.log = nil
			return
		case msg := <-m.inbox:
			m.log = append(m.log, msg)
		}
	}
}

// ok: ranging over the channel ends when it is closed.
func drain(ctx context.Context, in <-chan Job) {
	for j := range in {
		select {
		case <-time.After(time.Millisecond):
		}
		_ = handle(ctx, j)
	}
}

// ok: the comma-ok receive notices the closed channel.
func merge(ctx context.Context, a, b <-chan int, out func(int)) {
	for {
		select {
		case v, ok := <-a:
			if !ok {
				a = nil
				continue
			}
			out(v)
		case v := <-b:
			out(v)
		}
	}
}

// ok: a labeled break leaves the loop.
func collect(ctx context.Context, in <-chan int) []int {
	var got []int
loop:
	for {
		select {
		case v := <-in:
			got = append(got, v)
		case <-time.After(time.Second):
			break loop
		}
	}
	return got
}

// ok: a select with a default case never blocks (it polls).
func poll(ctx context.Context, in <-chan int, work func()) {
	for {
		select {
		case v := <-in:
			_ = v
		default:
			work()
		}
	}
}

// ok: no context in scope, nothing to watch.
func forever(jobs <-chan Job) {
	for {
		select {
		case j := <-jobs:
			_ = j
		}
	}
}

// ok: a background context is never cancelled.
func background(jobs <-chan Job) {
	ctx := context.Background()
	for {
		select {
		case j := <-jobs:
			_ = handle(ctx, j)
		}
	}
}

// ok: an error ends the loop with a return.
func untilError(ctx context.Context, jobs <-chan Job) error {
	for {
		select {
		case j := <-jobs:
			if err := handle(ctx, j); err != nil {
				return err
			}
		}
	}
}

// ok: the loop has a condition.
func bounded(ctx context.Context, results <-chan int, n int) int {
	sum := 0
	for i := 0; i < n; i++ {
		select {
		case r := <-results:
			sum += r
		}
	}
	return sum
}

// ok: the context of another object is watched through its Done method.
type session struct{ ctx context.Context }

func (s *session) loop(ctx context.Context, in <-chan int) {
	for {
		select {
		case <-s.ctx.Done():
			return
		case v := <-in:
			_ = v
		}
	}
}
