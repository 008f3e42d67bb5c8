package fixtures

import (
	"errors"
	"sync"
	"time"
)

var errNotFound = errors.New("not found")

type session struct{ lastSeen time.Time }

type Sessions struct {
	mu   sync.Mutex
	byID map[string]*session
}

func (s *Sessions) Touch(id string) error {
	s.mu.Lock()
	sess, ok := s.byID[id]
	if !ok {
		return errNotFound // want "`return errNotFound` leaves `s\\.mu` locked, which the other paths unlock"
	}
	sess.lastSeen = time.Now()
	s.mu.Unlock()
	return nil
}

func (s *Sessions) Expire(ids []string) error {
	s.mu.Lock()
	for _, id := range ids {
		if _, ok := s.byID[id]; !ok {
			return errNotFound // want "`return errNotFound` leaves `s\\.mu` locked, which the other paths unlock"
		}
		delete(s.byID, id)
	}
	s.mu.Unlock()
	return nil
}

type Config struct {
	mu     sync.RWMutex
	values map[string]string
}

func (c *Config) Get(key string) (string, bool) {
	c.mu.RLock()
	v, ok := c.values[key]
	if !ok {
		return "", false // want "`return \"\", false` leaves `c\\.mu` locked, which the other paths unlock"
	}
	c.mu.RUnlock()
	return v, true
}

func (c *Config) Kind(key string) string {
	c.mu.RLock()
	switch c.values[key] {
	case "":
		return "missing" // want "leaves `c.mu` locked"
	case "true", "false":
		c.mu.RUnlock()
		return "bool"
	}
	c.mu.RUnlock()
	return "string"
}

func (c *Config) Wait(key string, changed <-chan struct{}, timeout <-chan time.Time) bool {
	c.mu.Lock()
	select {
	case <-changed:
		c.mu.Unlock()
		return true
	case <-timeout:
		return false // want "`return false` leaves `c\\.mu` locked, which the other paths unlock"
	}
}

func (c *Config) Set(key, value string) {
	c.mu.Lock() // want "`c\\.mu\\.Lock\\(\\)` is still held at the end of `Set`, though the other paths unlock it"
	if value == "" {
		delete(c.values, key)
		c.mu.Unlock()
		return
	}
	c.values[key] = value
}

func (s *Sessions) Watch(ids <-chan string) {
	go func() {
		for id := range ids {
			s.mu.Lock()
			if id == "" {
				return // want "`return` leaves `s\\.mu` locked, which the other paths unlock"
			}
			delete(s.byID, id)
			s.mu.Unlock()
		}
	}()
}

// ok: the deferred unlock runs on every path.
func (s *Sessions) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byID == nil {
		return 0
	}
	return len(s.byID)
}

// ok: the deferred closure unlocks.
func (s *Sessions) Clear() (n int) {
	s.mu.Lock()
	defer func() {
		n = len(s.byID)
		s.mu.Unlock()
	}()
	if s.byID == nil {
		return
	}
	s.byID = map[string]*session{}
	return
}

// ok: the early return happens before the lock.
func (s *Sessions) Drop(id string) {
	if id == "" {
		return
	}
	s.mu.Lock()
	delete(s.byID, id)
	s.mu.Unlock()
}

// ok: a panic is not a return path; the program is going down anyway.
func (s *Sessions) MustGet(id string) *session {
	s.mu.Lock()
	sess, ok := s.byID[id]
	if !ok {
		panic("no session " + id)
	}
	s.mu.Unlock()
	return sess
}

// ok: the lock is taken only when asked, and released under the same condition.
func (s *Sessions) maybeLocked(locked bool, id string) bool {
	if !locked {
		s.mu.Lock()
	}
	_, ok := s.byID[id]
	if !locked {
		s.mu.Unlock()
	}
	return ok
}

// ok: TryLock that fails does not hold the lock.
func (s *Sessions) TryCount() (int, bool) {
	if !s.mu.TryLock() {
		return 0, false
	}
	defer s.mu.Unlock()
	return len(s.byID), true
}

func (s *Sessions) unlockAndLog() {
	s.mu.Unlock()
	println("unlocked")
}

// ok: the helper unlocks on the early path.
func (s *Sessions) Remove(id string) {
	s.mu.Lock()
	if _, ok := s.byID[id]; !ok {
		s.unlockAndLog()
		return
	}
	delete(s.byID, id)
	s.mu.Unlock()
}

// ok: the Unlock method value is called on the early path.
func (s *Sessions) Rename(from, to string) {
	s.mu.Lock()
	unlock := s.mu.Unlock
	sess, ok := s.byID[from]
	if !ok {
		unlock()
		return
	}
	s.byID[to] = sess
	unlock()
}

type Terminal struct {
	lock     sync.Mutex
	line     []rune
	complete func(string) (string, bool)
}

// ok: handleKey runs under the caller's lock and drops it around the callback; returning with it held is its contract.
func (t *Terminal) handleKey(key rune) {
	if t.complete != nil {
		t.lock.Unlock()
		line, ok := t.complete(string(t.line))
		t.lock.Lock()
		if ok {
			t.line = []rune(line)
			return
		}
	}
	t.line = append(t.line, key)
}

type Tx struct {
	closemu sync.RWMutex
	done    bool
}

func (tx *Tx) releaseRead(error) {
	tx.closemu.RUnlock()
}

// ok: the caller receives the function that releases the read lock.
func (tx *Tx) grab() (func(error), error) {
	tx.closemu.RLock()
	if tx.done {
		tx.closemu.RUnlock()
		return nil, errNotFound
	}
	return tx.releaseRead, nil
}

// ok: the return under `if false` never runs (a benchmark keeping the section non-empty).
func noDeferUnlock(mu *sync.Mutex) {
	mu.Lock()
	if false {
		return
	}
	mu.Unlock()
}

type readType int

const (
	readFromMemory readType = iota
	readFromStore
	readMemoryThenStore
)

type offsetStore struct {
	mu      sync.RWMutex
	offsets map[string]int64
}

func (r *offsetStore) fetch(q string) (int64, error) { return 0, nil }

// ok: the cases cover every readType constant and each returns after unlocking; the return after
// the switch is for a value no one in the package can name (rocketmq's offset store).
func (r *offsetStore) read(q string, t readType) (int64, error) {
	r.mu.RLock()
	switch t {
	case readFromMemory, readMemoryThenStore:
		if off, ok := r.offsets[q]; ok {
			r.mu.RUnlock()
			return off, nil
		}
		if t == readFromMemory {
			r.mu.RUnlock()
			return -1, nil
		}
		fallthrough
	case readFromStore:
		off, err := r.fetch(q)
		r.mu.RUnlock()
		return off, err
	default:
	}
	return -1, nil // ok
}

// One constant is not covered: the return after the switch is reachable.
func (r *offsetStore) readPartly(q string, t readType) (int64, error) {
	r.mu.RLock()
	switch t {
	case readFromMemory:
		off := r.offsets[q]
		r.mu.RUnlock()
		return off, nil
	case readFromStore:
		off, err := r.fetch(q)
		r.mu.RUnlock()
		return off, err
	}
	return -1, nil // want "leaves `r.mu` locked, which the other paths unlock"
}
