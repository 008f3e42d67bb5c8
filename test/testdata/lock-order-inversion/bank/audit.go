package bank

func (l *Ledger) record(acct string) {
	l.audit.mu.Lock()
	l.audit.entries = append(l.audit.entries, acct)
	l.audit.mu.Unlock()
}

func (l *Ledger) Flush() []string {
	l.audit.mu.Lock()
	defer l.audit.mu.Unlock()
	out := l.audit.entries
	for i, e := range out {
		out[i] = e + ": " + itoa(l.balance(e)) // want "`l\\.balance\\(e\\)` locks `l\\.mu` while holding `l\\.audit\\.mu`; `Ledger\\.Post` takes them in reverse"
	}
	l.audit.entries = nil
	return out
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
