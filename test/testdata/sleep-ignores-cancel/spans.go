package fixtures

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/trace"
)

type tracegen struct {
	children int
	pause    time.Duration
}

// ok: the context is context.Background() with a span added; nothing can cancel it, so a select
// on its Done() would wait on a nil channel (jaeger's trace generator).
func (w *tracegen) simulateOne(tracer trace.Tracer) {
	ctx := context.Background()
	ctx, parent := tracer.Start(ctx, "root")
	w.simulateChildren(ctx, tracer)
	parent.End()
}

func (w *tracegen) simulateChildren(ctx context.Context, tracer trace.Tracer) {
	for c := 0; c < w.children; c++ {
		_, child := tracer.Start(ctx, "child")
		time.Sleep(w.pause) // ok
		child.End()
	}
}

// The same helper, also called with a context the caller may cancel.
func (w *tracegen) replay(ctx context.Context, tracer trace.Tracer) {
	for i := 0; i < w.children; i++ {
		time.Sleep(time.Second) // want "`time\\.Sleep\\(time\\.Second\\)` in a loop ignores `ctx`"
		_, span := tracer.Start(ctx, "replay")
		span.End()
	}
}

func (w *tracegen) run(ctx context.Context, tracer trace.Tracer) {
	w.replay(ctx, tracer)
	w.replay(context.Background(), tracer)
}

// A span over a context with a deadline keeps the deadline.
func (w *tracegen) timed(tracer trace.Tracer) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ctx, span := tracer.Start(ctx, "timed")
	defer span.End()
	w.paced(ctx)
}

func (w *tracegen) paced(ctx context.Context) {
	for i := 0; i < w.children; i++ {
		time.Sleep(w.pause) // want "`time\\.Sleep\\(w\\.pause\\)` in a loop ignores `ctx`"
		if ctx.Err() != nil {
			return
		}
	}
}
