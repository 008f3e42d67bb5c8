package main

import (
	"flag"
	"time"
)

type discoverer struct {
	every time.Duration
	stop  chan struct{}
}

// ok: run is called once, as main's last statement (nsq_to_file): its ticker lives as long as the process.
func (d *discoverer) run() {
	tick := time.Tick(d.every)
	for {
		select {
		case <-tick:
			println("refresh")
		case <-d.stop:
			return
		}
	}
}

// refresh is called on every request: each call leaves a ticker behind.
func (d *discoverer) refresh() {
	tick := time.Tick(d.every) // want "starts an unstoppable ticker"
	select {
	case <-tick:
	case <-d.stop:
	}
}

func serve(d *discoverer) {
	for i := 0; i < 3; i++ {
		d.refresh()
	}
}

func main() {
	every := flag.Duration("every", time.Minute, "refresh interval")
	flag.Parse()
	d := &discoverer{every: *every, stop: make(chan struct{})}
	serve(d)
	d.run()
}
