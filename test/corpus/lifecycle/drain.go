package lifecycle

import (
	"context"
	"sync"
	"time"
)

type Drainer struct {
	mu       sync.Mutex
	inflight int
	idle     *sync.Cond
	quit     chan struct{}
	done     chan struct{}
	results  chan int
}

func NewDrainer() *Drainer {
	d := &Drainer{quit: make(chan struct{}), done: make(chan struct{}), results: make(chan int)}
	d.idle = sync.NewCond(&d.mu)
	go d.loop()
	return d
}

// ok: the loop owns results and ends on quit, closing done.
func (d *Drainer) loop() {
	defer close(d.done)
	n := 0
	for {
		select {
		case d.results <- n:
			n++
		case <-d.quit:
			return
		}
	}
}

// ok: Next reads from the loop, or reports that it stopped.
func (d *Drainer) Next() (int, bool) {
	select {
	case v := <-d.results:
		return v, true
	case <-d.done:
		return 0, false
	}
}

// ok: Close signals the loop and waits for it to finish.
func (d *Drainer) Close() {
	close(d.quit)
	<-d.done
}

// ok: Wait sleeps on the condition in a loop until nothing is in flight.
func (d *Drainer) Wait() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for d.inflight > 0 {
		d.idle.Wait()
	}
}

// ok: Begin/End bracket a request; End broadcasts when the last one finishes.
func (d *Drainer) Begin() {
	d.mu.Lock()
	d.inflight++
	d.mu.Unlock()
}

func (d *Drainer) End() {
	d.mu.Lock()
	d.inflight--
	if d.inflight == 0 {
		d.idle.Broadcast()
	}
	d.mu.Unlock()
}

// ok: a producer goroutine closes its channel when done; the consumer ranges over it.
func produceAll(ctx context.Context, items []string) <-chan string {
	out := make(chan string, len(items))
	go func() {
		defer close(out)
		for _, it := range items {
			out <- it
		}
	}()
	return out
}

// ok: the waiter gives up after a timeout, and the sender uses a buffered channel.
func waitDrained(d *Drainer, timeout time.Duration) bool {
	done := make(chan struct{}, 1)
	go func() {
		d.Wait()
		done <- struct{}{}
	}()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// ok: the watcher goroutine closes its channel itself when it is done.
func watch(ctx context.Context, poll func() bool) <-chan struct{} {
	ready := make(chan struct{})
	go func() {
		defer close(ready)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for !poll() {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return ready
}

// ok: the counter goroutine is the only writer; the function reads the result after wg.Wait.
func countAsync(items []int) int {
	var wg sync.WaitGroup
	total := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, v := range items {
			total += v
		}
	}()
	wg.Wait()
	return total
}
