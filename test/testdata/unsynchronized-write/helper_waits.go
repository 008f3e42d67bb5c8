package jobs

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// go-redis's end-to-end test: the goroutine writes `match`, then stops the command runner; the
// test reads `match` only after FireCommandsUntilStop, which returns when it receives that stop.

type runner struct {
	stopCh chan struct{}
}

func (r *runner) Stop() {
	select {
	case r.stopCh <- struct{}{}:
	default:
	}
}

func (r *runner) FireUntilStop(ctx context.Context) {
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case <-r.stopCh:
			return
		case <-ctx.Done():
			return
		case <-ticker.C:
			r.fire()
		}
	}
}

func (r *runner) fire() {}

func (r *runner) Log() { fmt.Println("runner") }

func waitFor(pattern string) (string, bool) { return pattern, strings.HasPrefix(pattern, "x") }

func failover(ctx context.Context, r *runner) string {
	var match string
	var found bool
	go func() {
		match, found = waitFor("FAILING_OVER") // ok: the parent waits in FireUntilStop, which the goroutine's Stop ends
		r.Stop()
	}()
	r.FireUntilStop(ctx)
	if !found {
		return ""
	}
	return match
}

// A helper that never waits orders nothing: reported.
func failoverNoWait(r *runner) string {
	var match string
	go func() {
		match, _ = waitFor("FAILING_OVER") // want "`match, _ = waitFor\\(\"FAILI...` in a goroutine runs concurrently with the read of `match` at line 67: a data race"
		r.Stop()
	}()
	r.Log()
	return match
}
