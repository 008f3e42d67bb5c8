package commit

type batchTx struct {
	backend *backend
	tx      int
}

func (t *batchTx) commit(stop bool) {
	if stop {
		return
	}
	t.tx = t.backend.begin()
}

func (t *batchTx) unsafeCommit(stop bool) {
	t.commit(stop)
	if !stop {
		t.tx = t.backend.begin()
	}
}

// ok: a stop commit under readTx takes no b.mu either.
func (t *batchTx) Close() {
	t.backend.readTx.mu.Lock()
	t.unsafeCommit(true) // ok
	t.backend.readTx.mu.Unlock()
}

// Reported: with a stop that may be false, the commit takes b.mu under b.readTx.mu, the opposite
// order of a function that locks b.mu then b.readTx.mu.
func (t *batchTx) Flush(stop bool) {
	t.backend.readTx.mu.Lock()
	t.unsafeCommit(stop) // want "`t\\.unsafeCommit\\(stop\\)` locks `t\\.backend\\.mu` while holding `t\\.backend\\.readTx\\.mu`;"
	t.backend.readTx.mu.Unlock()
}

func (t *batchTx) Rewind() {
	t.backend.mu.Lock()
	t.backend.readTx.mu.Lock() // want "while holding `t.backend.mu`"
	t.backend.readTx.mu.Unlock()
	t.backend.mu.Unlock()
}
