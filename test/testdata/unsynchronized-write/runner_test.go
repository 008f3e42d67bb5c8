package jobs

import (
	"context"
	"errors"
	"testing"
)

type stream struct{}

func (s *stream) Run(ctx context.Context) error     { <-ctx.Done(); return ctx.Err() }
func (s *stream) Process(ctx context.Context) error { return nil }

func produce(ctx context.Context, v string) error { return nil }

// The goroutine stores what Run returns, and Run returns only once the test cancels it, after the
// test's own uses of err (redpanda connect's chunker test): the two race only if Run fails early,
// and the test fails then anyway. Information.
func TestRunUntilCancelled(t *testing.T) {
	s := &stream{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	var err error
	go func() {
		defer close(done)
		err = s.Run(ctx) // want "`err = s.Run\\(ctx\\)` in a goroutine runs concurrently with the write of `err` at line 32: a data race, though only if `s.Run` returns before the test stops it"
		if errors.Is(err, context.Canceled) {
			err = nil
		}
	}()
	err = produce(ctx, "text")
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	<-done
}

// Process returns as soon as it has done its work: a race on every run.
func TestProcessConcurrently(t *testing.T) {
	s := &stream{}
	ctx := context.Background()
	var err error
	go func() {
		err = s.Process(ctx) // want "`err = s.Process\\(ctx\\)` in a goroutine runs concurrently with the write of `err` at line 48: a data race$"
	}()
	err = produce(ctx, "text")
	if err != nil {
		t.Fatal(err)
	}
}
