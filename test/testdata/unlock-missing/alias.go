package fixtures

import (
	"errors"
	"sync"
)

type Topic struct {
	evtHandlerMux sync.RWMutex
	evtHandlers   map[*TopicEventHandler]struct{}
}

type TopicEventHandler struct {
	topic *Topic
	err   error
}

// ok: topic is t.topic, a pointer: the lock through one and the unlock through the other are the
// same mutex (go-libp2p-pubsub's Cancel; the defer fix would have unlocked it twice).
func (t *TopicEventHandler) Cancel() {
	topic := t.topic
	t.err = errors.New("cancelled")

	topic.evtHandlerMux.Lock()
	delete(topic.evtHandlers, t)
	t.topic.evtHandlerMux.Unlock()
}

// The alias is locked, and an early return leaves it locked.
func (t *TopicEventHandler) Remove(force bool) error {
	topic := t.topic
	topic.evtHandlerMux.Lock()
	if !force {
		return errors.New("refused") // want "leaves `topic.evtHandlerMux` locked"
	}
	delete(topic.evtHandlers, t)
	t.topic.evtHandlerMux.Unlock()
	return nil
}

type Topics struct {
	list []*Topic
}

// Taken through a local the analysis cannot tie to `ts.list[0]`: reported, but no defer fix,
// which would release the mutex a second time after the explicit release through `ts.list[0]`.
func (ts *Topics) Drop(h *TopicEventHandler) {
	first := ts.list[0]
	first.evtHandlerMux.Lock() // want "is never unlocked"
	h.err = nil
	ts.list[0].evtHandlerMux.Unlock()
}
