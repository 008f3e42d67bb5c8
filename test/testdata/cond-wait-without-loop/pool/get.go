package pool

func (p *Pool) Get() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.free) == 0 {
		p.waitFree()
	}
	id := p.free[0]
	p.free = p.free[1:]
	return id
}

func (p *Pool) TryGet() (int, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) == 0 {
		p.avail.Wait() // want "`p\\.avail\\.Wait\\(\\)` runs under `if len\\(p\\.free\\) == 0`, which checks the condition once, not after waking up"
	}
	if len(p.free) == 0 {
		return 0, false
	}
	id := p.free[0]
	p.free = p.free[1:]
	return id, true
}
