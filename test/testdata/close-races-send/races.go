package fixtures

import (
	"strings"
	"sync"
	"time"
)

// A goroutine of the type feeds a channel that Close closes without waiting for it.
type Pipeline struct {
	in  chan string
	out chan string
}

func NewPipeline() *Pipeline {
	p := &Pipeline{in: make(chan string), out: make(chan string)}
	go p.run()
	return p
}

func (p *Pipeline) run() {
	for v := range p.in {
		p.out <- strings.ToUpper(v) // want "`p.out <- strings.ToUpper\\(v\\)` in the `run` goroutine can run after `Close` closes `p.out` \\(line 29\\) and panic"
	}
}

func (p *Pipeline) Close() {
	close(p.in)
	close(p.out)
}

// A select offers the send next to the stop case, and Close closes both.
type Stream struct {
	ch   chan []byte
	done chan struct{}
}

func (s *Stream) Send(b []byte) bool {
	select {
	case s.ch <- b: // want "`s.ch <- b` can be picked after `Close` closes `s.ch` \\(line 49\\) and panic, even with `<-s.done` ready"
		return true
	case <-s.done:
		return false
	}
}

func (s *Stream) Close() {
	close(s.done)
	close(s.ch)
}

// The sending goroutine is a literal started by a method.
type Watcher struct {
	src    chan string
	events chan string
}

func (w *Watcher) Start() {
	go func() {
		for ev := range w.src {
			w.events <- ev // want "in a goroutine started by `Start` can run after `Stop` closes `w.events`"
		}
	}()
}

func (w *Watcher) Stop() {
	close(w.events)
}

// Started from inside a goroutine literal.
type Ticker struct {
	ticks chan time.Time
	stop  chan struct{}
}

func (t *Ticker) Start() {
	go func() {
		t.loop()
	}()
}

func (t *Ticker) loop() {
	tk := time.NewTicker(time.Second)
	defer tk.Stop()
	for {
		select {
		case now := <-tk.C:
			t.ticks <- now // want "the `loop` goroutine can run after `Stop` closes `t.ticks`"
		case <-t.stop:
			return
		}
	}
}

func (t *Ticker) Stop() {
	close(t.stop)
	close(t.ticks)
}

// Closing both channels once does not order the select either.
type Feed struct {
	once    sync.Once
	items   chan int
	closing chan struct{}
}

func (f *Feed) Publish(n int) {
	select {
	case f.items <- n: // want "can be picked after `Close` closes `f.items`"
	case <-f.closing:
	}
}

func (f *Feed) Close() {
	f.once.Do(func() {
		close(f.closing)
		close(f.items)
	})
}

// A deferred close in the closer waits for nothing either.
type Batcher struct {
	batches chan []int
	quit    chan struct{}
}

func (b *Batcher) Start() { go b.flushLoop() }

func (b *Batcher) flushLoop() {
	var buf []int
	for {
		select {
		case <-b.quit:
			return
		case <-time.After(time.Second):
			b.batches <- buf // want "the `flushLoop` goroutine can run after `Shutdown` closes `b.batches`"
			buf = nil
		}
	}
}

func (b *Batcher) Shutdown() {
	defer close(b.batches)
	close(b.quit)
}

// The closer is a helper of Close.
type Relay struct {
	msgs chan string
	stop chan struct{}
}

func (r *Relay) Forward(m string) {
	select {
	case r.msgs <- m: // want "can be picked after `shutdown` closes `r.msgs`"
	case <-r.stop:
	}
}

func (r *Relay) Close() { r.shutdown() }

func (r *Relay) shutdown() {
	close(r.stop)
	close(r.msgs)
}

// A value per tick from a goroutine the constructor starts.
type Sampler struct {
	samples chan float64
}

func NewSampler() *Sampler {
	s := &Sampler{samples: make(chan float64)}
	go s.sample()
	return s
}

func (s *Sampler) sample() {
	for range time.Tick(time.Second) {
		s.samples <- 1.0 // want "the `sample` goroutine can run after `Close` closes `s.samples`"
	}
}

func (s *Sampler) Close() { close(s.samples) }

// The listener releases a latch, but the closer does not wait on it.
type Tap struct {
	listenerClosed sync.Mutex
	events         chan int
	shutdown       chan struct{}
}

func NewTap() *Tap {
	t := &Tap{events: make(chan int, 10), shutdown: make(chan struct{})}
	t.listenerClosed.Lock()
	go t.statusListener()
	go t.netlinkListener()
	return t
}

func (t *Tap) statusListener() {
	defer t.listenerClosed.Unlock()
	for {
		select {
		case <-time.After(time.Second):
			t.events <- 1 // want "can run after `netlinkListener` closes `t.events`"
		case <-t.shutdown:
			return
		}
	}
}

func (t *Tap) netlinkListener() {
	defer close(t.events)
	for t.readMessage() {
	}
}

func (t *Tap) readMessage() bool { return false }

// One caller closes without waiting for the goroutines that send.
type asyncResult struct {
	respChan chan int
}

func (a *asyncResult) Send(r int) {
	a.respChan <- r // want "can run after `SendComplete` closes `a.respChan`"
}

func (a *asyncResult) SendComplete() {
	close(a.respChan)
}

func shardEarly(n int) *asyncResult {
	resp := &asyncResult{respChan: make(chan int)}
	go func() {
		defer resp.SendComplete()
		for i := 0; i < n; i++ {
			go resp.Send(i)
		}
	}()
	return resp
}
