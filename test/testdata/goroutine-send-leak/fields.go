package fixtures

import (
	"context"
	"errors"
	"time"
)

var errBindTimeout = errors.New("bind timed out")

type bindResult struct {
	pod string
	err error
}

type binder struct {
	results chan bindResult
	bind    func(pod string) error
}

func newBinder(bind func(string) error) *binder {
	return &binder{results: make(chan bindResult), bind: bind}
}

func (b *binder) bindAsync(pod string) {
	b.results <- bindResult{pod: pod, err: b.bind(pod)} // want "`b\\.results <- bindResult\\{pod:\\.\\.\\.` blocks once Bind stops receiving \\(`case"
}

// Bind hands the work to a goroutine and gives up after timeout.
func (b *binder) Bind(pod string, timeout time.Duration) error {
	go b.bindAsync(pod)
	select {
	case r := <-b.results:
		return r.err
	case <-time.After(timeout):
		return errBindTimeout
	}
}

type cache struct {
	replies chan string
	fetch   func(key string) string
}

func newCache(fetch func(string) string) *cache {
	c := &cache{fetch: fetch}
	c.replies = make(chan string)
	return c
}

// Get sends from a literal goroutine and stops waiting when ctx ends.
func (c *cache) Get(ctx context.Context, key string) (string, error) {
	go func() {
		c.replies <- c.fetch(key) // want "`c\\.replies <- c\\.fetch\\(key\\)` blocks once Get stops receiving \\(`case <-ctx\\.Done\\(\\)`\\): nothing"
	}()
	select {
	case v := <-c.replies:
		return v, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

type poller struct {
	answers chan int
	ask     func() int
}

func newPoller(ask func() int) *poller {
	return &poller{answers: make(chan int), ask: ask}
}

// ok: a run loop elsewhere also receives from the field.
func (p *poller) Poll(timeout time.Duration) (int, bool) {
	go func() {
		p.answers <- p.ask()
	}()
	select {
	case v := <-p.answers:
		return v, true
	case <-time.After(timeout):
		return 0, false
	}
}

func (p *poller) drain() {
	for range p.answers {
	}
}

type buffered struct {
	out chan int
	run func() int
}

func newBuffered(run func() int) *buffered {
	return &buffered{out: make(chan int, 1), run: run}
}

// ok: the field has room for the one value.
func (b *buffered) Do(timeout time.Duration) (int, bool) {
	go func() {
		b.out <- b.run()
	}()
	select {
	case v := <-b.out:
		return v, true
	case <-time.After(timeout):
		return 0, false
	}
}

type retrier struct {
	res chan error
	try func() error
}

func newRetrier(try func() error) *retrier {
	return &retrier{res: make(chan error), try: try}
}

// ok: after the timeout the method still waits for the result.
func (r *retrier) Run(timeout time.Duration) error {
	go func() {
		r.res <- r.try()
	}()
	select {
	case err := <-r.res:
		return err
	case <-time.After(timeout):
	}
	return <-r.res
}

type fanout struct {
	got  chan string
	call func(i int) string
}

func newFanout(call func(int) string) *fanout {
	return &fanout{got: make(chan string), call: call}
}

// ok: several goroutines per call: a count question the field shape does not answer.
func (f *fanout) First(n int, timeout time.Duration) (string, bool) {
	for i := 0; i < n; i++ {
		go func(i int) {
			f.got <- f.call(i)
		}(i)
	}
	select {
	case s := <-f.got:
		return s, true
	case <-time.After(timeout):
		return "", false
	}
}

type shared struct {
	done chan error
	work func() error
}

func newShared(work func() error) *shared {
	return &shared{done: make(chan error), work: work}
}

func (s *shared) runWork() {
	s.done <- s.work()
}

// ok: runWork is also started by Start, whose value someone else may take.
func (s *shared) Wait(timeout time.Duration) error {
	go s.runWork()
	select {
	case err := <-s.done:
		return err
	case <-time.After(timeout):
		return errBindTimeout
	}
}

func (s *shared) Start() {
	go s.runWork()
}

type handed struct {
	ch   chan int
	work func() int
}

func newHanded(work func() int) *handed {
	return &handed{ch: make(chan int), work: work}
}

// ok: the field is handed to other code, which may receive.
func (h *handed) Compute(timeout time.Duration, watch func(chan int)) (int, bool) {
	watch(h.ch)
	go func() {
		h.ch <- h.work()
	}()
	select {
	case v := <-h.ch:
		return v, true
	case <-time.After(timeout):
		return 0, false
	}
}

type guarded struct {
	out  chan int
	quit chan struct{}
	work func() int
}

func newGuarded(work func() int) *guarded {
	return &guarded{out: make(chan int), quit: make(chan struct{}), work: work}
}

// ok: the sender gives up on quit too.
func (g *guarded) Compute(timeout time.Duration) (int, bool) {
	go func() {
		select {
		case g.out <- g.work():
		case <-g.quit:
		}
	}()
	select {
	case v := <-g.out:
		return v, true
	case <-time.After(timeout):
		return 0, false
	}
}
