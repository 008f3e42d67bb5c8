//fixture:go 1.20

package kubelet

import "sync"

type fifo struct {
	lock   sync.Mutex
	cond   sync.Cond
	items  []string
	closed bool
}

func newFIFO() *fifo {
	f := &fifo{}
	f.cond.L = &f.lock
	return f
}

// ok: Add signals under the lock.
func (f *fifo) Add(key string) {
	f.lock.Lock()
	defer f.lock.Unlock()
	f.items = append(f.items, key)
	f.cond.Broadcast()
}

// Pop waits once and assumes an item is there: another Pop may have taken it.
func (f *fifo) Pop() (string, bool) {
	f.lock.Lock()
	defer f.lock.Unlock()
	if len(f.items) == 0 && !f.closed {
		f.cond.Wait() // want "checks the condition once"
	}
	if f.closed {
		return "", false
	}
	item := f.items[0]
	f.items = f.items[1:]
	return item, true
}

// ok: the condition is checked again after every wake-up.
func (f *fifo) PopFixed() (string, bool) {
	f.lock.Lock()
	defer f.lock.Unlock()
	for len(f.items) == 0 && !f.closed {
		f.cond.Wait()
	}
	if f.closed {
		return "", false
	}
	item := f.items[0]
	f.items = f.items[1:]
	return item, true
}

// ok: Close wakes every waiter.
func (f *fifo) Close() {
	f.lock.Lock()
	f.closed = true
	f.lock.Unlock()
	f.cond.Broadcast()
}

type informer struct {
	mu       sync.Mutex
	handlers []func(string)
	addCh    chan func(string)
	queue    *fifo
}

func newInformer() *informer {
	inf := &informer{addCh: make(chan func(string)), queue: newFIFO()}
	go inf.processLoop()
	return inf
}

// processLoop owns the handler list; it takes the informer lock per item.
func (inf *informer) processLoop() {
	for {
		select {
		case h := <-inf.addCh:
			inf.mu.Lock()
			inf.handlers = append(inf.handlers, h)
			inf.mu.Unlock()
		default:
			key, ok := inf.queue.PopFixed()
			if !ok {
				return
			}
			inf.mu.Lock()
			hs := inf.handlers
			inf.mu.Unlock()
			for _, h := range hs {
				h(key)
			}
		}
	}
}

// AddHandler hands the handler to the loop while holding the lock the loop needs.
func (inf *informer) AddHandler(h func(string)) {
	inf.mu.Lock()
	defer inf.mu.Unlock()
	inf.addCh <- h // want "held|holding|while .* locked"
}

// ok: the loop is told without holding the lock.
func (inf *informer) AddHandlerFixed(h func(string)) {
	inf.addCh <- h
}
