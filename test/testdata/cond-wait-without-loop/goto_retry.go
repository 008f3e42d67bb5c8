package fixtures

import "sync"

// ants' pool: retrieveWorker waits for a worker and jumps back to `retry:` to look again.
type workerPool struct {
	lock    sync.Mutex
	cond    *sync.Cond
	free    []int
	closed  bool
	waiting int
}

func (p *workerPool) retrieve() (int, bool) {
	p.lock.Lock()
retry:
	if len(p.free) > 0 {
		w := p.free[len(p.free)-1]
		p.free = p.free[:len(p.free)-1]
		p.lock.Unlock()
		return w, true
	}
	p.waiting++
	p.cond.Wait() // ok: `goto retry` brings control back to the check above
	p.waiting--
	if p.closed {
		p.lock.Unlock()
		return 0, false
	}
	goto retry
}

// A goto that only skips forward is no loop: reported.
func (p *workerPool) takeOnce() (int, bool) {
	p.lock.Lock()
	defer p.lock.Unlock()
	if len(p.free) > 0 {
		goto take
	}
	p.cond.Wait() // want "`p.cond.Wait\\(\\)` is not in a `for` loop, so nothing rechecks the condition after waking up"
	if len(p.free) == 0 {
		return 0, false
	}
take:
	w := p.free[0]
	p.free = p.free[1:]
	return w, true
}
