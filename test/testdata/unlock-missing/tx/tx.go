package tx

import "sync"

type DB struct {
	mu   sync.Mutex
	rows map[string]string
}

type Tx struct {
	db      *DB
	pending map[string]string
}

// ok: setup leaves t.db.mu locked and Commit, in commit.go, unlocks it.
func (t *Tx) setup() {
	t.db.mu.Lock()
	t.pending = map[string]string{}
}

func (d *DB) Put(k, v string) {
	d.mu.Lock() // want "`d\\.mu\\.Lock\\(\\)` is never unlocked: `Put` returns with it held, so the next `Lock` blocks"
	d.rows[k] = v
}
