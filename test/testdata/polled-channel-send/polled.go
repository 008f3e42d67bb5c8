package stream

import (
	"context"
	"errors"
	"io"
)

type Stream interface {
	Send(b []byte) error
	Recv() ([]byte, error)
}

// containerd's window updates: the goroutine reports errors on an unbuffered field that Read
// only polls.
type readByteStream struct {
	stream Stream
	errCh  chan error
}

func ReadByteStream(ctx context.Context, s Stream) io.Reader {
	rbs := &readByteStream{stream: s, errCh: make(chan error)}
	go func() {
		for {
			if err := s.Send([]byte("window")); err != nil {
				if errors.Is(err, io.EOF) {
					rbs.errCh <- err // want "`rbs.errCh <- err` waits for `Read` to poll the channel \\(line 39\\), which never waits: once polling stops, the goroutine blocks forever"
					return
				}
				rbs.errCh <- err // ok: the same goroutine and channel, reported once
			}
		}
	}()
	return rbs
}

func (r *readByteStream) Read(p []byte) (int, error) {
	select {
	case err := <-r.errCh:
		return 0, err
	default:
	}
	b, err := r.stream.Recv()
	return copy(p, b), err
}

// A watcher started by a method, polled by another method.
type Watcher struct {
	errc chan error
	kick chan struct{}
}

func NewWatcher() *Watcher {
	w := &Watcher{}
	w.errc = make(chan error)
	w.kick = make(chan struct{})
	return w
}

func (w *Watcher) Start(check func() error) {
	go func() {
		if err := check(); err != nil {
			w.errc <- err // want "`w.errc <- err` waits for `Err` to poll the channel"
		}
	}()
	go func() {
		w.kick <- struct{}{} // want "`w.kick <- struct{}{}` waits for `Kicked` to poll the channel"
	}()
}

func (w *Watcher) Err() error {
	select {
	case err := <-w.errc:
		return err
	default:
		return nil
	}
}

// A poll among other cases, with a default.
func (w *Watcher) Kicked(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return false
	case <-w.kick:
		return true
	default:
		return false
	}
}

// Two goroutines on one channel: each is reported.
type Pool struct {
	results chan int
}

func NewPool() *Pool { return &Pool{results: make(chan int)} }

func (p *Pool) Run(a, b func() int) {
	go func() {
		p.results <- a() // want "`p.results <- a\\(\\)` waits for `TryResult` to poll the channel"
	}()
	go func() {
		p.results <- b() // want "`p.results <- b\\(\\)` waits for `TryResult` to poll the channel"
	}()
}

func (p *Pool) TryResult() (int, bool) {
	select {
	case v := <-p.results:
		return v, true
	default:
		return 0, false
	}
}

// A loop that keeps sending, polled from elsewhere.
type Ticker struct {
	ticks chan int
}

func NewTicker() *Ticker { return &Ticker{ticks: make(chan int)} }

func (t *Ticker) Run(n int) {
	go func() {
		for i := 0; i < n; i++ {
			t.ticks <- i // want "`t.ticks <- i` waits for `Poll` to poll the channel"
		}
	}()
}

func (t *Ticker) Poll() (int, bool) {
	select {
	case v := <-t.ticks:
		return v, true
	default:
		return 0, false
	}
}

// A value struct made by a literal with the field's channel.
type Job struct {
	done chan struct{}
}

func StartJob(work func()) *Job {
	j := &Job{done: make(chan struct{})}
	go func() {
		work()
		j.done <- struct{}{} // want "`j.done <- struct{}{}` waits for `Finished` to poll the channel"
	}()
	return j
}

func (j *Job) Finished() bool {
	select {
	case <-j.done:
		return true
	default:
		return false
	}
}

// A buffered channel holds the value: the goroutine exits. ok
type Buffered struct {
	errc chan error
}

func NewBuffered(check func() error) *Buffered {
	b := &Buffered{errc: make(chan error, 1)}
	go func() {
		b.errc <- check() // ok
	}()
	return b
}

func (b *Buffered) Err() error {
	select {
	case err := <-b.errc:
		return err
	default:
		return nil
	}
}

// Close waits for the value: a blocking receive exists. ok
type Drained struct {
	errc chan error
}

func NewDrained(check func() error) *Drained {
	d := &Drained{errc: make(chan error)}
	go func() {
		d.errc <- check() // ok
	}()
	return d
}

func (d *Drained) Err() error {
	select {
	case err := <-d.errc:
		return err
	default:
		return nil
	}
}

func (d *Drained) Close() error { return <-d.errc }

// Ranged over by a consumer. ok
type Feed struct {
	items chan int
}

func NewFeed() *Feed { return &Feed{items: make(chan int)} }

func (f *Feed) Produce(n int) {
	go func() {
		for i := 0; i < n; i++ {
			f.items <- i // ok
		}
	}()
}

func (f *Feed) TryOne() (int, bool) {
	select {
	case v := <-f.items:
		return v, true
	default:
		return 0, false
	}
}

func (f *Feed) Drain() {
	for range f.items {
	}
}

// The sender gives up itself: a select with default, or with a stop case. ok
type Notifier struct {
	ch chan struct{}
}

func NewNotifier() *Notifier { return &Notifier{ch: make(chan struct{})} }

func (n *Notifier) Notify(ctx context.Context) {
	go func() {
		select {
		case n.ch <- struct{}{}: // ok
		default:
		}
	}()
	go func() {
		select {
		case n.ch <- struct{}{}: // ok
		case <-ctx.Done():
		}
	}()
}

func (n *Notifier) Pending() bool {
	select {
	case <-n.ch:
		return true
	default:
		return false
	}
}

// The send runs on the caller's goroutine: not a goroutine left behind. ok
func (n *Notifier) NotifyNow() {
	n.ch <- struct{}{} // ok
}

// A channel whose make the package does not show: its buffer is unknown. ok
type External struct {
	events chan string
}

func (e *External) Watch(name string) {
	go func() {
		e.events <- name // ok
	}()
}

func (e *External) Next() (string, bool) {
	select {
	case v := <-e.events:
		return v, true
	default:
		return "", false
	}
}

// A local channel, not a field: goroutine-send-leak's case. ok
func firstOrNothing(work func() int) (int, bool) {
	ch := make(chan int)
	go func() {
		ch <- work() // ok
	}()
	select {
	case v := <-ch:
		return v, true
	default:
		return 0, false
	}
}

// A loop that polls between items: after the loop ends, a trigger blocks for good.
type Batcher struct {
	flush chan struct{}
}

func NewBatcher() *Batcher { return &Batcher{flush: make(chan struct{})} }

func (b *Batcher) Trigger() {
	go func() {
		b.flush <- struct{}{} // want "`b.flush <- struct{}{}` waits for `Loop` to poll the channel"
	}()
}

func (b *Batcher) Loop(items <-chan int, out func(int)) {
	for it := range items {
		out(it)
		select {
		case <-b.flush:
		default:
		}
	}
}
