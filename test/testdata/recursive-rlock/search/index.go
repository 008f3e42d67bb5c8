package search

import "sync"

type Engine struct {
	mu    sync.RWMutex
	docs  map[int]string
	stems map[string]string
}

func (e *Engine) Search(q string) []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var out []string
	for id := range e.docs {
		if e.matches(id, q) { // want "`e\\.matches\\(id, q\\)` read-locks `e\\.mu` again \\(in `matches` → `stem`\\), held since line 12"
			out = append(out, e.docs[id])
		}
	}
	return out
}

// ok: the lookup helper in the other file expects the lock held.
func (e *Engine) Get(id int) string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.docLocked(id) // ok
}
