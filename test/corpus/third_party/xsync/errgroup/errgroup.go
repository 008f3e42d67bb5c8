// Package errgroup is a minimal stand-in for golang.org/x/sync/errgroup, wired in by a replace
// directive in the corpus go.mod so the corpus builds without network access: a group of
// goroutines whose first error cancels a shared context.
package errgroup

import (
	"context"
	"sync"
)

type Group struct {
	cancel func()
	wg     sync.WaitGroup
	once   sync.Once
	err    error
}

// WithContext returns a group and a context cancelled when a goroutine of the group fails or
// when Wait returns.
func WithContext(ctx context.Context) (*Group, context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	return &Group{cancel: cancel}, ctx
}

// Go runs f on a new goroutine.
func (g *Group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.once.Do(func() {
				g.err = err
				if g.cancel != nil {
					g.cancel()
				}
			})
		}
	}()
}

// Wait blocks until every goroutine of the group has returned and reports the first error.
func (g *Group) Wait() error {
	g.wg.Wait()
	if g.cancel != nil {
		g.cancel()
	}
	return g.err
}
