package mesh

import (
	"sync"
	"testing"
	"time"
)

func TestPushQueueConcurrent(t *testing.T) {
	p := NewPushQueue()
	c := &Connection{ID: "proxy-1"}
	go func() {
		_, ev, shutdown := p.DequeueFixed()
		if shutdown {
			t.Fatal("queue shut down early") // want "Fatal"
		}
		if ev.Version != "v1" {
			t.Errorf("got version %q", ev.Version)
		}
	}()
	p.Enqueue(c, &PushEvent{Version: "v1"})
	time.Sleep(10 * time.Millisecond)
}

// ok: failures are sent back to the test goroutine, which calls Fatal.
func TestPushQueueConcurrentFixed(t *testing.T) {
	p := NewPushQueue()
	c := &Connection{ID: "proxy-1"}
	errc := make(chan string, 1)
	go func() {
		_, ev, shutdown := p.DequeueFixed()
		switch {
		case shutdown:
			errc <- "queue shut down early"
		case ev.Version != "v1":
			errc <- "wrong version " + ev.Version
		default:
			errc <- ""
		}
	}()
	p.Enqueue(c, &PushEvent{Version: "v1"})
	if msg := <-errc; msg != "" {
		t.Fatal(msg)
	}
}

// ok: t.Error is safe from any goroutine.
func TestEnqueueMany(t *testing.T) {
	p := NewPushQueue()
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := &Connection{ID: string(rune('a' + i))}
			p.Enqueue(c, &PushEvent{})
			if c.ID == "" {
				t.Error("empty id")
			}
		}(i)
	}
	wg.Wait()
	if len(p.queue) != 4 {
		t.Fatalf("queue has %d entries", len(p.queue))
	}
}
