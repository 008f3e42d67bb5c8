package fixtures

import (
	"errors"
	"sync"
)

type writerAt struct {
	closeMu sync.Mutex
	wg      sync.WaitGroup
	closed  bool
}

// The writer takes closeMu only to check closed and register itself with wg.Add; once counted it
// never needs closeMu again, so Close can wait for it while holding the lock.
func (w *writerAt) WriteAt(p []byte) (int, error) {
	w.closeMu.Lock()
	if w.closed {
		w.closeMu.Unlock()
		return 0, errors.New("closed")
	}
	w.wg.Add(1)
	w.closeMu.Unlock()
	defer w.wg.Done()
	return len(p), nil
}

// ok: every goroutine counted by wg took and released closeMu before its Add.
func (w *writerAt) Close() error {
	w.closeMu.Lock()
	defer w.closeMu.Unlock()
	w.closed = true
	w.wg.Wait()
	return nil
}

type registrar struct {
	mu sync.Mutex
	wg sync.WaitGroup
}

// ok: the goroutine registers (Add) under the lock the waiter holds, so it is never counted while the waiter waits.
func (r *registrar) start() {
	go func() {
		r.mu.Lock()
		r.wg.Add(1)
		r.mu.Unlock()
		defer r.wg.Done()
	}()
	r.mu.Lock()
	r.wg.Wait()
	r.mu.Unlock()
}

type flusher struct {
	mu sync.Mutex
	wg sync.WaitGroup
	n  int
}

func (f *flusher) record() {
	defer f.wg.Done()
	f.mu.Lock()
	f.n++
	f.mu.Unlock()
}

func (f *flusher) Flush() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.wg.Wait() // want "`f\\.wg\\.Wait\\(\\)` waits while holding `f\\.mu`, but the `Done` caller `flusher\\.record` needs it first"
}
