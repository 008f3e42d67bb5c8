package fixtures

import (
	"log"
	"sync"
)

type hub struct {
	mu     sync.Mutex
	wg     sync.WaitGroup
	closed bool
	events chan string
}

func newHub() *hub {
	return &hub{events: make(chan string, 64)}
}

func (h *hub) publish(e string) {
	defer h.wg.Done()
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.events <- e
	}
}

func (h *hub) Publish(es []string) {
	for _, e := range es {
		h.wg.Add(1)
		go h.publish(e)
	}
}

// ok: senders check a flag under the same mutex that guards the close.
func (h *hub) Close() {
	h.mu.Lock()
	h.closed = true
	close(h.events)
	h.mu.Unlock()
	h.wg.Wait()
}

// ok: the senders recover from a send on a closed channel.
func bestEffort(msgs []string) {
	out := make(chan string, 1)
	var wg sync.WaitGroup
	for _, m := range msgs {
		wg.Add(1)
		go func(m string) {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					log.Print("dropped ", m)
				}
			}()
			out <- m
		}(m)
	}
	close(out)
	wg.Wait()
}

func waitAll(wg *sync.WaitGroup) {
	wg.Wait()
}

// ok: a helper waits for the senders before the close.
func viaHelper(msgs []string) {
	out := make(chan string, len(msgs))
	var wg sync.WaitGroup
	for _, m := range msgs {
		wg.Add(1)
		go func(m string) {
			defer wg.Done()
			out <- m
		}(m)
	}
	waitAll(&wg)
	close(out)
}

type group struct {
	wg  sync.WaitGroup
	out chan int
}

func (g *group) drain() {
	g.wg.Wait()
}

// ok: a method of the same type waits before the close.
func (g *group) run(n int) {
	g.out = make(chan int, n)
	for i := 0; i < n; i++ {
		g.wg.Add(1)
		go func(i int) {
			defer g.wg.Done()
			g.out <- i
		}(i)
	}
	g.drain()
	close(g.out)
}
