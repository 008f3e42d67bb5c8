package kvserver

import (
	"context"
	"sync"
	"time"
)

type info struct {
	value []byte
	ts    time.Time
}

type Gossip struct {
	mu        sync.RWMutex
	infos     map[string]info
	interval  time.Duration
	connected func() bool
	dial      func(ctx context.Context) error
}

// GetInfo read-locks the info store.
func (g *Gossip) GetInfo(key string) ([]byte, bool) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	i, ok := g.infos[key]
	return i.value, ok
}

// SystemConfig read-locks and calls GetInfo, which read-locks again.
func (g *Gossip) SystemConfig() ([]byte, time.Time) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	v, _ := g.GetInfo("system-config") // want "read-lock|RLock"
	return v, g.infos["system-config"].ts
}

// ok: a locked helper with no locking of its own.
func (g *Gossip) getInfoLocked(key string) ([]byte, bool) {
	i, ok := g.infos[key]
	return i.value, ok
}

// ok: one read lock, the locked helper does the lookup.
func (g *Gossip) SystemConfigFixed() ([]byte, time.Time) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	v, _ := g.getInfoLocked("system-config")
	return v, g.infos["system-config"].ts
}

// bootstrap polls for a connection and sleeps without watching ctx.
func (g *Gossip) bootstrap(ctx context.Context) {
	for {
		if g.connected() {
			return
		}
		if err := g.dial(ctx); err == nil {
			return
		}
		time.Sleep(g.interval) // want "time.Sleep"
	}
}

// ok: the poll waits on a timer or ctx.
func (g *Gossip) bootstrapFixed(ctx context.Context) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if g.connected() {
			return
		}
		if err := g.dial(ctx); err == nil {
			return
		}
		t.Reset(g.interval)
	}
}

// RLock then Lock on the same RWMutex: the upgrade deadlocks.
func (g *Gossip) AddInfo(key string, value []byte) {
	g.mu.RLock()
	old, ok := g.infos[key]
	if !ok || old.ts.Before(time.Now()) {
		g.mu.Lock() // want "own read lock"
		g.infos[key] = info{value: value, ts: time.Now()}
		g.mu.Unlock()
	}
	g.mu.RUnlock()
}

// ok: release the read lock, then take the write lock and check again.
func (g *Gossip) AddInfoFixed(key string, value []byte) {
	g.mu.RLock()
	old, ok := g.infos[key]
	g.mu.RUnlock()
	if ok && !old.ts.Before(time.Now()) {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if cur, ok := g.infos[key]; !ok || cur.ts.Before(time.Now()) {
		g.infos[key] = info{value: value, ts: time.Now()}
	}
}
