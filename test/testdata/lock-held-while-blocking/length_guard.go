package fixtures

import "sync"

// sarama's mock partition consumer: Resume moves the messages buffered while paused, under the
// lock that YieldMessage holds while it buffers them.
type Partition struct {
	l          sync.Mutex
	paused     bool
	suppressed chan string
	messages   chan string
}

func newPartition(size int) *Partition {
	return &Partition{suppressed: make(chan string, size), messages: make(chan string, size)}
}

func (pc *Partition) Yield(msg string) {
	pc.l.Lock()
	defer pc.l.Unlock()
	if pc.paused {
		pc.suppressed <- msg
	} else {
		pc.messages <- msg
	}
}

// ok: the receive runs only while the buffer holds a value, so it never waits for Yield.
func (pc *Partition) Resume() {
	pc.l.Lock()
	defer pc.l.Unlock()
	for len(pc.suppressed) > 0 {
		msg := <-pc.suppressed
		pc.messages <- msg
	}
	pc.paused = false
}

// takeOne receives only when a value is buffered.
func (pc *Partition) takeOne() string {
	if len(pc.suppressed) != 0 {
		return <-pc.suppressed
	}
	return ""
}

// ok: the same through a helper.
func (pc *Partition) Peek() string {
	pc.l.Lock()
	defer pc.l.Unlock()
	return pc.takeOne()
}

// Without the length check the receive waits for Yield, which needs the lock: reported.
func (pc *Partition) Next() string {
	pc.l.Lock()
	defer pc.l.Unlock()
	return <-pc.suppressed // want "`<-pc.suppressed` waits while holding `pc.l`, but the sender `Partition.Yield` needs it first: deadlock"
}

// VictoriaMetrics' fast queue: the helper refuses to run on an empty buffer, so its receive
// takes a buffered value.
func (pc *Partition) mustReadLocked() string {
	if len(pc.suppressed) == 0 {
		panic("BUG: the caller must check the queue length first")
	}
	return <-pc.suppressed
}

// ok: the helper's receive never waits.
func (pc *Partition) ReadIfAny() (string, bool) {
	pc.l.Lock()
	defer pc.l.Unlock()
	if len(pc.suppressed) > 0 {
		return pc.mustReadLocked(), true
	}
	return "", false
}

// An emptiness check that does not leave guards nothing: reported.
func (pc *Partition) ReadLogged() string {
	pc.l.Lock()
	defer pc.l.Unlock()
	if len(pc.suppressed) == 0 {
		println("empty, waiting")
	}
	return <-pc.suppressed // want "`<-pc.suppressed` waits while holding `pc.l`, but the sender `Partition.Yield` needs it first: deadlock"
}

// drainOne empties a buffer of one (fabric's leader election drains its interrupt channel so).
func (pc *Partition) drainOne() {
	if len(pc.suppressed) == 1 {
		<-pc.suppressed
	}
}

// ok: with one value buffered the receive does not wait.
func (pc *Partition) Wake() {
	pc.l.Lock()
	pc.paused = false
	pc.drainOne()
	pc.l.Unlock()
}

// `len(ch) == 0` guards a receive that must wait.
func (pc *Partition) drainNone() {
	if len(pc.suppressed) == 0 {
		<-pc.suppressed
	}
}

func (pc *Partition) Sleep() {
	pc.l.Lock()
	pc.paused = true
	pc.drainNone() // want "`pc.drainNone\\(\\)` receives from `pc.suppressed` while holding `pc.l`, but the sender `Partition.Yield` needs it first: deadlock"
	pc.l.Unlock()
}
