package fixtures

import "sync/atomic"

type buffer struct {
	refs  int64
	bytes int64
	data  []byte
	free  func([]byte, int64)
}

func (b *buffer) retain() {
	atomic.AddInt64(&b.refs, 1)
}

func (b *buffer) write(p []byte) {
	atomic.AddInt64(&b.bytes, int64(len(p)))
}

// ok: the goroutine whose decrement reaches zero holds the last reference
func (b *buffer) Release() {
	if atomic.AddInt64(&b.refs, -1) == 0 {
		b.free(b.data, b.bytes)
	}
}

// ok: after `if n != 0 { return }` only the last holder goes on
func (b *buffer) Done() {
	n := atomic.AddInt64(&b.refs, -1)
	if n != 0 {
		return
	}
	b.free(b.data, b.bytes)
}

// The test is the wrong way round: every holder but the last reads.
func (b *buffer) Drop() {
	if atomic.AddInt64(&b.refs, -1) != 0 {
		b.free(nil, b.bytes) // want "`b.bytes` is read without sync/atomic"
	}
}

// An increment says nothing about the other holders.
func (b *buffer) Share() {
	if atomic.AddInt64(&b.refs, 1) == 1 {
		b.free(nil, b.bytes) // want "`b.bytes` is read without sync/atomic"
	}
}

// ok: the reference count of the buffer reaches zero, and the read is of the same buffer
func (b *buffer) size() int64 {
	return b.bytes
}

func (b *buffer) Close() int64 {
	if atomic.AddInt64(&b.refs, -1) == 0 {
		return b.size()
	}
	return 0
}

// A read of another buffer when this one's count reaches zero is not ordered.
func (b *buffer) Steal(other *buffer) int64 {
	if atomic.AddInt64(&b.refs, -1) == 0 {
		return other.bytes // want "`other.bytes` is read without sync/atomic"
	}
	return 0
}
