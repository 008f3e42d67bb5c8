package fixtures

import (
	"context"
	"time"
)

// attempt fails once ctx is done (a stub that never failed would make every pause dead code).
func attempt(ctx context.Context) error { return ctx.Err() }

// ok: the sleep runs only when ctx.Done() is nil, a context nothing can cancel; a cancellable one
// waits in a select on its Done channel (cadence's retry loop).
func retry(ctx context.Context, next time.Duration) error {
	for {
		err := attempt(ctx)
		if err == nil {
			return nil
		}
		if ctxDone := ctx.Done(); ctxDone != nil {
			timer := time.NewTimer(next)
			select {
			case <-ctxDone:
				timer.Stop()
				return err
			case <-timer.C:
				continue
			}
		}
		time.Sleep(next) // ok
	}
}

// The same check that does not always leave: the sleep also runs when ctx can be cancelled.
func retryLoosely(ctx context.Context, next time.Duration) error {
	for {
		err := attempt(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		time.Sleep(next) // want "in a loop ignores `ctx`"
	}
}
