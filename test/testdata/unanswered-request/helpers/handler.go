package helpers

import "errors"

type leaseReq struct {
	ttl   int
	reply chan int64
}

// Lessor's loop lives in this file; the helper that answers lives in lessor.go.
type Lessor struct {
	grantc chan leaseReq
	stop   chan struct{}
	next   int64
	max    int64
}

func (l *Lessor) serve() {
	for {
		select {
		case r := <-l.grantc:
			l.grant(r)
		case <-l.stop:
			return
		}
	}
}

func (l *Lessor) Grant(ttl int) (int64, error) {
	r := leaseReq{ttl: ttl, reply: make(chan int64, 1)}
	select {
	case l.grantc <- r:
	case <-l.stop:
		return 0, errors.New("stopped")
	}
	return <-r.reply, nil // want "`<-r.reply` blocks forever if `serve` takes this request and `grant`, which it hands the request to, returns without replying \\(lessor.go:6\\)"
}

// ok: Checker's helper answers on every path.
type Checker struct {
	checkc chan leaseReq
}

func (c *Checker) loop() {
	for r := range c.checkc {
		c.check(r)
	}
}

func (c *Checker) Check(ttl int) int64 {
	r := leaseReq{ttl: ttl, reply: make(chan int64, 1)}
	c.checkc <- r
	return <-r.reply // ok
}
