package fixtures

import (
	"context"
	"time"
)

// ok: the send is a case of a select that watches ctx.Done().
func genSelect(ctx context.Context, nums []int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for _, n := range nums {
			select {
			case out <- n:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// The goroutine watches ctx.Done() while it waits for input, but not while it sends (this was
// an ok case until the foundation review counted it among the real misses).
func relayWatched(ctx context.Context, in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case v := <-in:
				out <- v // want "`out <- v` blocks forever if the reader stops reading: `<-ctx\\.Done\\(\\)` is watched only"
			}
		}
	}()
	return out
}

// ok: the buffer holds every value, so no send can block.
func genBuffered(ctx context.Context, nums []int) <-chan int {
	out := make(chan int, len(nums))
	go func() {
		defer close(out)
		for _, n := range nums {
			out <- n
		}
	}()
	return out
}

// ok: the channel is read in this function; goroutine-send-leak judges that case.
func sumSquares(ctx context.Context, nums []int) int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for _, n := range nums {
			ch <- n * n
		}
	}()
	total := 0
	for v := range ch {
		total += v
	}
	return total
}

// ok: no context in scope.
func genPlain(nums []int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for _, n := range nums {
			out <- n
		}
	}()
	return out
}

// ok: a background context cannot be cancelled.
func genBackground(nums []int) <-chan int {
	ctx := context.Background()
	out := make(chan int)
	go func() {
		defer close(out)
		for _, n := range nums {
			out <- n
		}
		_ = ctx
	}()
	return out
}

// ok: the goroutine listens on a quit channel.
func ticks(ctx context.Context, quit <-chan struct{}) <-chan time.Time {
	out := make(chan time.Time)
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case now := <-t.C:
				out <- now
			}
		}
	}()
	return out
}

// ok: not a goroutine; the caller is blocked with us.
func sendNow(ctx context.Context, out chan<- int, v int) {
	out <- v
}

type hub struct{ events chan string }

// ok: a struct field channel: who reads it is not visible here.
func (h *hub) emit(ctx context.Context, names []string) {
	go func() {
		for _, n := range names {
			h.events <- n
		}
	}()
}

// ok: the literal's parameter is bound to a field, which is not followed.
func (h *hub) forward(ctx context.Context, names []string) {
	go func(out chan<- string) {
		for _, n := range names {
			out <- n
		}
	}(h.events)
}

// ok: the named worker's channel is made and drained by the caller.
func double(ctx context.Context, in []int, out chan<- int) {
	for _, v := range in {
		out <- 2 * v
	}
	close(out)
}

func doubled(ctx context.Context, in []int) []int {
	out := make(chan int)
	go double(ctx, in, out)
	var got []int
	for v := range out {
		got = append(got, v)
	}
	return got
}

// ok: the only caller gives the stage a buffer for its single result.
func serveInBackground(ctx context.Context, errc chan<- error, serve func(context.Context) error) {
	go func() {
		errc <- serve(ctx)
	}()
}

func runServer(ctx context.Context, serve func(context.Context) error) error {
	errc := make(chan error, 1)
	serveInBackground(ctx, errc, serve)
	return <-errc
}

// ok: the goroutine waits on the Done channel it took before the loop.
func relayDoneVar(ctx context.Context, in <-chan int) <-chan int {
	out := make(chan int)
	done := ctx.Done()
	go func() {
		defer close(out)
		for {
			select {
			case <-done:
				return
			case v := <-in:
				out <- v
			}
		}
	}()
	return out
}
