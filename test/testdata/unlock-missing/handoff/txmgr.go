package handoff

import "sync"

type TxMgr struct {
	commitRWLock sync.RWMutex
	statsMu      sync.RWMutex
}

func (txmgr *TxMgr) NewQueryExecutor(txid string) (*queryExecutor, error) {
	qe := &queryExecutor{txmgr: txmgr, txid: txid}
	// ok: this goes with the executor; its Done, in executor.go, releases it in a deferred literal
	// (fabric's transaction manager). A doc comment here would say so to the rule by its words.
	txmgr.commitRWLock.RLock()
	return qe, nil
}

// Commit waits for every open executor.
func (txmgr *TxMgr) Commit() {
	txmgr.commitRWLock.Lock()
	defer txmgr.commitRWLock.Unlock()
	txmgr.statsMu.Lock()
	defer txmgr.statsMu.Unlock()
}

func (txmgr *TxMgr) NewStatsReader() (*queryExecutor, error) {
	qe := &queryExecutor{txmgr: txmgr}
	// The executor's Done also defers a release of statsMu, after taking statsMu itself: that
	// release is Done's own, and nothing releases what this takes.
	txmgr.statsMu.RLock() // want "`txmgr\\.statsMu\\.RLock\\(\\)` is never unlocked: `NewStatsReader` returns with it held"
	return qe, nil
}
