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

func New() *Cron {
	return &Cron{add: make(chan *Entry), stop: make(chan struct{})}
}

// ok: the send happens only while running, read under runningMu; Stop clears running in the
// section where it stops the loop, so no send follows the stop.
func (c *Cron) Schedule(e *Entry) {
	c.runningMu.Lock()
	defer c.runningMu.Unlock()
	if !c.running {
		c.entries = append(c.entries, e)
	} else {
		c.add <- e // ok
	}
}

// The flag read before the lock is taken can be stale by the time of the send.
func (c *Cron) ScheduleRacy(e *Entry) {
	if c.running {
		c.runningMu.Lock()
		c.add <- e // want "`c.add <- e` blocks forever once `run` has returned on `<-c.stop` \\(line 56\\): no other goroutine receives"
		c.runningMu.Unlock()
	}
}

func (c *Cron) Start() {
	c.runningMu.Lock()
	defer c.runningMu.Unlock()
	if c.running {
		return
	}
	c.running = true
	go c.run()
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

func (c *Cron) Stop() {
	c.runningMu.Lock()
	defer c.runningMu.Unlock()
	if c.running {
		c.stop <- struct{}{}
		c.running = false
	}
}
