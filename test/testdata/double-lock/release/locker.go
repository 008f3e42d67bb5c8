package release

import "sync"

type locker struct {
	mu    sync.Mutex
	locks map[string]int
}

// getMutex locks and hands back the unlock (minio's local locker).
func (l *locker) getMutex() func() {
	l.mu.Lock()
	return l.mu.Unlock
}

func (l *locker) expire() {
	defer l.getMutex()()
	for k := range l.locks {
		delete(l.locks, k)
	}
}

// size drops the returned unlock: the mutex stays locked.
func (l *locker) size() int {
	l.getMutex()
	return len(l.locks)
}
