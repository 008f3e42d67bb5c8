package fixtures

import (
	"log"
	"os"
	"time"
)

type cache struct{ items map[string]time.Time }

func (c *cache) sweep(stop <-chan struct{}) {
	tick := time.Tick(time.Minute) // want "`time\\.Tick\\(time\\.Minute\\)` starts an unstoppable ticker; before Go 1\\.23 it keeps firing after"
	for {
		select {
		case <-stop:
			return
		case now := <-tick:
			for k, t := range c.items {
				if now.Sub(t) > time.Hour {
					delete(c.items, k)
				}
			}
		}
	}
}

func report(done <-chan struct{}, every time.Duration) {
	for range time.Tick(every) { // want "starts an unstoppable ticker"
		select {
		case <-done:
			return
		default:
		}
		log.Println("alive")
	}
}

func waitUntil(cond func() bool) {
	for !cond() {
		<-time.Tick(10 * time.Millisecond) // want "`time\\.Tick\\(10 \\* time\\.Millisecond\\)` starts a new unstoppable ticker on every loop pass"
	}
}

func heartbeat(out chan<- struct{}, n int) {
	t := time.Tick(time.Second) // want "unstoppable ticker"
	for i := 0; i < n; i++ {
		<-t
		out <- struct{}{}
	}
}

// ok: the goroutine never returns, so the ticker lives exactly as long as it.
func startJanitor(c *cache) {
	go func() {
		for range time.Tick(time.Minute) {
			c.items = map[string]time.Time{}
		}
	}()
}

// ok: an endless loop over a ticker variable, without any way out.
func logForever() {
	tick := time.Tick(time.Hour)
	for {
		<-tick
		log.Println("hourly")
	}
}

// ok: a ticker that is stopped.
func stopped(stop <-chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

// ok: package-level tickers live as long as the program.
var global = time.Tick(time.Second)

func init() {
	// ok: init runs once for the program's lifetime.
	go func() {
		for range time.Tick(time.Minute) {
			log.Println(len(global))
		}
	}()
}

// ok: every way out of the loop ends the process (gocraft/work's benchmark monitor): the ticker
// never outlives the function.
func monitorUntilIdle(count func() int64) {
	t := time.Tick(time.Second)
	prev := int64(-1)
loop:
	for {
		select {
		case <-t:
			v := count()
			if v == prev {
				break loop
			}
			prev = v
		}
	}
	println("idle")
	os.Exit(0)
}

// The same loop, returning once idle: the ticker goes on firing after it.
func monitorUntilIdleReturns(count func() int64) {
	t := time.Tick(time.Second) // want "starts an unstoppable ticker"
	prev := int64(-1)
loop:
	for {
		select {
		case <-t:
			v := count()
			if v == prev {
				break loop
			}
			prev = v
		}
	}
	println("idle")
}
