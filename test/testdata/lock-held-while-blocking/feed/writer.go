package feed

func (r *Reader) push(s string) {
	r.mu.Lock()
	r.pending++
	r.mu.Unlock()
	r.lines <- s
}

// ok: the reader in reader.go holds r.mu only while it waits for lines, not for done.
func (r *Reader) Close(done chan struct{}) {
	close(done)
}
