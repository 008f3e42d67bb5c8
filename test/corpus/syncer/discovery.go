package syncer

import (
	"context"
	"errors"
	"time"
)

var errLookupTimeout = errors.New("syncer: lookup timed out")

type globalClient struct {
	server   string
	announce func(ctx context.Context) error
	query    func(device string) ([]string, error)
	interval time.Duration
}

// Serve announces forever; the loop never looks at ctx.
func (c *globalClient) Serve(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for { // want "never watches `ctx.Done\\(\\)`"
		select {
		case <-timer.C:
			if err := c.announce(ctx); err != nil {
				timer.Reset(time.Minute)
				continue
			}
			timer.Reset(c.interval)
		}
	}
}

// ok: the same loop, ending with ctx.
func (c *globalClient) ServeFixed(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
			if err := c.announce(ctx); err != nil {
				timer.Reset(time.Minute)
				continue
			}
			timer.Reset(c.interval)
		}
	}
}

type lookupResult struct {
	addrs []string
	err   error
}

// Lookup gives up after a timeout and abandons the querying goroutine on its send.
func (c *globalClient) Lookup(device string, timeout time.Duration) ([]string, error) {
	resc := make(chan lookupResult)
	go func() {
		addrs, err := c.query(device)
		resc <- lookupResult{addrs, err} // want "blocks forever"
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-resc:
		return r.addrs, r.err
	case <-timer.C:
		return nil, errLookupTimeout
	}
}

// ok: buffered result channel.
func (c *globalClient) LookupFixed(device string, timeout time.Duration) ([]string, error) {
	resc := make(chan lookupResult, 1)
	go func() {
		addrs, err := c.query(device)
		resc <- lookupResult{addrs, err}
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-resc:
		return r.addrs, r.err
	case <-timer.C:
		return nil, errLookupTimeout
	}
}

// ok: the sender watches a quit channel that the caller closes on return.
func (c *globalClient) LookupQuit(device string, timeout time.Duration) ([]string, error) {
	resc := make(chan lookupResult)
	quit := make(chan struct{})
	defer close(quit)
	go func() {
		addrs, err := c.query(device)
		select {
		case resc <- lookupResult{addrs, err}:
		case <-quit:
		}
	}()
	select {
	case r := <-resc:
		return r.addrs, r.err
	case <-time.After(timeout):
		return nil, errLookupTimeout
	}
}
