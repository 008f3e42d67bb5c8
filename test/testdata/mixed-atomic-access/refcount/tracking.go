package fixtures

import "sync/atomic"

// delivery is shared by every copy of a tracked message; the copy that drops the last
// reference reports how many were accepted.
type delivery struct {
	refs     int32
	accepted int32
	rejected int32
	report   func(accepted, rejected int)
}

func (d *delivery) incr() {
	atomic.AddInt32(&d.refs, 1)
}

func (d *delivery) decr() int32 {
	return atomic.AddInt32(&d.refs, -1)
}

func (d *delivery) accept() {
	atomic.AddInt32(&d.accepted, 1)
}

func (d *delivery) reject() {
	atomic.AddInt32(&d.rejected, 1)
}

// ok: notify runs only with the last reference (or on a value just built), after every holder's update
func (d *delivery) notify() {
	d.report(int(d.accepted), int(d.rejected))
}

// Refs can be asked by any holder while others still change the count.
func (d *delivery) Refs() int32 {
	return d.refs // want "`d.refs` is read without sync/atomic, while `incr` uses `atomic.AddInt32`"
}

// Pending is asked by anyone, at any time.
func (d *delivery) Pending() int32 {
	return d.accepted // want "`d.accepted` is read without sync/atomic"
}

type message struct {
	d *delivery
}

func newGroup(n int, report func(accepted, rejected int)) []*message {
	d := &delivery{report: report}
	out := make([]*message, 0, n)
	for i := 0; i < n; i++ {
		d.incr()
		out = append(out, &message{d: d})
	}
	if n == 0 {
		d.notify()
	}
	return out
}

func (m *message) Accept() {
	m.d.accept()
	m.release()
}

func (m *message) Reject() {
	m.d.reject()
	m.release()
}

func (m *message) release() {
	v := m.d.decr()
	if v < 0 {
		panic("negative reference count")
	}
	if v == 0 {
		m.d.notify()
	}
}
