package fixtures

import (
	"sync"
	"testing"
)

type ledger struct {
	mu      sync.RWMutex
	entries []int
}

func (l *ledger) total() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	n := 0
	for _, e := range l.entries {
		n += e
	}
	return n
}

// A test that keeps a read view open while it reads again: reported, as information in tests
// (the writer that would deadlock it is one the test would have to start itself).
func TestOpenViewAndTotal(t *testing.T) {
	l := &ledger{entries: []int{1, 2}}
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.total() != 3 { // want "`l\\.total\\(\\)` read-locks `l\\.mu` again"
		t.Fatal("wrong total")
	}
}

// ok: the first read lock is released before the second read.
func TestReadThenTotal(t *testing.T) {
	l := &ledger{entries: []int{4}}
	l.mu.RLock()
	n := len(l.entries)
	l.mu.RUnlock()
	if l.total() != 4 || n != 1 {
		t.Fatal("wrong total")
	}
}
