//fixture:go 1.20

package configwatch

import (
	"sync"
	"time"
)

type broadcaster struct {
	mu     sync.Mutex
	subs   map[int]chan *Config
	nextID int
	closed bool
}

func newBroadcaster() *broadcaster {
	return &broadcaster{subs: make(map[int]chan *Config)}
}

// ok: subscribe registers a buffered channel under the lock.
func (b *broadcaster) subscribe() (int, <-chan *Config) {
	b.mu.Lock()
	defer b.mu.Unlock()
	id := b.nextID
	b.nextID++
	ch := make(chan *Config, 1)
	b.subs[id] = ch
	return id, ch
}

// ok: unsubscribe closes the channel under the same lock that publish holds, once.
func (b *broadcaster) unsubscribe(id int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if ch, ok := b.subs[id]; ok {
		close(ch)
		delete(b.subs, id)
	}
}

// ok: publish never blocks while holding the lock: the newest config replaces a stale one.
func (b *broadcaster) publish(cfg *Config) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, ch := range b.subs {
		select {
		case ch <- cfg:
		default:
			select {
			case <-ch:
			default:
			}
			ch <- cfg
		}
	}
}

// shutdown closes every subscriber, then closes them again through unsubscribe.
func (b *broadcaster) shutdown() {
	b.mu.Lock()
	for _, ch := range b.subs {
		close(ch)
	}
	ids := make([]int, 0, len(b.subs))
	for id := range b.subs {
		ids = append(ids, id)
	}
	b.mu.Unlock()
	for _, id := range ids {
		b.unsubscribe(id) // want "closed twice|already closed|again|double close|second close"
	}
}

// ok: shutdown that removes each subscriber once.
func (b *broadcaster) shutdownFixed() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for id, ch := range b.subs {
		close(ch)
		delete(b.subs, id)
	}
	b.closed = true
}

// waitFirst waits for one subscriber to see a config, with a timeout that leaves the others sending.
func waitFirst(subs []<-chan *Config, timeout time.Duration) *Config {
	got := make(chan *Config)
	for _, s := range subs {
		go func(s <-chan *Config) {
			got <- <-s // want "blocks forever"
		}(s)
	}
	select {
	case c := <-got:
		return c
	case <-time.After(timeout):
		return nil
	}
}

// ok: each forwarder gives up when the caller is done.
func waitFirstFixed(subs []<-chan *Config, timeout time.Duration) *Config {
	got := make(chan *Config)
	done := make(chan struct{})
	defer close(done)
	for _, s := range subs {
		go func(s <-chan *Config) {
			select {
			case c := <-s:
				select {
				case got <- c:
				case <-done:
				}
			case <-done:
			}
		}(s)
	}
	select {
	case c := <-got:
		return c
	case <-time.After(timeout):
		return nil
	}
}
