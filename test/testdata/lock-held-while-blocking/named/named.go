package fixtures

import "sync"

type Event struct {
	Key string
	Rev int64
}

// HandlerFunc is the named function type the hub's callback field is declared with.
type HandlerFunc func(Event)

// Hub dispatches events to the handler it registered for itself, through a named func type.
type Hub struct {
	mu      sync.Mutex
	last    map[string]int64
	events  chan Event
	handler HandlerFunc
}

func NewHub() *Hub {
	h := &Hub{last: map[string]int64{}, events: make(chan Event)}
	h.handler = h.apply
	go h.dispatch()
	return h
}

func (h *Hub) apply(e Event) {
	h.mu.Lock()
	h.last[e.Key] = e.Rev
	h.mu.Unlock()
}

func (h *Hub) dispatch() {
	for e := range h.events {
		h.handler(e)
	}
}

func (h *Hub) Publish(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events <- e // want "`h\\.events <- e` waits while holding `h\\.mu`, but the receiver `Hub\\.dispatch` \\(via `handler`\\) locks it between receives"
}

// Filter is a named type that is not a function: a field of it holds no callback.
type Filter struct{ keys map[string]bool }

// Relay stores a handler of a named func type that takes no lock of the relay. Its channel field
// has the same name as the hub's: the hub's channel is still the hub's own unbuffered make.
type Relay struct {
	mu      sync.Mutex
	events  chan Event
	handler HandlerFunc
	filter  Filter
}

func NewRelay(out chan<- Event) *Relay {
	r := &Relay{events: make(chan Event)}
	r.handler = func(e Event) { out <- e }
	go r.dispatch()
	return r
}

func (r *Relay) dispatch() {
	for e := range r.events {
		r.handler(e)
	}
}

// ok: the handler never locks r.mu
func (r *Relay) Publish(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events <- e // ok
}

// Mirror's field of the same name is buffered: a send under its lock may not wait, and that
// says nothing of the hub's channel.
type Mirror struct {
	mu     sync.Mutex
	events chan Event
	seen   int
}

func NewMirror() *Mirror {
	m := &Mirror{events: make(chan Event, 64)}
	go m.drain()
	return m
}

func (m *Mirror) drain() {
	for range m.events {
		m.mu.Lock()
		m.seen++
		m.mu.Unlock()
	}
}

// ok: buffered, the receiver catches up
func (m *Mirror) Publish(e Event) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events <- e // ok
}
