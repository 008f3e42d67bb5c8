package pins

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// kubo's remote pin count: one goroutine per status of a list of distinct constants, each
// writing the field its status selects. No two goroutines run the same case, so no field has
// two writers, and Wait orders the writes before the read.

type Status string

const (
	Queued  Status = "queued"
	Pinning Status = "pinning"
	Pinned  Status = "pinned"
	Failed  Status = "failed"
)

type Count struct {
	Queued, Pinning, Pinned, Failed int
}

func count(ctx context.Context, ls func(context.Context, Status) (int, error)) (*Count, error) {
	statuses := []Status{Queued, Pinning, Pinned, Failed}
	g, ctx := errgroup.WithContext(ctx)
	pc := &Count{}
	for _, s := range statuses {
		status := s
		g.Go(func() error {
			n, err := ls(ctx, status)
			if err != nil {
				return err
			}
			switch status {
			case Queued:
				pc.Queued = n // ok
			case Pinning:
				pc.Pinning = n // ok
			case Pinned:
				pc.Pinned = n // ok
			case Failed:
				pc.Failed = n // ok
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return pc, nil
}

// The same over a literal ranged directly.
func countLiteral(ctx context.Context, ls func(context.Context, Status) (int, error)) *Count {
	var g errgroup.Group
	pc := &Count{}
	for _, s := range []Status{Queued, Pinned} {
		s := s
		g.Go(func() error {
			n, _ := ls(ctx, s)
			switch s {
			case Queued:
				pc.Queued = n // ok
			case Pinned:
				pc.Pinned = n // ok
			}
			return nil
		})
	}
	_ = g.Wait()
	return pc
}

// Statuses from the caller may repeat: two goroutines can run the same case.
func countGiven(ctx context.Context, statuses []Status, ls func(context.Context, Status) (int, error)) *Count {
	var g errgroup.Group
	pc := &Count{}
	for _, s := range statuses {
		status := s
		g.Go(func() error {
			n, _ := ls(ctx, status)
			switch status {
			case Queued:
				pc.Queued = n // want "runs in every iteration's goroutine"
			case Pinned:
				pc.Pinned = n // want "runs in every iteration's goroutine"
			}
			return nil
		})
	}
	_ = g.Wait()
	return pc
}

// Two cases write the same field: the goroutines of both race on it.
func countShared(ctx context.Context, ls func(context.Context, Status) (int, error)) int {
	var g errgroup.Group
	total := 0
	for _, s := range []Status{Queued, Pinned} {
		status := s
		g.Go(func() error {
			n, _ := ls(ctx, status)
			switch status {
			case Queued:
				total = n // want "runs in every iteration's goroutine"
			case Pinned:
				total = n
			}
			return nil
		})
	}
	_ = g.Wait()
	return total
}

// The default case runs for every value no case names.
func countDefault(ctx context.Context, ls func(context.Context, Status) (int, error)) int {
	var g errgroup.Group
	other := 0
	for _, s := range []Status{Queued, Pinned, Failed} {
		status := s
		g.Go(func() error {
			n, _ := ls(ctx, status)
			switch status {
			case Queued:
			default:
				other = n // want "runs in every iteration's goroutine"
			}
			return nil
		})
	}
	_ = g.Wait()
	return other
}
