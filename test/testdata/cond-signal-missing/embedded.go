package fixtures

import "sync"

// ok: the cond is embedded; the waiter count goes up right before a Broadcast on the struct itself.
type window struct {
	*sync.Cond
	win          uint32
	writeWaiters int
	closed       bool
}

func (w *window) reserve(n uint32) uint32 {
	w.L.Lock()
	w.writeWaiters++ // ok: w.Broadcast() is the embedded cond's
	w.Broadcast()
	for w.win == 0 && !w.closed {
		w.Wait()
	}
	w.writeWaiters--
	w.win -= n
	w.L.Unlock()
	return n
}

func (w *window) waitWriterBlocked() {
	w.L.Lock()
	for w.writeWaiters == 0 {
		w.Wait()
	}
	w.L.Unlock()
}

func (w *window) add(n uint32) {
	w.L.Lock()
	w.win += n // want "`w\\.win \\+= n` lets `reserve` stop waiting, but `add` never wakes it with Signal or"
	w.L.Unlock()
}

// A ring buffer: reading the last byte must wake Flush, which waits for an empty buffer.
type Ring struct {
	mu       sync.Mutex
	readCond *sync.Cond
	r, w     int
	full     bool
	buf      []byte
}

func (b *Ring) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.w != b.r || b.full {
		b.readCond.Wait()
	}
}

func (b *Ring) ReadByte() byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.buf[b.r]
	b.r = (b.r + 1) % len(b.buf)
	b.full = false // want "`b\\.full = false` lets `Flush` stop waiting, but `ReadByte` never wakes it with Signal or"
	return c
}

func (b *Ring) Read(p []byte) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := copy(p, b.buf[b.r:])
	b.r = (b.r + n) % len(b.buf)
	b.full = false // ok: broadcast below
	b.readCond.Broadcast()
	return n
}
