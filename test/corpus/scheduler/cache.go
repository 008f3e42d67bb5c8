// Package scheduler places pods on nodes: a cache of assumed pods, a binder with its own
// goroutines and a scheduling queue.
package scheduler

import (
	"errors"
	"sync"
	"time"
)

var errPodNotAssumed = errors.New("scheduler: pod is not assumed")

type podState struct {
	node     string
	deadline time.Time
	bound    bool
}

type schedulerCache struct {
	mu         sync.RWMutex
	assumed    map[string]*podState
	nodes      map[string]int
	ttl        time.Duration
	stop       chan struct{}
	cleanupDue chan struct{}
}

func newSchedulerCache(ttl time.Duration) *schedulerCache {
	c := &schedulerCache{
		assumed: make(map[string]*podState),
		nodes:   make(map[string]int),
		ttl:     ttl,
		stop:    make(chan struct{}),
	}
	return c
}

// cleanupExpired skips the unlock with continue: the next iteration locks again.
func (c *schedulerCache) cleanupExpired(now time.Time, keys []string) {
	for _, k := range keys {
		c.mu.Lock()
		ps, ok := c.assumed[k]
		if !ok || ps.bound {
			continue // want "locked|again|unlock"
		}
		if now.After(ps.deadline) {
			delete(c.assumed, k)
			c.nodes[ps.node]--
		}
		c.mu.Unlock()
	}
}

// ok: a closure per key keeps lock and deferred unlock together.
func (c *schedulerCache) cleanupExpiredFixed(now time.Time, keys []string) {
	for _, k := range keys {
		func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			ps, ok := c.assumed[k]
			if !ok || ps.bound {
				return
			}
			if now.After(ps.deadline) {
				delete(c.assumed, k)
				c.nodes[ps.node]--
			}
		}()
	}
}

// ok: the lock is released around the callback and taken again afterwards.
func (c *schedulerCache) forEachNode(fn func(node string, pods int)) {
	c.mu.RLock()
	snapshot := make(map[string]int, len(c.nodes))
	for n, p := range c.nodes {
		snapshot[n] = p
	}
	c.mu.RUnlock()
	for n, p := range snapshot {
		fn(n, p)
	}
}

// ok: lock and unlock helpers used as a pair by the caller.
func (c *schedulerCache) lockAll()   { c.mu.Lock() }
func (c *schedulerCache) unlockAll() { c.mu.Unlock() }

// ok: the helper pair brackets the update.
func (c *schedulerCache) reset() {
	c.lockAll()
	defer c.unlockAll()
	c.assumed = make(map[string]*podState)
	c.nodes = make(map[string]int)
}

// runCleanup waits on cleanupDue, which the constructor never makes: the receive blocks forever.
func (c *schedulerCache) runCleanup() {
	for {
		select {
		case <-c.stop:
			return
		case <-c.cleanupDue: // want "nil|never made"
			c.cleanupExpiredFixed(time.Now(), c.keys())
		}
	}
}

func (c *schedulerCache) keys() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]string, 0, len(c.assumed))
	for k := range c.assumed {
		out = append(out, k)
	}
	return out
}

// ForgetPod returns with the write lock held when the pod is not assumed.
func (c *schedulerCache) ForgetPod(key string) error {
	c.mu.Lock()
	ps, ok := c.assumed[key]
	if !ok {
		return errPodNotAssumed // want "leaves `c.mu` locked"
	}
	delete(c.assumed, key)
	c.nodes[ps.node]--
	c.mu.Unlock()
	return nil
}

// waitBound waits for the binder's answer on a channel that is declared and never made.
func waitBound(bind func() error) error {
	var errc chan error
	go func() {
		errc <- bind() // want "nil|never made"
	}()
	return <-errc // want "nil|never made"
}

// ok: the channel is made before use.
func waitBoundFixed(bind func() error) error {
	errc := make(chan error, 1)
	go func() {
		errc <- bind()
	}()
	return <-errc
}
