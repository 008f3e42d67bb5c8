package streamer

import (
	"context"
	"testing"
	"time"
)

func TestStop(t *testing.T) {
	s := newStreamer()
	s.Start(func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	s.Stop()
	select {
	case <-s.done:
	case <-time.After(time.Second):
		t.Fatal("the stream goroutine did not end")
	}
}
