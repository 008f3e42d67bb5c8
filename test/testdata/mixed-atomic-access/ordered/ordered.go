package fixtures

import (
	"sync"
	"sync/atomic"
)

type Meter struct {
	mu    sync.Mutex
	bytes int64
	count int64
	rate  int32
	seq   uint64
}

// Every atomic update of bytes happens under m.mu.
func (m *Meter) Add(n int64) {
	m.mu.Lock()
	atomic.AddInt64(&m.bytes, n)
	m.mu.Unlock()
}

// ok: the plain read holds m.mu too, which every atomic update of bytes holds
func (m *Meter) Bytes() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.bytes
}

// count is updated without the lock.
func (m *Meter) Count() {
	atomic.AddInt64(&m.count, 1)
}

// Holding m.mu does not order the read with Count, which does not take it.
func (m *Meter) Snapshot() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.count // want "`m.count` is read without sync/atomic"
}

// ok: the goroutines that update count are all done before the plain read
func Total(ms []*Meter) int64 {
	var wg sync.WaitGroup
	m := ms[0]
	for range ms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			atomic.AddInt64(&m.count, 1)
		}()
	}
	wg.Wait()
	return m.count
}

// SetRate is the only writer of rate.
func (m *Meter) SetRate(r int32) {
	atomic.StoreInt32(&m.rate, r)
}

// ok: the single writer reads back the value it has just stored
func (m *Meter) Configure(r int32) int32 {
	m.SetRate(r)
	if m.rate > 100 {
		return 100
	}
	return m.rate
}

// Rate reads the rate from any goroutine.
func (m *Meter) Rate() int32 {
	return m.rate // want "`m.rate` is read without sync/atomic"
}

func (m *Meter) Next() uint64 {
	return atomic.AddUint64(&m.seq, 1)
}

// ok: only tests call reset, before they start anything
func (m *Meter) reset() {
	m.seq = 0
}

// Reset is for everyone.
func (m *Meter) Reset() {
	m.seq = 0 // want "`m.seq` is written without sync/atomic"
}

// clear is for testing only.
// ok: documented as test-only set-up
func (m *Meter) clear() {
	m.seq = 0
}
