package fixtures

import (
	"context"
	"errors"
	"log"
	"time"
)

type pool struct {
	buckets []string
	status  map[string]string
}

// load logs what fails and goes on: every return gives a nil error.
func (p *pool) load(ctx context.Context) error {
	for _, b := range p.buckets {
		st, err := fetchStatus(ctx, b)
		if err != nil {
			log.Println(err)
			continue
		}
		p.status[b] = st
	}
	return nil
}

// loadStrict gives up on the first failure.
func (p *pool) loadStrict(ctx context.Context) error {
	for _, b := range p.buckets {
		st, err := fetchStatus(ctx, b)
		if err != nil {
			return err
		}
		p.status[b] = st
	}
	return nil
}

// loadNamed returns nil, but a deferred closure may set its named result.
func (p *pool) loadNamed(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("panicked")
		}
	}()
	for _, b := range p.buckets {
		p.status[b], _ = fetchStatus(ctx, b)
	}
	return nil
}

func fetchStatus(ctx context.Context, b string) (string, error) { return b, ctx.Err() }

// load never fails, so the retry pause never runs.
func (p *pool) resync(ctx context.Context, pause time.Duration) {
	for {
		if err := p.load(ctx); err == nil {
			<-ctx.Done()
			return
		}
		time.Sleep(pause) // ok
	}
}

// The same with the error kept in a variable and the pause in the branch of the failure.
func (p *pool) resyncOnError(ctx context.Context, pause time.Duration) {
	for {
		err := p.load(ctx)
		if err != nil {
			time.Sleep(pause) // ok
			continue
		}
		return
	}
}

// loadStrict can fail: the pause runs.
func (p *pool) resyncStrict(ctx context.Context, pause time.Duration) {
	for {
		if err := p.loadStrict(ctx); err == nil {
			<-ctx.Done()
			return
		}
		time.Sleep(pause) // want "`time.Sleep\\(pause\\)` in a loop ignores `ctx`"
	}
}

// A named result that a deferred recover may set: not known to be nil.
func (p *pool) resyncNamed(ctx context.Context, pause time.Duration) {
	for {
		if err := p.loadNamed(ctx); err == nil {
			return
		}
		time.Sleep(pause) // want "`time.Sleep\\(pause\\)` in a loop ignores `ctx`"
	}
}

// err is set again by another call before the check.
func (p *pool) resyncTwice(ctx context.Context, pause time.Duration) {
	for {
		err := p.load(ctx)
		if err == nil {
			err = p.loadStrict(ctx)
		}
		if err != nil {
			time.Sleep(pause) // want "`time.Sleep\\(pause\\)` in a loop ignores `ctx`"
			continue
		}
		return
	}
}
