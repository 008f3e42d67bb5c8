package fixtures

import (
	"context"
	"testing"
	"time"
)

// ok: ten short pauses in a counted loop hold a cancelled test up briefly.
func TestEventually(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for i := 0; i < 10; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	_ = ctx
}

// A helper in a test file that never looks at ctx: reported, as information in tests.
func waitFor(ctx context.Context, cond func() bool) {
	for !cond() {
		time.Sleep(time.Millisecond) // want "ignores `ctx`"
	}
}
