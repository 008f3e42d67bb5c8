package pool

import "sync"

type Pool struct {
	mu    sync.Mutex
	avail *sync.Cond
	free  []int
}

// ok: waitFree is called in a loop from get.go.
func (p *Pool) waitFree() {
	p.avail.Wait() // ok
}

func (p *Pool) Release(id int) {
	p.mu.Lock()
	p.free = append(p.free, id)
	p.mu.Unlock()
	p.avail.Signal()
}
