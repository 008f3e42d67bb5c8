package fixtures

import "sync"

type Queue struct {
	mu    sync.Mutex
	rw    sync.RWMutex
	items []int
}

func (q *Queue) Push(v int) {
	q.mu.Lock()
	defer q.mu.Lock() // want "deferred `q.mu.Lock\\(\\)` locks `q.mu` again on return, while it is held since line 12: `Unlock` was meant"
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

// ok: the function runs under the caller's lock and takes it back for the caller when it returns.
func (q *Queue) slowPath(work func()) {
	q.mu.Unlock()
	defer q.mu.Lock()
	work()
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
