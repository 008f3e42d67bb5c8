package fixtures

import (
	"sync"
	"sync/atomic"
)

type Gauge struct {
	mu    sync.RWMutex
	value int64
	peaks int64
}

func (g *Gauge) Set(v int64) {
	g.mu.Lock()
	atomic.StoreInt64(&g.value, v)
	g.mu.Unlock()
}

// Both hold only the read lock, which does not keep out the other reader's write.
func (g *Gauge) Bump() {
	g.mu.RLock()
	atomic.AddInt64(&g.peaks, 1)
	g.mu.RUnlock()
}

func (g *Gauge) peak() int64 {
	return g.peaks // want "`g.peaks` is read without sync/atomic"
}

func (g *Gauge) Report() int64 {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.peak()
}

// ok: a read under the read lock is ordered with writes under the write lock
func (g *Gauge) current() int64 {
	return g.value
}

func (g *Gauge) Value() int64 {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.current()
}

// An exported accessor that takes no lock is not excused by the others' convention.
func (g *Gauge) Peek() int64 {
	return g.value // want "`g.value` is read without sync/atomic"
}

// A caller outside the lock, inside the package, shows the helper is not only used under it.
func (g *Gauge) Fast() int64 {
	return g.current2()
}

func (g *Gauge) current2() int64 {
	return g.value // want "`g.value` is read without sync/atomic"
}

func (g *Gauge) Slow() int64 {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.current2()
}
