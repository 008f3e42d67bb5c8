package fixtures

import "sync"

// go-zero's syncx.LockedCalls: Do locks, and either unlocks and waits for the call in flight, or
// hands the lock to makeCall, which unlocks it and, deferred, locks and unlocks again to forget
// the key. The deferred literal's operations run in their written order: the lock is released.

type lockedGroup struct {
	mu sync.Mutex
	m  map[string]*sync.WaitGroup
}

func (lg *lockedGroup) Do(key string, fn func() error) error {
begin:
	lg.mu.Lock()
	if wg, ok := lg.m[key]; ok {
		lg.mu.Unlock()
		wg.Wait()
		goto begin
	}
	return lg.makeCall(key, fn) // ok
}

func (lg *lockedGroup) makeCall(key string, fn func() error) error {
	var wg sync.WaitGroup
	wg.Add(1)
	lg.m[key] = &wg
	lg.mu.Unlock()
	defer func() {
		lg.mu.Lock()
		delete(lg.m, key)
		lg.mu.Unlock()
		wg.Done()
	}()
	return fn()
}

// The deferred literal unlocks and then locks again: the call returns holding the lock.
func (lg *lockedGroup) DoRelocked(key string, fn func() error) error {
	lg.mu.Lock()
	if _, ok := lg.m[key]; ok {
		lg.mu.Unlock()
		return nil
	}
	return lg.relock(fn) // want "leaves `lg.mu` locked"
}

func (lg *lockedGroup) relock(fn func() error) error {
	lg.mu.Unlock()
	defer func() {
		lg.mu.Unlock()
		lg.mu.Lock()
	}()
	return fn()
}
