package handoff

type queryExecutor struct {
	txmgr       *TxMgr
	txid        string
	doneInvoked bool
	reads       int
}

// Done releases the read lock NewQueryExecutor returned holding, once.
func (q *queryExecutor) Done() {
	if q.doneInvoked {
		return
	}
	defer func() {
		q.txmgr.commitRWLock.RUnlock()
		q.doneInvoked = true
	}()
	q.txmgr.statsMu.RLock()
	defer q.txmgr.statsMu.RUnlock()
	q.reads++
}
