package promoted

import "sync"

type readTx struct{ mu sync.RWMutex }

func (rt *readTx) Lock()   { rt.mu.Lock() }
func (rt *readTx) Unlock() { rt.mu.Unlock() }

type backend struct {
	mu      sync.RWMutex
	readTx  *readTx
	batchTx *batchTxBuffered
}

func (b *backend) begin() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return 1
}

// ok: defrag takes the batch lock first, through a method that batchTxBuffered promotes from the
// batchTx it embeds, and every caller of commit holds that lock too: the two orders never run at
// the same time (etcd's backend).
func (b *backend) defrag() {
	b.batchTx.LockOutsideApply()
	defer b.batchTx.Unlock()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.readTx.Lock() // ok
	defer b.readTx.Unlock()
}

// Without the batch lock: the opposite order of commit, reported.
func (b *backend) compact() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.readTx.Lock() // want "`b\\.readTx\\.Lock\\(\\)` locks `b\\.readTx\\.mu` while holding `b\\.mu`"
	b.readTx.Unlock()
}
