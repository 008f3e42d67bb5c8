package flagged

import "sync"

type Entry struct{ ID int }

// Cron keeps its loop's state in a flag guarded by runningMu, as robfig/cron does.
type Cron struct {
	add       chan *Entry
	stop      chan struct{}
	running   bool
	runningMu sync.Mutex
	entries   []*Entry
}

// ok: the send happens only while running, read under runningMu, and Run sets running in the
// section it leaves before it receives: whenever the send waits, Run is past its lock.
func (c *Cron) Schedule(e *Entry) {
	c.runningMu.Lock()
	defer c.runningMu.Unlock()
	if !c.running {
		c.entries = append(c.entries, e)
	} else {
		c.add <- e // ok
	}
}

// ok: the same for the stop.
func (c *Cron) Stop() {
	c.runningMu.Lock()
	defer c.runningMu.Unlock()
	if c.running {
		c.stop <- struct{}{} // ok
		c.running = false
	}
}

func (c *Cron) Run() {
	c.runningMu.Lock()
	if c.running {
		c.runningMu.Unlock()
		return
	}
	c.running = true
	c.runningMu.Unlock()
	c.run()
}

func (c *Cron) run() {
	for {
		select {
		case e := <-c.add:
			c.entries = append(c.entries, e)
		case <-c.stop:
			return
		}
	}
}

// Ticker's flag is set by Enable, not by the section the receiver locks first: the receiver
// may still be waiting for the lock when the send starts.
type Ticker struct {
	mu      sync.Mutex
	enabled bool
	count   int
	ticks   chan int
}

func (t *Ticker) Enable() {
	t.mu.Lock()
	t.enabled = true
	t.mu.Unlock()
}

func (t *Ticker) Tick(n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.enabled {
		t.ticks <- n // want "`t.ticks <- n` waits while holding `t.mu`, but the receiver `Ticker.Run` needs it first: deadlock"
	}
}

func (t *Ticker) Run() {
	t.mu.Lock()
	t.count = 0
	t.mu.Unlock()
	for {
		n := <-t.ticks
		t.count += n
	}
}
