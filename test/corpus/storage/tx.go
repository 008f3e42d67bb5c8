// Package storage is a small embedded key-value store: one writer transaction at a time,
// readers under a read lock, a background syncer. Nearly everything here is correct code that
// concurrency checkers often get wrong.
package storage

import (
	"errors"
	"sort"
	"sync"
)

var (
	ErrClosed   = errors.New("storage: database closed")
	ErrTxClosed = errors.New("storage: transaction closed")
)

type DB struct {
	rwlock sync.Mutex
	mmu    sync.RWMutex
	data   map[string][]byte
	closed bool
	txs    map[*Tx]bool
}

type Tx struct {
	db       *DB
	writable bool
	pending  map[string][]byte
	done     bool
}

func Open() *DB {
	return &DB{data: make(map[string][]byte), txs: make(map[*Tx]bool)}
}

// ok: beginRW returns with db.rwlock held on success by design; Commit and Rollback release it.
func (db *DB) beginRW() (*Tx, error) {
	db.rwlock.Lock()
	db.mmu.Lock()
	if db.closed {
		db.mmu.Unlock()
		db.rwlock.Unlock()
		return nil, ErrClosed
	}
	tx := &Tx{db: db, writable: true, pending: make(map[string][]byte)}
	db.txs[tx] = true
	db.mmu.Unlock()
	return tx, nil
}

// ok: the writer lock taken by beginRW is released here.
func (tx *Tx) Commit() error {
	if tx.done {
		return ErrTxClosed
	}
	tx.db.mmu.Lock()
	for k, v := range tx.pending {
		tx.db.data[k] = v
	}
	delete(tx.db.txs, tx)
	tx.db.mmu.Unlock()
	tx.done = true
	tx.db.rwlock.Unlock()
	return nil
}

// ok: Rollback releases the writer lock too.
func (tx *Tx) Rollback() error {
	if tx.done {
		return ErrTxClosed
	}
	tx.db.mmu.Lock()
	delete(tx.db.txs, tx)
	tx.db.mmu.Unlock()
	tx.done = true
	tx.db.rwlock.Unlock()
	return nil
}

// ok: Update runs fn in a writable transaction and always ends it.
func (db *DB) Update(fn func(*Tx) error) error {
	tx, err := db.beginRW()
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// ok: read lock for the lookup only.
func (db *DB) Get(key string) ([]byte, bool) {
	db.mmu.RLock()
	defer db.mmu.RUnlock()
	v, ok := db.data[key]
	return v, ok
}

// ok: Keys read-locks, then sorts after releasing the lock.
func (db *DB) Keys() []string {
	db.mmu.RLock()
	keys := make([]string, 0, len(db.data))
	for k := range db.data {
		keys = append(keys, k)
	}
	db.mmu.RUnlock()
	sort.Strings(keys)
	return keys
}

// ok: two different databases: each Get locks its own mutex, never the one held.
func (db *DB) CopyFrom(src *DB) {
	keys := src.Keys()
	db.mmu.Lock()
	defer db.mmu.Unlock()
	for _, k := range keys {
		if v, ok := src.Get(k); ok {
			db.data[k] = v
		}
	}
}

// ok: the lock is released around the callback and taken again for the next key.
func (db *DB) ForEach(fn func(k string, v []byte)) {
	for _, k := range db.Keys() {
		db.mmu.RLock()
		v, ok := db.data[k]
		db.mmu.RUnlock()
		if ok {
			fn(k, v)
		}
	}
}

// ok: Close takes both locks in the same order as beginRW.
func (db *DB) Close() error {
	db.rwlock.Lock()
	defer db.rwlock.Unlock()
	db.mmu.Lock()
	defer db.mmu.Unlock()
	if db.closed {
		return ErrClosed
	}
	db.closed = true
	return nil
}

// Snapshot holds the read lock and calls Keys, which read-locks again.
func (db *DB) Snapshot() map[string][]byte {
	db.mmu.RLock()
	defer db.mmu.RUnlock()
	out := make(map[string][]byte, len(db.data))
	for _, k := range db.Keys() { // want "read-locks `db.mmu` again"
		out[k] = db.data[k]
	}
	return out
}
