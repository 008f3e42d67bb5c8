package fixtures

import "sync"

type pubQueue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	cnt    int
	closed bool
	items  []string
}

// Wait blocks until the queue may have items, and reports false once it is closed (centrifuge's
// queues). It lets go of the lock as soon as it wakes: whatever it waited for is the caller's to
// check again (with Remove, under the lock), so a single Wait is the contract.
func (q *pubQueue) Wait() bool {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return false
	}
	if q.cnt != 0 {
		q.mu.Unlock()
		return true
	}
	q.cond.Wait() // ok
	q.mu.Unlock()
	return true
}

func (q *pubQueue) WaitRemove() (string, bool) {
	q.mu.Lock()
	if q.cnt != 0 {
		q.mu.Unlock()
		return q.Remove()
	}
	q.cond.Wait() // ok: Remove locks again and checks the count
	q.mu.Unlock()
	return q.Remove()
}

func (q *pubQueue) Remove() (string, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.cnt == 0 {
		return "", false
	}
	v := q.items[0]
	q.items = q.items[1:]
	q.cnt--
	return v, true
}

// Still holding the lock after the Wait, it takes the first item as if one had to be there.
func (q *pubQueue) WaitTake() string {
	q.mu.Lock()
	q.cond.Wait() // want "is not in a `for` loop"
	v := q.items[0]
	q.items = q.items[1:]
	q.mu.Unlock()
	return v
}
