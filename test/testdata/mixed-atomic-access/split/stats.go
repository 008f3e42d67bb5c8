package split

import "sync/atomic"

type pool struct {
	active int32
}

func (p *pool) acquire() { atomic.AddInt32(&p.active, 1) }
func (p *pool) release() { atomic.AddInt32(&p.active, -1) }
