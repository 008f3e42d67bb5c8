package fixtures

import "sync"

type Queue struct {
	mu    sync.Mutex
	rw    sync.RWMutex
	items []int
}

func (q *Queue) Push(v int) {
	q.mu.Lock()
	defer q.mu.Lock() // want "deferred `q.mu.Lock\\(\\)` locks `q.mu` again when the function returns, while it is still held since line 12: `Unlock` was meant"
	q.items = append(q.items, v)
}

func (q *Queue) Peek() int {
	q.rw.RLock()
	defer q.rw.RLock() // want "deferred `q.rw.RLock\\(\\)` locks `q.rw` again .*`RUnlock` was meant"
	if len(q.items) == 0 {
		return -1
	}
	return q.items[0]
}

func (q *Queue) Len() int {
	q.mu.Lock() // want "empty critical section: `q.mu.Lock\\(\\)` is released at once by `q.mu.Unlock\\(\\)` \\(line 28\\), so it protects nothing"
	q.mu.Unlock()
	return len(q.items)
}

var cacheMu sync.RWMutex

func cached() {
	cacheMu.RLock() // want "empty critical section: `cacheMu.RLock\\(\\)`"
	cacheMu.RUnlock()
}

// ok: the function runs under the caller's lock and takes it back for the caller when it returns.
func (q *Queue) slowPath(work func()) {
	q.mu.Unlock()
	defer q.mu.Lock()
	work()
}

// ok: the empty section waits for the current holder on purpose, and says so.
func (q *Queue) Barrier() {
	// Wait for any Push in progress to finish.
	q.mu.Lock()
	q.mu.Unlock()
}

// ok: a lock and an unlock of different mutexes.
func (q *Queue) Swap() {
	q.rw.Lock()
	q.mu.Unlock()
	q.rw.Unlock()
}

// ok: the deferred call is the unlock.
func (q *Queue) Pop() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	v := q.items[0]
	q.items = q.items[1:]
	return v
}
