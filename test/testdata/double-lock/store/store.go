package store

import "sync"

type Store struct {
	mu   sync.RWMutex
	data map[string][]byte
	size int
}

func (s *Store) Put(k string, v []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data[k] = v
	s.size += len(v)
	if s.size > maxSize {
		s.compact() // want "`s\\.compact\\(\\)` locks `s\\.mu` again \\(in `compact`\\), already held since line 12:"
	}
}

// ok: compact is called once the lock is released.
func (s *Store) Delete(k string) {
	s.mu.Lock()
	delete(s.data, k)
	s.mu.Unlock()
	s.compact()
}

// ok: the helper expects the lock to be held and does not lock.
func (s *Store) Trim(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trimLocked(n) // ok
}
