package fixtures

import (
	"context"
	"log"
	"time"
)

// loki's chunk mover: a worker takes ranges until ctx ends, but the work on each range, its
// retries included, runs under the mover's own context (m.ctx), on purpose: a range handed out
// is finished even after the producer has cancelled ctx. The retry's pause follows m.ctx too.

type fetcher interface {
	Fetch(ctx context.Context, ids []string) ([]string, error)
}

type mover struct {
	ctx context.Context
	f   fetcher
}

func (m *mover) move(ctx context.Context, ranges <-chan []string) {
	for {
		select {
		case <-ctx.Done():
			return
		case ids := <-ranges:
			for retry := 4; retry >= 0; retry-- {
				if _, err := m.f.Fetch(m.ctx, ids); err == nil {
					break
				}
				log.Println("will retry")
				time.Sleep(30 * time.Second) // ok
			}
		}
	}
}

// The retry passes ctx itself: its pause should follow ctx as well.
func (m *mover) moveFollowing(ctx context.Context, ids []string) {
	for retry := 4; retry >= 0; retry-- {
		if _, err := m.f.Fetch(ctx, ids); err == nil {
			return
		}
		time.Sleep(30 * time.Second) // want "ignores `ctx`"
	}
}

// Another context in the loop, but the loop checks ctx too: the pause still holds ctx up.
func (m *mover) moveChecking(ctx context.Context, ids []string) {
	for ctx.Err() == nil {
		if _, err := m.f.Fetch(m.ctx, ids); err == nil {
			return
		}
		time.Sleep(30 * time.Second) // want "ignores `ctx`"
	}
}
