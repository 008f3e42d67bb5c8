//fixture:go 1.20

package raftnode

import "sync"

type Event struct {
	Key   string
	Value []byte
}

type watcher struct {
	key string
	ch  chan Event
}

type watchHub struct {
	mu       sync.RWMutex
	watchers map[string][]*watcher
	eventc   chan Event
	total    int
}

func newWatchHub() *watchHub {
	h := &watchHub{
		watchers: make(map[string][]*watcher),
		eventc:   make(chan Event),
	}
	go h.dispatch()
	return h
}

func (h *watchHub) count() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	n := 0
	for _, ws := range h.watchers {
		n += len(ws)
	}
	return n
}

// Stats read-locks the hub and then read-locks it again through count.
func (h *watchHub) Stats() (keys, watchers int) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.watchers), h.count() // want "read-lock|RLock"
}

// ok: one read lock, the count is done inline.
func (h *watchHub) StatsFixed() (keys, watchers int) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, ws := range h.watchers {
		watchers += len(ws)
	}
	return len(h.watchers), watchers
}

// dispatch fans events out; it needs the hub lock for every event.
func (h *watchHub) dispatch() {
	for ev := range h.eventc {
		h.mu.Lock()
		h.total++
		ws := h.watchers[ev.Key]
		h.mu.Unlock()
		for _, w := range ws {
			select {
			case w.ch <- ev:
			default:
			}
		}
	}
}

// Notify sends while holding the lock that dispatch must take before it can receive again.
func (h *watchHub) Notify(ev Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.watchers[ev.Key]) == 0 {
		return
	}
	h.eventc <- ev // want "held|holding|while .* locked"
}

// ok: the check is done under the lock, the send after releasing it.
func (h *watchHub) NotifyFixed(ev Event) {
	h.mu.RLock()
	interested := len(h.watchers[ev.Key]) > 0
	h.mu.RUnlock()
	if interested {
		h.eventc <- ev
	}
}

// relay forwards events until a bad one arrives, closing out twice on that path.
func relay(in <-chan Event, out chan<- Event) {
	defer close(out)
	for ev := range in {
		if ev.Key == "" {
			close(out) // want "closed twice|already closed|again|double close|second close"
			return
		}
		out <- ev
	}
}

// ok: the deferred close is the only one.
func relayFixed(in <-chan Event, out chan<- Event) {
	defer close(out)
	for ev := range in {
		if ev.Key == "" {
			return
		}
		out <- ev
	}
}

// ok: Watch registers under the lock; the buffered channel is handed to the caller.
func (h *watchHub) Watch(key string) <-chan Event {
	w := &watcher{key: key, ch: make(chan Event, 16)}
	h.mu.Lock()
	h.watchers[key] = append(h.watchers[key], w)
	h.mu.Unlock()
	return w.ch
}
