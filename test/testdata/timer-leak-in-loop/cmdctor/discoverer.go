package main

import "time"

type discoverer struct {
	every time.Duration
	stop  chan struct{}
}

func newDiscoverer(every time.Duration) (*discoverer, error) {
	return &discoverer{every: every, stop: make(chan struct{})}, nil
}

// ok: main calls run once, on a value its constructor (declared in this file) returns, after
// an early return for bad flags: the ticker lives as long as the process.
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

// poll is called in main's retry loop: each call leaves a ticker behind.
func (d *discoverer) poll() bool {
	tick := time.Tick(d.every) // want "starts an unstoppable ticker"
	select {
	case <-tick:
		return true
	case <-d.stop:
		return false
	}
}
