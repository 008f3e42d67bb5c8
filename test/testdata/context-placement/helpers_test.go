package fixtures

import (
	"context"
	"testing"
)

// ok: a test helper takes *testing.T first and the context second.
func mustLookup(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	v, err := lookup(id, ctx)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// ok: the same for benchmarks.
func benchFetch(b *testing.B, ctx context.Context) {
	for i := 0; i < b.N; i++ {
		_, _ = fetch(ctx, "k")
	}
}

func helperWithExtra(t *testing.T, id string, ctx context.Context) { // want "is parameter 3 of `helperWithExtra`"
	_ = mustLookup(t, ctx, id)
}
