package commit

import "sync"

type readTx struct{ mu sync.RWMutex }

type backend struct {
	mu     sync.RWMutex
	readTx readTx
	batch  *batchTx
}

func (b *backend) begin() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return 1
}

// unsafeCommit(true) skips the begins that take b.mu (etcd's defrag, also through commit's
// parameter), so it takes no b.mu under b.readTx.mu; the readTx lock under b.mu is the opposite
// order of Flush.
func (b *backend) defrag() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.readTx.mu.Lock() // want "`b.readTx.mu.Lock\\(\\)` while holding `b.mu`"
	defer b.readTx.mu.Unlock()
	b.batch.unsafeCommit(true) // ok
}
