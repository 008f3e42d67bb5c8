package fixtures

import (
	"context"
	"testing"
	"time"
)

// ok: tests may sleep in loops; their contexts are short-lived.
func TestEventually(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for i := 0; i < 10; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	_ = ctx
}

// ok: a helper in a test file.
func waitFor(ctx context.Context, cond func() bool) {
	for !cond() {
		time.Sleep(time.Millisecond)
	}
}
