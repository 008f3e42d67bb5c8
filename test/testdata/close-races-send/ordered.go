package fixtures

import (
	"sync"
	"sync/atomic"
	"time"
)

// ok: Close waits for the sending goroutines before it closes.
type Workers struct {
	wg      sync.WaitGroup
	jobs    chan int
	results chan int
}

func (w *Workers) Start(n int) {
	for i := 0; i < n; i++ {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for j := range w.jobs {
				w.results <- j * 2 // ok: Close waits for the workers first
			}
		}()
	}
}

func (w *Workers) Close() {
	close(w.jobs)
	w.wg.Wait()
	close(w.results)
}

// ok: Close waits for the loop's exit signal before it closes.
type Loop struct {
	out    chan int
	quit   chan struct{}
	exited chan struct{}
}

func (l *Loop) Start() { go l.run() }

func (l *Loop) run() {
	defer close(l.exited)
	for i := 0; ; i++ {
		select {
		case l.out <- i: // ok: the loop has exited when Close closes out
		case <-l.quit:
			return
		}
	}
}

func (l *Loop) Close() {
	close(l.quit)
	<-l.exited
	close(l.out)
}

// ok: the only sender closes, after its last send.
type Gen struct {
	out chan int
}

func (g *Gen) Start(n int) {
	go g.produce(n)
}

func (g *Gen) produce(n int) {
	defer close(g.out)
	for i := 0; i < n; i++ {
		g.out <- i // ok: closed by the same goroutine
	}
}

// ok: the send and the close agree under one lock, with a flag.
type Bus struct {
	mu     sync.Mutex
	closed bool
	ch     chan string
}

func (b *Bus) Start(src chan string) {
	go func() {
		for m := range src {
			b.mu.Lock()
			if !b.closed {
				b.ch <- m // ok: Close takes the same lock
			}
			b.mu.Unlock()
		}
	}()
}

func (b *Bus) Close() {
	b.mu.Lock()
	b.closed = true
	close(b.ch)
	b.mu.Unlock()
}

// ok: an atomic flag tells the goroutine the channel is closed.
type Pump struct {
	stopped atomic.Bool
	ch      chan int
}

func (p *Pump) Start() {
	go func() {
		for i := 0; ; i++ {
			if p.stopped.Load() {
				return
			}
			p.ch <- i // ok: the author checks a flag
		}
	}()
}

func (p *Pump) Stop() {
	p.stopped.Store(true)
	close(p.ch)
}

// ok: only the done channel is closed; nobody sends on it.
type Server struct {
	reqs chan int
	done chan struct{}
}

func (s *Server) Submit(r int) bool {
	select {
	case s.reqs <- r: // ok: reqs is never closed
		return true
	case <-s.done:
		return false
	}
}

func (s *Server) Close() { close(s.done) }

// ok: an exported Send without a select is the caller's contract ("do not Send after Close").
type Queue struct {
	items chan int
}

func (q *Queue) Push(n int) {
	q.items <- n // ok: not a goroutine of the type, no stop case
}

func (q *Queue) Close() { close(q.items) }

// ok: the goroutine recovers from the panic on purpose.
type Emitter struct {
	events chan string
}

func (e *Emitter) Start(src chan string) {
	go func() {
		defer func() { _ = recover() }()
		for s := range src {
			e.events <- s // ok: recovers
		}
	}()
}

func (e *Emitter) Close() { close(e.events) }

// ok: Close waits through a helper that receives the exit signal.
type Tailer struct {
	lines  chan string
	quit   chan struct{}
	exited chan struct{}
}

func (t *Tailer) Start() { go t.follow() }

func (t *Tailer) follow() {
	defer close(t.exited)
	for {
		select {
		case t.lines <- "line": // ok: Close waits in stopAndWait
		case <-t.quit:
			return
		}
	}
}

func (t *Tailer) stopAndWait() {
	close(t.quit)
	<-t.exited
}

func (t *Tailer) Close() {
	t.stopAndWait()
	close(t.lines)
}

// ok: the goroutine closes the channel itself, through a method it calls on its way out.
type Reader struct {
	data chan []byte
}

func (r *Reader) Start() { go r.read() }

func (r *Reader) read() {
	defer r.finish()
	for i := 0; i < 3; i++ {
		r.data <- nil // ok: finish runs on this goroutine, after the sends
	}
}

func (r *Reader) finish() { close(r.data) }

// ok: the closer either starts the goroutine that sends and then closes, or closes itself (etcd's watch substreams).
type Substream struct {
	outc   chan int
	failed bool
}

func (s *Substream) sendLast(v int) {
	select {
	case s.outc <- v: // ok: this goroutine closes outc after its send
	case <-time.After(time.Second):
	}
	close(s.outc)
}

func (s *Substream) finish() {
	if s.failed {
		go s.sendLast(1)
	} else {
		close(s.outc)
	}
}

// ok: a one-shot signal that Wait receives; Close comes after (traefik's server).
type Daemon struct {
	stopc chan bool
}

func (d *Daemon) Wait() { <-d.stopc }

func (d *Daemon) Stop() {
	d.stopc <- true // ok: received by Wait before Close runs
}

func (d *Daemon) Close() { close(d.stopc) }

func (d *Daemon) onSignal() { go d.Stop() }

// ok: the listener holds a lock its starter took for its whole run and releases it as it
// returns; the closer takes that lock before it closes, so it closes after the last send
// (wireguard-go's TUN events and hackListenerClosed).
type Tun struct {
	listenerClosed sync.Mutex
	events         chan int
	shutdown       chan struct{}
}

func NewTun() *Tun {
	t := &Tun{events: make(chan int, 10), shutdown: make(chan struct{})}
	t.listenerClosed.Lock()
	go t.statusListener()
	go t.netlinkListener()
	return t
}

func (t *Tun) statusListener() {
	defer t.listenerClosed.Unlock()
	for {
		select {
		case <-time.After(time.Second):
			t.events <- 1 // ok: the close waits for the unlock after the last send
		case <-t.shutdown:
			return
		}
	}
}

func (t *Tun) netlinkListener() {
	defer func() {
		t.listenerClosed.Lock()
		close(t.events)
	}()
	for t.readMessage() {
	}
}

func (t *Tun) readMessage() bool { return false }

// ok: every call of SendComplete comes after its caller waited for the senders (tempo's async
// sharders).
type asyncResponse struct {
	respChan chan int
}

func (a *asyncResponse) Send(r int) {
	a.respChan <- r // ok: SendComplete is only called once the sending is done
}

func (a *asyncResponse) SendComplete() {
	close(a.respChan)
}

func shard(n int) *asyncResponse {
	resp := &asyncResponse{respChan: make(chan int)}
	var wg sync.WaitGroup
	go func() {
		defer resp.SendComplete()
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				resp.Send(i)
			}(i)
		}
		wg.Wait()
	}()
	return resp
}
