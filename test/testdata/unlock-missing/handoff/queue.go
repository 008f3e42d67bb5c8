package handoff

import "sync"

type task struct {
	fn      func() int
	barrier bool
}

// Manager runs queued tasks on workers; a barrier task runs alone (mc's parallel manager).
type Manager struct {
	barrierSync sync.RWMutex
	queueCh     chan task
	resultCh    chan int
	wg          sync.WaitGroup

	statsMu sync.RWMutex
	stats   map[bool]int
}

// The worker releases, after each task, what queue took for it.
func (p *Manager) addWorker() {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for t := range p.queueCh {
			p.resultCh <- t.fn()
			if t.barrier {
				p.barrierSync.Unlock()
			} else {
				p.barrierSync.RUnlock()
			}
			p.statsMu.Lock()
			p.stats[t.barrier]++
			p.statsMu.Unlock()
		}
	}()
}

func (p *Manager) queue(t task) {
	if t.barrier {
		p.barrierSync.Lock() // ok
	} else {
		p.barrierSync.RLock() // ok
	}
	p.queueCh <- t
}

// The worker takes statsMu itself before it releases it: nothing releases what this takes.
func (p *Manager) count(t task) {
	p.statsMu.Lock() // want "`p\\.statsMu\\.Lock\\(\\)` is never unlocked: `count` returns with it held"
	p.stats[t.barrier]++
}
