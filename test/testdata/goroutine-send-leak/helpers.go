package fixtures

import (
	"context"
	"errors"
	"time"
)

type result struct {
	v   int
	err error
}

func compute() (int, error) { return 1, nil }

// fetchAsync starts the work and hands its result over on ch.
func fetchAsync(ch chan<- result) {
	go func() {
		v, err := compute()
		ch <- result{v, err} // want "blocks"
	}()
}

// A helper that starts the goroutine: the caller gives up on ctx and strands it.
func getViaHelper(ctx context.Context) (int, error) {
	ch := make(chan result)
	fetchAsync(ch)
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

type client struct{ timeout time.Duration }

func (c *client) start(done chan error) {
	go func() {
		_, err := compute()
		done <- err // want "blocks"
	}()
}

// A method that starts the goroutine, and a timeout.
func (c *client) call() error {
	done := make(chan error)
	c.start(done)
	select {
	case err := <-done:
		return err
	case <-time.After(c.timeout):
		return errors.New("timeout")
	}
}

// A function value started with go, as a literal would be.
func viaFuncValue(ctx context.Context) error {
	errc := make(chan error)
	work := func() {
		_, err := compute()
		errc <- err // want "blocks"
	}
	go work()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ok: the helper's channel is buffered by the caller
func bufferedForHelper(ctx context.Context) (int, error) {
	ch := make(chan result, 1)
	fetchAsync(ch)
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// ok: the caller always receives
func alwaysReceives() (int, error) {
	ch := make(chan result)
	fetchAsync(ch)
	r := <-ch
	return r.v, r.err
}

func maybeAsync(ch chan<- result, async bool) {
	if !async {
		return
	}
	go func() {
		ch <- result{}
	}()
}

// ok: the helper may not start the goroutine at all (returns first): not followed
func conditionalHelper(ctx context.Context) {
	ch := make(chan result)
	maybeAsync(ch, true)
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

func selectSend(ch chan<- result, stop <-chan struct{}) {
	go func() {
		select {
		case ch <- result{}:
		case <-stop:
		}
	}()
}

// ok: the helper's goroutine gives up too
func helperGivesUp(ctx context.Context, stop chan struct{}) {
	ch := make(chan result)
	selectSend(ch, stop)
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

// ok: the function value is also called directly, so it is not only a goroutine
func funcValueCalledTwice(ctx context.Context) error {
	errc := make(chan error, 1)
	work := func() { errc <- nil }
	work()
	go work()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ok: the function value's goroutine is always waited for
func funcValueWaited() error {
	errc := make(chan error)
	work := func() { errc <- nil }
	go work()
	return <-errc
}

func keepsChannel(ch chan result) {
	go func() { ch <- result{} }()
	saved = ch
}

var saved chan result

// ok: the helper stores the channel elsewhere: its fate is not known here
func helperStores(ctx context.Context) {
	ch := make(chan result)
	keepsChannel(ch)
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

func fetchInto(ch chan<- result) {
	go func() {
		v, err := compute()
		ch <- result{v: v, err: err} // want "blocks"
	}()
}

// The caller returns on a failed check before it receives.
func earlyReturn(validate func() error) (int, error) {
	ch := make(chan result)
	fetchInto(ch)
	if err := validate(); err != nil {
		return 0, err
	}
	r := <-ch
	return r.v, r.err
}

func fetchOne(ch chan<- int, i int) {
	go func() {
		ch <- i * 2 // want "blocks"
	}()
}

// One goroutine per item through the helper; the caller keeps only the first answer.
func firstOfMany(items []int) int {
	ch := make(chan int)
	for _, it := range items {
		fetchOne(ch, it)
	}
	return <-ch
}

// Function values started in a loop; the caller gives up on the deadline.
func funcValuesInLoop(ctx context.Context, urls []string) (string, error) {
	out := make(chan string)
	for _, u := range urls {
		u := u
		get := func() {
			out <- u // want "blocks"
		}
		go get()
	}
	select {
	case s := <-out:
		return s, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

type pool struct{}

func (p *pool) submit(res chan error) {
	go func() {
		res <- nil // want "blocks"
	}()
}

// A method of another type starts it; the caller stops on a timer.
func submitAndWait(p *pool, d time.Duration) error {
	res := make(chan error)
	p.submit(res)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case err := <-res:
		return err
	case <-t.C:
		return errors.New("timed out")
	}
}

// ok: every goroutine the helper starts is received from
func allOfMany(items []int) int {
	ch := make(chan int)
	for _, it := range items {
		fetchOne(ch, it)
	}
	sum := 0
	for range items {
		sum += <-ch
	}
	return sum
}

func fetchBoth(out chan<- int, errc chan<- error) {
	go func() {
		v, err := compute()
		if err != nil {
			errc <- err // want "blocks"
			return
		}
		out <- v // want "blocks"
	}()
}

// One result channel per path, both handed to the helper; the caller also waits on ctx.
func bothViaHelper(ctx context.Context) (int, error) {
	out := make(chan int)
	errc := make(chan error)
	fetchBoth(out, errc)
	select {
	case v := <-out:
		return v, nil
	case err := <-errc:
		return 0, err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}
