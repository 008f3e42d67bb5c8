package background

import (
	"context"
	"os"
	"time"
)

func run() {
	ctx := context.Background()
	h := &handler{signals: make(chan os.Signal, 1), events: make(chan string)}
	go h.handle(ctx)
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	go h.watch(wctx)
	h.events <- "started"
}
