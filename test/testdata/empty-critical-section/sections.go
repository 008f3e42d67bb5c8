package fixtures

import "sync"

type Queue struct {
	mu    sync.Mutex
	rw    sync.RWMutex
	items []int
}

func (q *Queue) Len() int {
	q.mu.Lock() // want "empty critical section: `q\\.mu\\.Lock\\(\\)` is released at once, so it protects nothing"
	q.mu.Unlock()
	return len(q.items)
}

var cacheMu sync.RWMutex

func cached() {
	cacheMu.RLock() // want "empty critical section: `cacheMu.RLock\\(\\)`"
	cacheMu.RUnlock()
}

func (q *Queue) Peek() int {
	q.rw.RLock() // want "empty critical section: `q\\.rw\\.RLock\\(\\)` is released at once, so it protects nothing"
	q.rw.RUnlock()
	if len(q.items) == 0 {
		return -1
	}
	return q.items[0]
}

// Reset clears the queue.
func (q *Queue) Reset() {
	q.mu.Lock() // want "empty critical section: `q.mu.Lock\\(\\)`"
	q.mu.Unlock()
	q.items = nil
}

func (q *Queue) Append(v int) {
	if v < 0 {
		q.mu.Lock() // want "empty critical section"
		q.mu.Unlock()
		return
	}
	q.mu.Lock()
	q.items = append(q.items, v)
	q.mu.Unlock()
}

func (q *Queue) Drop(n int) {
	for i := 0; i < n; i++ {
		q.rw.Lock() // want "empty critical section: `q.rw.Lock\\(\\)`"
		q.rw.Unlock()
	}
}

func withLocal() {
	var mu sync.Mutex
	go func() {
		mu.Lock() // want "empty critical section: `mu.Lock\\(\\)`"
		mu.Unlock()
	}()
}

// A comment far above the pair, in an unrelated part of the function, explains nothing.
func (q *Queue) Total() int {
	// sum the items
	total := 0
	for _, v := range q.items {
		total += v
	}
	q.mu.Lock() // want "empty critical section"
	q.mu.Unlock()
	return total
}

// ok: the empty section waits for the current holder on purpose, and says so.
func (q *Queue) Barrier() {
	// Wait for any Append in progress to finish.
	q.mu.Lock()
	q.mu.Unlock()
}

// ok: the comment sits between the two calls.
func (q *Queue) Barrier2() {
	q.mu.Lock()
	//nolint:staticcheck // only waits for the writer to finish.
	q.mu.Unlock()
}

// Sync waits until every writer that holds the lock has finished.
//
// ok: the doc comment explains the wait, even with a guard and a second pair in between.
func (q *Queue) Sync(both bool) {
	if q == nil {
		return
	}
	q.mu.Lock()
	q.mu.Unlock()
	if both {
		q.rw.Lock()
		q.rw.Unlock()
	}
}

// ok: a lock and an unlock of different mutexes.
func (q *Queue) Swap() {
	q.rw.Lock()
	q.mu.Unlock()
	q.rw.Unlock()
}

// ok: something is protected.
func (q *Queue) Push(v int) {
	q.mu.Lock()
	q.items = append(q.items, v)
	q.mu.Unlock()
}

// ok: the unlock is deferred.
func (q *Queue) Pop() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	v := q.items[0]
	q.items = q.items[1:]
	return v
}

// ok: Unlock then Lock is the reverse, a window where others may run.
func (q *Queue) Yield() {
	q.mu.Unlock()
	q.mu.Lock()
}

type pair struct{ a, b int }

func (p pair) Lock()   {}
func (p pair) Unlock() {}

// ok: not a mutex: a type of the package with Lock and Unlock methods of its own that are not sync's.
func usePair(p pair) {
	p.Lock()
	p.Unlock()
}

// ok: RLock released by Unlock is a different bug, not an empty section.
func (q *Queue) Mismatch() {
	q.rw.RLock()
	q.rw.Unlock()
}
