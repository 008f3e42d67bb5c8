package promoted

import "sync"

type batchTx struct {
	sync.Mutex
	tx int
}

func (t *batchTx) lock() { t.Mutex.Lock() }

func (t *batchTx) LockOutsideApply() { t.lock() }

func (t *batchTx) Unlock() { t.Mutex.Unlock() }

// batchTxBuffered promotes lock and LockOutsideApply from the batchTx it embeds.
type batchTxBuffered struct {
	batchTx
	backend *backend
	pending int
}

func (t *batchTxBuffered) Commit() {
	t.lock()
	t.commit()
	t.Unlock()
}

// Unlock writes pending changes back before it unlocks, so it runs commit under the lock of
// whoever calls it (unlocking a mutex that is not locked is a fatal error).
func (t *batchTxBuffered) Unlock() {
	if t.pending > 0 {
		t.commit()
	}
	t.batchTx.Unlock()
}

func (t *batchTxBuffered) commit() {
	t.backend.readTx.Lock()
	t.tx = t.backend.begin() // want "`t\\.backend\\.begin\\(\\)` locks `t\\.backend\\.mu` while holding `t\\.backend\\.readTx\\.mu`; `backend\\.compact`"
	t.backend.readTx.Unlock()
}
