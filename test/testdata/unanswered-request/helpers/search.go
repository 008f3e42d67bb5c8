package helpers

import (
	"context"
	"time"
)

type findReq struct {
	prefix string
	reply  chan string
}

// Finder's helper answers from inside its search loop, and falls off its end when nothing matches.
type Finder struct {
	findc chan findReq
	names []string
}

func (f *Finder) find(r findReq) {
	for _, n := range f.names {
		if len(n) >= len(r.prefix) && n[:len(r.prefix)] == r.prefix {
			r.reply <- n
			return
		}
	}
}

func (f *Finder) loop(ctx context.Context) {
	for {
		select {
		case r := <-f.findc:
			f.find(r)
		case <-ctx.Done():
			return
		}
	}
}

func (f *Finder) Find(ctx context.Context, prefix string) string {
	r := findReq{prefix: prefix, reply: make(chan string, 1)}
	select {
	case f.findc <- r:
	case <-ctx.Done():
		return ""
	}
	return <-r.reply // want "`<-r.reply` blocks forever if `loop` takes this request and `find`, which it hands the request to, returns without replying \\(line 26\\)"
}

type pingReq struct {
	sent time.Time
	rtt  chan time.Duration
}

// Prober's helper takes a pointer and gives up once the prober is paused; the case goes on
// with other work after the call.
type Prober struct {
	pingc  chan *pingReq
	stop   chan struct{}
	paused bool
	count  int
}

func (p *Prober) pong(r *pingReq) {
	if p.paused {
		return
	}
	r.rtt <- time.Since(r.sent)
}

func (p *Prober) run() {
	for {
		select {
		case r := <-p.pingc:
			p.pong(r)
			p.count++
		case <-p.stop:
			return
		}
	}
}

func (p *Prober) Ping() time.Duration {
	r := &pingReq{sent: time.Now(), rtt: make(chan time.Duration, 1)}
	select {
	case p.pingc <- r:
	case <-p.stop:
		return 0
	}
	return <-r.rtt // want "`<-r.rtt` blocks forever if `run` takes this request and `pong`, which it hands the request to, returns without replying \\(line 65\\)"
}

// A second caller of the same loop.
func (p *Prober) PingTwice() (time.Duration, time.Duration) {
	a := &pingReq{sent: time.Now(), rtt: make(chan time.Duration, 1)}
	p.pingc <- a
	first := <-a.rtt // want "`<-a.rtt` blocks forever if `run` takes this request and `pong`"
	return first, first
}

// ok: Tracker's helper answers on every path, in a switch with a default.
type Tracker struct {
	trackc chan findReq
	mode   int
}

func (t *Tracker) track(r findReq) {
	switch t.mode {
	case 0:
		r.reply <- "off"
	default:
		r.reply <- r.prefix
	}
}

func (t *Tracker) loop() {
	for r := range t.trackc {
		t.track(r)
	}
}

func (t *Tracker) Track(prefix string) string {
	r := findReq{prefix: prefix, reply: make(chan string, 1)}
	t.trackc <- r
	return <-r.reply // ok
}

// ok: the loop answers after the helper when the helper did not.
type Fallback struct {
	fc    chan findReq
	names []string
}

func (b *Fallback) lookup(r findReq) {
	for _, n := range b.names {
		if n == r.prefix {
			r.reply <- n
			return
		}
	}
}

func (b *Fallback) loop() {
	for r := range b.fc {
		b.lookup(r)
		select {
		case r.reply <- "":
		default:
		}
	}
}

func (b *Fallback) Lookup(prefix string) string {
	r := findReq{prefix: prefix, reply: make(chan string, 1)}
	b.fc <- r
	return <-r.reply // ok
}
