package fixtures

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// Counts is embedded by value in the stats of two registries, each with its own lock.
type Counts struct {
	Count int64
	Bytes int64
}

func (c *Counts) add(n int64) {
	atomic.AddInt64(&c.Bytes, n)
	atomic.AddInt64(&c.Count, 1)
}

// ok: every caller holds the lock its writers hold, or reads a value of its own
func (c *Counts) snapshot() (int64, int64) {
	return c.Count, c.Bytes
}

func (c *Counts) merge(o Counts) (n Counts) {
	n.Count = atomic.LoadInt64(&c.Count) + atomic.LoadInt64(&o.Count)
	n.Bytes = atomic.LoadInt64(&c.Bytes) + atomic.LoadInt64(&o.Bytes)
	return n
}

func (c *Counts) String() string {
	n, b := c.snapshot()
	return fmt.Sprintf("%d requests, %d bytes", n, b)
}

type siteStatus struct {
	Failed Counts
}

type SiteStats struct {
	mu sync.RWMutex
	m  map[string]*siteStatus
}

func (s *SiteStats) Update(id string, size int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.m[id]
	if !ok {
		st = &siteStatus{}
		s.m[id] = st
	}
	st.Failed.add(size)
}

func (s *SiteStats) Get() map[string][2]int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string][2]int64, len(s.m))
	for id, v := range s.m {
		n, b := v.Failed.snapshot()
		out[id] = [2]int64{n, b}
	}
	return out
}

type bucketStatus struct {
	FailStats Counts
}

type BucketStats struct {
	sync.Mutex
	m map[string]*bucketStatus
}

func (r *BucketStats) Update(bucket string, size int64) {
	if r == nil {
		return
	}
	r.Lock()
	defer r.Unlock()
	b, ok := r.m[bucket]
	if !ok {
		b = &bucketStatus{}
		r.m[bucket] = b
	}
	b.FailStats.add(size)
}

func (r *BucketStats) Total(list []*bucketStatus) int64 {
	var total Counts
	for _, b := range list {
		total = total.merge(b.FailStats)
	}
	merged := list[0].FailStats.merge(list[1].FailStats)
	n, _ := merged.snapshot()
	c, _ := total.snapshot()
	return n + c
}
