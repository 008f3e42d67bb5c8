package search

import "strings"

func (e *Engine) matches(id int, q string) bool {
	return strings.Contains(e.docs[id], e.stem(q))
}

func (e *Engine) docLocked(id int) string {
	return e.docs[id]
}

func (e *Engine) stem(w string) string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if s, ok := e.stems[w]; ok {
		return s
	}
	return w
}
