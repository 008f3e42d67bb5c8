package store

const maxSize = 1 << 20

func (s *Store) stats() int {
	return len(s.data)
}

func (s *Store) compact() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.data {
		if len(v) == 0 {
			delete(s.data, k)
		}
	}
}

func (s *Store) trimLocked(n int) {
	for k := range s.data {
		if len(s.data) <= n {
			return
		}
		delete(s.data, k)
	}
}

func (s *Store) Size() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_ = s.stats() // ok
	return s.size
}
