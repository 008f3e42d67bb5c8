package fixtures

import (
	"context"
	"time"
)

type ppResponse struct{ err error }

func processProposal(ctx context.Context) error { return ctx.Err() }

// The goroutine works under a context of its own with a shorter deadline (fabric's gateway). A
// select on that context would drop the result while endorse still waits for it: only the buffer
// is offered.
func endorse(ctx context.Context, timeout time.Duration) bool {
	done := make(chan *ppResponse)
	go func() {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		err := processProposal(ctx)
		done <- &ppResponse{err: err} // want "`done <- &ppResponse\\{err:\\.\\.\\.` blocks forever: endorse stops receiving at line 26"
	}()
	select {
	case resp := <-done:
		return resp.err == nil
	case <-ctx.Done():
		return false
	}
}

// The goroutine closes the channel on its way out: a send skipped on cancellation would hand a
// nil result to a function still waiting. Only the buffer is offered.
func evaluate(ctx context.Context) error {
	result := make(chan *ppResponse)
	go func() {
		defer close(result)
		result <- &ppResponse{err: processProposal(ctx)} // want "`result <- &ppResponse\\{err\\.\\.\\.` blocks forever: evaluate stops receiving at line 42"
	}()
	select {
	case r := <-result:
		return r.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// The function's own context, and no close: the select on ctx is offered as well.
func evaluateShared(ctx context.Context) error {
	out := make(chan error)
	go func() {
		out <- processProposal(ctx) // want "`out <- processProposal\\(ctx\\)` blocks forever: evaluateShared stops receiving at line 56"
	}()
	select {
	case err := <-out:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
