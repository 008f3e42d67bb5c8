package crawl

import (
	"context"
	"log/slog"

	"golang.org/x/sync/errgroup"
)

type logger interface{ Log(keyvals ...any) error }

func withContext(ctx context.Context, l logger) logger { return l }

type store struct {
	l      logger
	client cacheClient
}

type cacheClient interface {
	Info(ctx context.Context, section string)
}

func open(id string) error { return nil }

// ok: the workers use the parent context only to tag their log lines (cortex's ingester); the
// producer watches gctx and closes the queue, which ends them.
func (s *store) openAll(ctx context.Context, ids []string) error {
	queue := make(chan string)
	g, gctx := errgroup.WithContext(ctx)
	for i := 0; i < 4; i++ {
		g.Go(func() error {
			for id := range queue {
				if err := open(id); err != nil {
					withContext(ctx, s.l).Log("msg", "cannot open", "id", id, "err", err)
					slog.ErrorContext(ctx, "cannot open", "id", id)
					return err
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		defer close(queue)
		for _, id := range ids {
			select {
			case queue <- id:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	return g.Wait()
}

// A call that takes the parent context itself may wait on it.
func (s *store) refreshAll(ctx context.Context, sections []string) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, section := range sections {
		g.Go(func() error {
			s.client.Info(ctx, section) // want "this `g.Go` function uses the parent `ctx`"
			return nil
		})
	}
	_ = gctx
	return g.Wait()
}
