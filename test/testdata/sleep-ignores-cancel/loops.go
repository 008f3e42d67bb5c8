package fixtures

import (
	"context"
	"errors"
	"time"

	"golang.org/x/sync/errgroup"
)

type Status struct {
	Done bool
}

type Client struct{}

// Status fails once ctx is done (a stub that never failed would make every retry pause dead code).
func (c *Client) Status(ctx context.Context, _ string) (Status, error) { return Status{}, ctx.Err() }

func (c *Client) Send(context.Context, []byte) error { return nil }

// Polling with a fixed pause.
func pollStatus(ctx context.Context, c *Client, id string) (Status, error) {
	for {
		st, err := c.Status(ctx, id)
		if err != nil || st.Done {
			return st, err
		}
		time.Sleep(5 * time.Second) // want "`time\\.Sleep\\(5 \\* time\\.Second\\)` in a loop ignores `ctx`: cancelling `ctx` does not cut the sleep short"
	}
}

// Retry with exponential backoff.
func sendWithRetry(ctx context.Context, c *Client, msg []byte) error {
	backoff := 100 * time.Millisecond
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if err = c.Send(ctx, msg); err == nil {
			return nil
		}
		time.Sleep(backoff) // want "`time.Sleep\\(backoff\\)`"
		backoff *= 2
	}
	return err
}

// A background refresher goroutine.
func startRefresher(ctx context.Context, refresh func(context.Context)) {
	go func() {
		for {
			refresh(ctx)
			time.Sleep(time.Minute) // want "ignores `ctx`"
		}
	}()
}

// Checking ctx.Err() between iterations does not interrupt the sleep.
func heartbeat(ctx context.Context, beat func()) error {
	for ctx.Err() == nil {
		beat()
		time.Sleep(10 * time.Second) // want "cancelling `ctx` does not cut the sleep short"
	}
	return ctx.Err()
}

// ok: pacing over a list with a short pause; each ping takes ctx and fails at once once it
// is cancelled, so a cancelled caller waits one pause at most per host.
func pingAll(ctx context.Context, hosts []string, ping func(context.Context, string)) {
	for _, h := range hosts {
		ping(ctx, h)
		time.Sleep(100 * time.Millisecond)
	}
}

// The errgroup's context is the nearest one.
func mirror(ctx context.Context, c *Client, batches [][]byte) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		for _, b := range batches {
			if err := c.Send(gctx, b); err != nil {
				return err
			}
			time.Sleep(time.Second) // want "ignores `gctx`"
		}
		return nil
	})
	return g.Wait()
}

// After the group's Wait its context is cancelled; the commit loop works under ctx, and the
// finding names the context the loop passes on (ollama's upload commit).
func commitAfterParts(ctx context.Context, c *Client, parts [][]byte) error {
	g, inner := errgroup.WithContext(ctx)
	for _, p := range parts {
		g.Go(func() error { return c.Send(inner, p) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	var err error
	for try := 0; try < 5; try++ {
		if err = c.Send(ctx, nil); err == nil {
			break
		}
		time.Sleep(time.Duration(try) * time.Second) // want "ignores `ctx`: cancelling `ctx`"
	}
	return err
}

type Syncer struct{ c *Client }

// ok: a short pause between sends that take ctx: a cancelled Send returns at once, and so does Run.
func (s *Syncer) Run(ctx context.Context, items [][]byte) (n int, err error) {
	for _, it := range items {
		if err = s.c.Send(ctx, it); err != nil {
			return n, err
		}
		n++
		time.Sleep(50 * time.Millisecond)
	}
	return n, nil
}

// The last result is not an error: reported without a fix.
func countReady(ctx context.Context, c *Client, ids []string) int {
	n := 0
	for _, id := range ids {
		if st, _ := c.Status(ctx, id); st.Done {
			n++
		}
		time.Sleep(time.Second) // want "ignores `ctx`"
	}
	return n
}

// A deadline context made here.
func waitReady(parent context.Context, c *Client, id string) error {
	ctx, cancel := context.WithTimeout(parent, time.Minute)
	defer cancel()
	for {
		st, err := c.Status(ctx, id)
		if err != nil {
			return err
		}
		if st.Done {
			return nil
		}
		time.Sleep(2 * time.Second) // want "`time\\.Sleep\\(2 \\* time\\.Second\\)` in a loop ignores `ctx`: cancelling `ctx` does not cut the sleep short"
	}
}

// A short pause, but nothing else in the loop looks at ctx: the loop can never be cancelled.
func waitUntil(ctx context.Context, ready func() bool) error {
	for !ready() {
		time.Sleep(10 * time.Millisecond) // want "ignores `ctx`"
	}
	return nil
}

// ok: a brief pause in a loop that checks ctx itself delays cancellation by 20ms at most.
func spinChecked(ctx context.Context, ready func() bool) error {
	for !ready() {
		if err := ctx.Err(); err != nil {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

// Work after the loop would be skipped by a return, and the loop never checks ctx: no fix.
func flushAll(ctx context.Context, c *Client, batches [][]byte, done func()) error {
	for _, b := range batches {
		_ = c.Send(ctx, b)
		time.Sleep(time.Second) // want "ignores `ctx`"
	}
	done()
	return nil
}

// ok: the pause already watches the context.
func pollSelect(ctx context.Context, c *Client, id string) error {
	for {
		if st, err := c.Status(ctx, id); err != nil || st.Done {
			return err
		}
		select {
		case <-time.After(time.Second):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// ok: a single delay, not a loop.
func delayedSend(ctx context.Context, c *Client, msg []byte) error {
	time.Sleep(time.Second)
	return c.Send(ctx, msg)
}

// ok: no context to honour.
func spin(check func() bool) {
	for !check() {
		time.Sleep(time.Millisecond)
	}
}

// ok: a background context is never cancelled.
func backgroundPoll(c *Client, id string) {
	ctx := context.Background()
	for {
		if st, _ := c.Status(ctx, id); st.Done {
			return
		}
		time.Sleep(time.Second)
	}
}

// ok: the sleep runs in a closure without a loop of its own.
func deferredPause(ctx context.Context, jobs []func()) {
	for _, j := range jobs {
		func() {
			defer time.Sleep(time.Millisecond)
			j()
		}()
		_ = ctx
	}
}

// ok: main's context ends with the process anyway.
func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i := 0; i < 3; i++ {
		time.Sleep(time.Second)
		_ = ctx
	}
}

type fakeClock struct{}

func (fakeClock) Sleep(time.Duration) {}

// ok: not time.Sleep.
func withClock(ctx context.Context, clock fakeClock) error {
	for i := 0; i < 3; i++ {
		clock.Sleep(time.Second)
	}
	return errors.New("gave up")
}

func removeDevice(name string) error { return nil }

// ok: three attempts with short pauses hold a cancelled caller up by well under a second
// (containerd devmapper's device removal retries).
func removeWithRetry(ctx context.Context, name string) error {
	var err error
	for i := 0; i < 3; i++ {
		if err = removeDevice(name); err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = ctx
	return err
}

// The context check is the loop's condition: every round passes it, so waking early is enough.
func pollChecked(ctx context.Context, c *Client, id string) {
	for ctx.Err() == nil {
		if st, err := c.Status(ctx, id); err == nil && st.Done {
			return
		}
		time.Sleep(3 * time.Second) // want "ignores `ctx`"
	}
}

// The error path sleeps and goes round with `continue`, past the only ctx check: waking early
// would make it spin, and a return is not certainly right, so there is no fix.
func pollSkipping(ctx context.Context, c *Client, id string, out chan<- Status) {
	for {
		st, err := c.Status(ctx, id)
		if err != nil {
			time.Sleep(15 * time.Second) // want "ignores `ctx`"
			continue
		}
		select {
		case out <- st:
		case <-ctx.Done():
			return
		}
	}
}

// ok: five attempts with short pauses (a range over an integer) hold a cancelled caller up briefly.
func settle(ctx context.Context, c *Client, id string) error {
	var err error
	for range 5 {
		if _, err = c.Status(ctx, id); err == nil {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return err
}

// ok: the progress printer never uses ctx; the context was made for one call before it started.
func progress(parent context.Context, c *Client, id string, ticks int) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	_, _ = c.Status(ctx, id)
	cancel()
	go func() {
		for i := 0; i < ticks; i++ {
			time.Sleep(5 * time.Second)
			println(i)
		}
	}()
}

const retryDelay = 100 * time.Millisecond

// ok: a short pause named by a constant, in a counted retry loop.
func removeRetrying(ctx context.Context, c *Client, id string) error {
	var err error
	for i := 0; i < 10; i++ {
		if _, err = c.Status(ctx, id); err == nil {
			return nil
		}
		time.Sleep(retryDelay)
	}
	return err
}

// Cleanup that must finish: reported, but no fix that would stop it half way.
func ResumeDevice(ctx context.Context, c *Client, id string) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if _, err = c.Status(ctx, id); err == nil {
			return nil
		}
		time.Sleep(time.Duration(attempt) * time.Second) // want "ignores `ctx`"
	}
	return err
}

// ok: a short pause held in a local that is never reassigned, in a counted loop.
func retryLocal(ctx context.Context, c *Client, id string) error {
	var (
		tries = 50
		delay = 100 * time.Millisecond
		err   error
	)
	for i := 0; i < tries; i++ {
		if _, err = c.Status(ctx, id); err == nil {
			return nil
		}
		time.Sleep(delay)
	}
	return err
}

func render(ctx context.Context) { <-ctx.Done() }

// ok: ctx ends only when monitor returns (its cancel is only deferred), so nothing can cancel it
// during the sleep (nomad deployment monitor); render, which it is handed to, sees it end.
func monitor(c *Client, id string, backoff time.Duration) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go render(ctx)
	for {
		st, err := c.Status(ctx, id)
		if err != nil || st.Done {
			return err
		}
		time.Sleep(backoff)
	}
}

// The cancel also runs when the user interrupts: that can happen during the sleep.
func monitorInterruptible(c *Client, id string, backoff time.Duration, interrupted <-chan struct{}) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-interrupted
		cancel()
	}()
	for {
		st, err := c.Status(ctx, id)
		if err != nil || st.Done {
			return err
		}
		time.Sleep(backoff) // want "ignores `ctx`"
	}
}
