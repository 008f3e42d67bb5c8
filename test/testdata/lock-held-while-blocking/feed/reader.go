package feed

import "sync"

type Reader struct {
	mu      sync.Mutex
	lines   chan string
	pending int
}

func (r *Reader) ReadLine() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending--
	return <-r.lines // want "`<-r.lines` waits while holding `r.mu` \\(locked at line 12\\), but the sender `Reader.push` locks `r.mu` \\(writer.go:4\\) before it sends on `r.lines` \\(writer.go:7\\)"
}

// ok: Count waits for nothing.
func (r *Reader) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pending
}
