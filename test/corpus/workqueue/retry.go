package workqueue

import (
	"context"
	"errors"
	"net/http"
	"time"
)

var errGaveUp = errors.New("workqueue: gave up after retries")

type Client struct {
	hc      *http.Client
	base    string
	backoff time.Duration
	limiter *Limiter
}

// Do retries with a sleep that ignores ctx.
func (c *Client) Do(ctx context.Context, req *http.Request) (*http.Response, error) {
	for attempt := 0; attempt < 5; attempt++ {
		resp, err := c.hc.Do(req.WithContext(ctx))
		if err == nil && resp.StatusCode < 500 {
			return resp, nil
		}
		if err == nil {
			resp.Body.Close()
		}
		time.Sleep(c.backoff << attempt) // want "time.Sleep"
	}
	return nil, errGaveUp
}

// ok: the backoff wait is interruptible.
func (c *Client) DoFixed(ctx context.Context, req *http.Request) (*http.Response, error) {
	for attempt := 0; attempt < 5; attempt++ {
		resp, err := c.hc.Do(req.WithContext(ctx))
		if err == nil && resp.StatusCode < 500 {
			return resp, nil
		}
		if err == nil {
			resp.Body.Close()
		}
		t := time.NewTimer(c.backoff << attempt)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	return nil, errGaveUp
}

// fetchAll gives each request its own timeout but defers every cancel to the end of the loop's
// function: contexts pile up until fetchAll returns.
func (c *Client) fetchAll(ctx context.Context, urls []string) error {
	for _, u := range urls {
		rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel() // want "loop|defer"
		req, err := http.NewRequestWithContext(rctx, http.MethodGet, u, nil)
		if err != nil {
			return err
		}
		resp, err := c.hc.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
	}
	return nil
}

// ok: a helper per request releases each context when the request is done.
func (c *Client) fetchAllFixed(ctx context.Context, urls []string) error {
	for _, u := range urls {
		if err := c.fetchOne(ctx, u); err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) fetchOne(ctx context.Context, u string) error {
	rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

type Limiter struct {
	tokens chan struct{}
	stop   chan struct{}
}

// ok: the refill loop leaves on stop; the ticker is stopped.
func NewLimiter(rate time.Duration, burst int) *Limiter {
	l := &Limiter{tokens: make(chan struct{}, burst), stop: make(chan struct{})}
	go func() {
		t := time.NewTicker(rate)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				select {
				case l.tokens <- struct{}{}:
				default:
				}
			case <-l.stop:
				return
			}
		}
	}()
	return l
}

// ok: waiting for a token also watches ctx.
func (l *Limiter) Wait(ctx context.Context) error {
	select {
	case <-l.tokens:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
