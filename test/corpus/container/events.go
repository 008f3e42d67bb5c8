package container

import (
	"sync"
	"time"
)

type Message struct {
	ID     string
	Action string
	Time   time.Time
}

type Events struct {
	mu     sync.Mutex
	subs   map[chan Message]struct{}
	closed bool
	logc   chan Message
}

func NewEvents() *Events {
	e := &Events{subs: make(map[chan Message]struct{}), logc: make(chan Message, 128)}
	go e.drainLog()
	return e
}

func (e *Events) Subscribe() chan Message {
	ch := make(chan Message)
	e.mu.Lock()
	e.subs[ch] = struct{}{}
	e.mu.Unlock()
	return ch
}

func (e *Events) Unsubscribe(ch chan Message) {
	e.mu.Lock()
	delete(e.subs, ch)
	e.mu.Unlock()
}

// Publish blocks on each subscriber while holding e.mu; a subscriber that unsubscribes first
// waits for e.mu, and Publish waits for it.
func (e *Events) Publish(m Message) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for ch := range e.subs {
		ch <- m // want "held|holding|while .* locked"
	}
}

// ok: sends are non-blocking, so holding the lock cannot deadlock.
func (e *Events) PublishNonBlocking(m Message) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for ch := range e.subs {
		select {
		case ch <- m:
		default:
		}
	}
}

// consume reads until it sees a "die" event, then unsubscribes.
func consume(e *Events, handle func(Message)) {
	ch := e.Subscribe()
	for m := range ch {
		handle(m)
		if m.Action == "die" {
			e.Unsubscribe(ch)
			return
		}
	}
}

func (e *Events) drainLog() {
	for range e.logc {
	}
}

// Close closes the log channel; Log keeps sending on it without checking.
func (e *Events) Close() {
	e.mu.Lock()
	e.closed = true
	close(e.logc)
	e.mu.Unlock()
}

func (e *Events) Log(m Message) {
	e.logc <- m // want "closed"
}

// ok: the send is guarded by the closed flag under the same lock that Close takes.
func (e *Events) LogChecked(m Message) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return false
	}
	select {
	case e.logc <- m:
		return true
	default:
		return false
	}
}
