package fixtures

import (
	"bufio"
	"context"
	"io"
	"os"
)

// A generator hands its unbuffered channel to the caller.
func generate(ctx context.Context, nums ...int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for _, n := range nums {
			out <- n // want "`out <- n` blocks forever if the reader stops reading: the goroutine never watches"
		}
	}()
	return out
}

// A stage writes to a channel parameter: its reader is the caller.
func square(ctx context.Context, in <-chan int, out chan<- int) {
	go func() {
		defer close(out)
		for v := range in {
			out <- v * v // want "`out <- v \\* v` blocks forever if the reader stops reading: the goroutine never"
		}
	}()
}

// One result, sent once, on a channel the caller may abandon.
type Result struct {
	Body []byte
	Err  error
}

func fetch(context.Context, string) Result { return Result{} }

func fetchAsync(ctx context.Context, url string) <-chan Result {
	ch := make(chan Result)
	go func() {
		ch <- fetch(ctx, url) // want "`ch <- fetch\\(ctx, url\\)`"
	}()
	return ch
}

// The channel is returned with an error value.
func readLines(ctx context.Context, name string) (<-chan string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	lines := make(chan string)
	go func() {
		defer f.Close()
		defer close(lines)
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			lines <- sc.Text() // want "`lines <- sc\\.Text\\(\\)` blocks forever if the reader stops reading: the goroutine"
		}
	}()
	return lines, nil
}

// A local cancellable context; the stage still ignores it.
func tail(parent context.Context, r io.Reader) (<-chan []byte, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	chunks := make(chan []byte, 0)
	go func() {
		defer close(chunks)
		buf := make([]byte, 512)
		for {
			n, err := r.Read(buf)
			if err != nil {
				return
			}
			chunks <- buf[:n] // want "never watches `ctx.Done\\(\\)`"
		}
	}()
	_ = ctx
	return chunks, cancel
}

// A multi-line send is reported, but not rewritten.
func results(ctx context.Context, urls []string) <-chan Result {
	out := make(chan Result)
	go func() {
		defer close(out)
		for _, u := range urls {
			out <- Result{ // want "blocks forever if the reader stops"
				Body: []byte(u),
			}
		}
	}()
	return out
}

// A named goroutine function: the go statement's argument is followed to the returned make.
func addOne(ctx context.Context, in <-chan int, out chan<- int) {
	defer close(out)
	for v := range in {
		out <- v + 1 // want "`out <- v \\+ 1` blocks forever if the reader stops reading: the goroutine never"
	}
}

func plusOne(ctx context.Context, in <-chan int) <-chan int {
	out := make(chan int)
	go addOne(ctx, in, out)
	return out
}

// A named stage returning an error: the fix returns ctx.Err().
func collectPaths(ctx context.Context, root string, paths chan<- string, names []string) {
	go sendAll(ctx, names, paths)
}

func sendAll(ctx context.Context, names []string, paths chan<- string) error {
	for _, n := range names {
		paths <- n // want "`paths <- n` blocks forever if the reader stops reading: the goroutine never watches"
	}
	return nil
}

// Checking ctx.Err() before the send does not help once the send blocks.
func genPolling(ctx context.Context, nums []int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for _, n := range nums {
			if ctx.Err() != nil {
				return
			}
			out <- n // want "`out <- n` blocks forever if the reader stops reading: the goroutine only polls"
		}
	}()
	return out
}

// A select with a default case only polls ctx.Done(); the send in the default case blocks.
func counter(ctx context.Context) <-chan int {
	out := make(chan int)
	n := 0
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			default:
				out <- n // want "only polls `<-ctx.Done\\(\\)`"
				n++
			}
		}
	}()
	return out
}

// The close is not deferred: returning at the send would skip it, so no fix is offered.
func squares(ctx context.Context, n int) <-chan int {
	out := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			out <- i * i // want "never watches `ctx.Done\\(\\)`"
		}
		close(out)
	}()
	return out
}

// The select watches ctx while it waits for input, but the send in the case body waits for a
// reader with nothing watching: a caller that stops reading and cancels leaves it blocked.
func doubled(ctx context.Context, in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for {
			select {
			case v := <-in:
				out <- v * 2 // want "`out <- v \\* 2` blocks forever if the reader stops reading: `<-ctx\\.Done\\(\\)` is watched"
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// ok: the send itself is a case of a select that also watches ctx.
func doubledSafe(ctx context.Context, in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for {
			select {
			case v := <-in:
				select {
				case out <- v * 2:
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
