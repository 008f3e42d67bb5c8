package acquire

import (
	"errors"
	"sync"
)

var errClosed = errors.New("closed")

type DB struct {
	rwlock sync.Mutex
	mmu    sync.Mutex
	closed bool
	n      int
}

type Tx struct {
	db   *DB
	done bool
}

// ok: beginRW returns with db.rwlock held on success; Tx.Commit releases it.
func (db *DB) beginRW() (*Tx, error) {
	db.rwlock.Lock()
	if db.closed {
		db.rwlock.Unlock()
		return nil, errClosed
	}
	return &Tx{db: db}, nil // ok
}

func (tx *Tx) Commit() {
	tx.done = true
	tx.db.rwlock.Unlock()
}

// Stats leaves db.mmu locked: every other function locks db.mmu before unlocking it.
func (db *DB) Stats() int {
	db.mmu.Lock()
	if db.closed {
		return 0 // want "`return 0` leaves `db\\.mmu` locked, which the other paths unlock"
	}
	n := db.n
	db.mmu.Unlock()
	return n
}

func (tx *Tx) count() {
	tx.db.mmu.Lock()
	tx.db.n++
	tx.db.mmu.Unlock()
}

type Cache struct {
	rwlock sync.Mutex
	items  map[string]int
}

// Cache.rwlock is another mutex than DB.rwlock, which Tx.Commit unlocks.
func (c *Cache) Get(k string) (int, bool) {
	c.rwlock.Lock()
	v, ok := c.items[k]
	if !ok {
		return 0, false // want "`return 0, false` leaves `c\\.rwlock` locked, which the other paths unlock"
	}
	c.rwlock.Unlock()
	return v, true
}

type Pool struct {
	mu     sync.Mutex
	closed bool
	free   []int
}

// ok: get hands p.mu to the caller on success; put releases it.
func (p *Pool) get() (int, bool) {
	p.mu.Lock()
	if p.closed || len(p.free) == 0 {
		p.mu.Unlock()
		return 0, false
	}
	return p.free[0], true // ok
}

func (p *Pool) put(v int) {
	p.free = append(p.free, v)
	p.mu.Unlock()
}

type Sched struct {
	mu sync.Mutex
	m  map[string]int
}

func (s *Sched) lockAll()   { s.mu.Lock() }
func (s *Sched) unlockAll() { s.mu.Unlock() }

// Forget is no acquire helper: its early return skips the unlock of its success path.
func (s *Sched) Forget(k string) error {
	s.mu.Lock()
	if _, ok := s.m[k]; !ok {
		return errClosed // want "`return errClosed` leaves `s\\.mu` locked, which the other paths unlock"
	}
	delete(s.m, k)
	s.mu.Unlock()
	return nil
}

type runEntry struct {
	runMu *sync.Mutex
	id    string
}

type Runs struct {
	mu    sync.RWMutex
	byID  map[string]*runEntry
	count int
}

// lockCurrentRun returns the current entry with its run gate held; the caller unlocks it.
// ok: an acquire helper (frp's ControlManager): early paths unlock, the last returns holding.
func (r *Runs) lockCurrentRun(id string) (*runEntry, bool) {
	r.mu.RLock()
	entry, ok := r.byID[id]
	r.mu.RUnlock()
	if !ok {
		return nil, false
	}
	runMu := entry.runMu
	runMu.Lock()
	r.mu.RLock()
	entry, ok = r.byID[id]
	if !ok || entry.runMu != runMu {
		ok = false
	}
	r.mu.RUnlock()
	if !ok {
		runMu.Unlock()
		return nil, false
	}
	return entry, true // ok
}

func (r *Runs) Touch(id string) {
	entry, ok := r.lockCurrentRun(id)
	if !ok {
		return
	}
	defer entry.runMu.Unlock()
	r.count++
}

// The same shape, where the mutex comes from another entry than the one returned.
func (r *Runs) currentRun(id string) (*runEntry, bool) {
	r.mu.RLock()
	entry, ok := r.byID[id]
	r.mu.RUnlock()
	if !ok {
		return nil, false
	}
	other := r.byID[""]
	runMu := other.runMu
	runMu.Lock()
	if entry.id == "" {
		runMu.Unlock()
		return nil, false
	}
	return entry, true // want "`return entry, true` leaves `runMu` locked, which the other paths unlock"
}
