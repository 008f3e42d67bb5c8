package txembed

import "sync"

type store struct {
	mu  sync.RWMutex
	rev int64
}

type txnCommon struct {
	s     *store
	trace string
}

type txnWrite struct {
	txnCommon
	changes []string
}

// ok: Write hands the read lock to the returned transaction; End, through the embedded
// txnCommon's s, releases it.
func (s *store) Write() *txnWrite {
	s.mu.RLock()
	return &txnWrite{txnCommon: txnCommon{s: s}}
}

func (tw *txnWrite) End() {
	tw.s.mu.RUnlock()
}

func (s *store) Bump() {
	s.mu.Lock() // want "`s\\.mu\\.Lock\\(\\)` is never unlocked: `Bump` returns with it held, so the next `Lock` blocks"
	s.rev++
}
