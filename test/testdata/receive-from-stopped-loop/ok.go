package fixtures

import (
	"context"
	"errors"
)

// ok: Feed closes its channel when its loop returns: receivers see the end.
type Feed struct {
	items chan string
	quit  chan struct{}
	next  func() string
}

func NewFeed(next func() string) *Feed {
	f := &Feed{items: make(chan string), quit: make(chan struct{}), next: next}
	go f.loop()
	return f
}

func (f *Feed) loop() {
	defer close(f.items)
	for {
		select {
		case f.items <- f.next():
		case <-f.quit:
			return
		}
	}
}

func (f *Feed) Next() (string, bool) {
	v, ok := <-f.items // ok
	return v, ok
}

func (f *Feed) All() []string {
	var out []string
	for v := range f.items { // ok
		out = append(out, v)
	}
	return out
}

// ok: Ticker's receivers give up with the loop.
type Ticker struct {
	ticks chan int
	done  chan struct{}
}

func (t *Ticker) run() {
	n := 0
	for {
		n++
		select {
		case t.ticks <- n:
		case <-t.done:
			return
		}
	}
}

func (t *Ticker) Next() (int, error) {
	select {
	case n := <-t.ticks: // ok
		return n, nil
	case <-t.done:
		return 0, errors.New("stopped")
	}
}

// ok: a receive that does not wait.
func (t *Ticker) Poll() (int, bool) {
	select {
	case n := <-t.ticks: // ok
		return n, true
	default:
		return 0, false
	}
}

// ok: Stream has a second sender, so the loop is not the only one that can wake a receiver.
type Stream struct {
	data chan []byte
	stop chan struct{}
	read func() []byte
}

func (s *Stream) pump() {
	for {
		select {
		case s.data <- s.read():
		case <-s.stop:
			return
		}
	}
}

func (s *Stream) Inject(b []byte) { s.data <- b }

func (s *Stream) Read() []byte {
	return <-s.data // ok
}

// ok: Clock's loop never stops.
type Clock struct {
	now chan int64
}

func (c *Clock) run() {
	var t int64
	for {
		t++
		select {
		case c.now <- t:
		}
	}
}

func (c *Clock) Now() int64 {
	return <-c.now // ok
}

// ok: Close stops the loop and closes the channel.
type Results struct {
	out  chan error
	stop chan struct{}
}

func (r *Results) run(ctx context.Context) {
	for {
		select {
		case r.out <- ctx.Err():
		case <-r.stop:
			return
		}
	}
}

func (r *Results) Close() {
	close(r.stop)
	close(r.out)
}

func (r *Results) Next() error {
	return <-r.out // ok
}

// ok: the receiver watches the loop's stop channel itself before receiving.
type Gate struct {
	open chan struct{}
	stop chan struct{}
}

func (g *Gate) run() {
	for {
		select {
		case g.open <- struct{}{}:
		case <-g.stop:
			return
		}
	}
}

func (g *Gate) Pass() bool {
	select {
	case <-g.stop:
		return false
	default:
	}
	<-g.open // ok
	return true
}

// ok: Other has a field named like Source's, which Source's loop does not send on.
type Other struct {
	out chan int
}

func (o *Other) Next() int {
	return <-o.out // ok
}

// ok: the loop's own function receives what it sent (a test of the loop by itself).
func (s *Source) roundTrip() int {
	go s.run()
	return <-s.out // ok
}

// GlobalContext is cancelled only as the process exits.
var GlobalContext context.Context

// ok: the lock holder's loop stops only with a context every caller fills with GlobalContext
// (minio's shared leader lock): receivers block only while the process exits.
type sharedLock struct {
	lockContext chan context.Context
}

func newSharedLock(ctx context.Context) *sharedLock {
	l := &sharedLock{lockContext: make(chan context.Context)}
	go l.backgroundRoutine(ctx)
	return l
}

func (l *sharedLock) backgroundRoutine(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case l.lockContext <- ctx:
		}
	}
}

func (l *sharedLock) GetLock() context.Context {
	return <-l.lockContext // ok
}

func leaderLock() *sharedLock { return newSharedLock(GlobalContext) }

// ok: Decoder closes its channel in a callback its constructor stores, through the local it
// builds (minio's simdjson reader).
type Decoder struct {
	decoded chan string
	exit    chan struct{}
	onExit  func()
	next    func() string
}

func NewDecoder(next func() string) *Decoder {
	d := Decoder{decoded: make(chan string, 16), exit: make(chan struct{}), next: next}
	d.onExit = func() {
		close(d.decoded)
	}
	go d.run()
	return &d
}

func (d *Decoder) run() {
	defer d.onExit()
	for {
		select {
		case <-d.exit:
			return
		case d.decoded <- d.next():
		}
	}
}

func (d *Decoder) Read() (string, bool) {
	v, ok := <-d.decoded // ok
	return v, ok
}
