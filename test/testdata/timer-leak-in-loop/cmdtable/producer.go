package main

import "time"

type producer struct {
	every time.Duration
	sent  int
}

// A command picked by name from the command line, which nothing calls by name: one ticker for
// the run of the process (rocketmq's benchmark commands; information).
func (p *producer) run(args []string) {
	deadline := time.Tick(time.Minute) // want "starts an unstoppable ticker; before Go 1.23 it keeps firing after `run` returns"
	for p.sent < 1_000_000 {
		select {
		case <-deadline:
			p.report()
			return
		default:
			p.sent++
		}
	}
	p.drain()
}

// A new ticker on every pass of the loop: still a warning in a command.
func (p *producer) report() {
	for i := 0; i < p.sent; i++ {
		<-time.Tick(p.every) // want "starts a new unstoppable ticker on every loop pass"
	}
}

// Called once by the command alone: one ticker per process too (information).
func (p *producer) drain() {
	stop := time.Tick(p.every) // want "starts an unstoppable ticker; before Go 1.23 it keeps firing after `drain` returns"
	for p.sent > 0 {
		select {
		case <-stop:
			return
		default:
			p.sent--
		}
	}
}
