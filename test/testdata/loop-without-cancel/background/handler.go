package background

import (
	"context"
	"log"
	"os"
)

type handler struct {
	signals chan os.Signal
	events  chan string
}

// ok: every caller passes a context nothing can cancel (AdGuardHome's signal handler, started
// by main with context.Background()): there is nothing for the loop to watch.
func (h *handler) handle(ctx context.Context) {
	for { // ok
		sig := <-h.signals
		log.Println("signal", sig, ctx.Value("name"))
	}
}

// watch is given a context its caller cancels: the loop outlives it.
func (h *handler) watch(ctx context.Context) {
	for { // want "endless `for` loop waits in `ev := <-h.events` but never watches `ctx\\.Done\\(\\)`"
		ev := <-h.events
		log.Println("event", ev, ctx.Value("name"))
	}
}
