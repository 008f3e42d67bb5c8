package fixtures

import "context"

type dispatcher struct {
	cancel context.CancelFunc
	done   <-chan struct{}
}

func lookupClient() *int { return nil }

// ok: ctx is context.Background() on the line above: the child is linked to nothing, and the
// early return leaves nothing behind (rocketmq's trace dispatcher).
func newDispatcher() *dispatcher {
	ctx := context.Background()
	ctx, cancel := context.WithCancel(ctx)
	if lookupClient() == nil {
		return nil
	}
	return &dispatcher{cancel: cancel, done: ctx.Done()}
}

// The parent is the caller's context: the early return leaves the child attached to it.
func newChildDispatcher(parent context.Context) *dispatcher {
	ctx := parent
	ctx, cancel := context.WithCancel(ctx) // want "`return nil` at line 28 leaves without calling `cancel`"
	if lookupClient() == nil {
		return nil
	}
	return &dispatcher{cancel: cancel, done: ctx.Done()}
}

// The name is given another value between the two declarations.
func newRebasedDispatcher(parent context.Context) *dispatcher {
	ctx := context.Background()
	ctx = parent
	ctx, cancel := context.WithCancel(ctx) // want "`return nil` at line 39 leaves without calling `cancel`"
	if lookupClient() == nil {
		return nil
	}
	return &dispatcher{cancel: cancel, done: ctx.Done()}
}
