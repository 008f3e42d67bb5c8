package bank

import "sync"

type auditLog struct {
	mu      sync.Mutex
	entries []string
}

type Ledger struct {
	mu       sync.Mutex
	balances map[string]int
	audit    auditLog
}

func (l *Ledger) Post(acct string, n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.balances[acct] += n
	l.record(acct) // want "`l\\.record\\(acct\\)` locks `l\\.audit\\.mu` while holding `l\\.mu`; `Ledger\\.Flush` takes them in reverse"
}

func (l *Ledger) balance(acct string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.balances[acct]
}

// ok: the same order as Post, in the other direction of the call graph.
func (l *Ledger) Total() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := 0
	for _, v := range l.balances {
		t += v
	}
	return t
}
