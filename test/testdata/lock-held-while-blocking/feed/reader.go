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
	return <-r.lines // want "`<-r\\.lines` waits while holding `r\\.mu`, but the sender `Reader\\.push` needs it first: deadlock"
}

// ok: Count waits for nothing.
func (r *Reader) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pending
}
