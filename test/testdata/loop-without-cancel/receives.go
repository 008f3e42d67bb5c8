package fixtures

import (
	"context"
	"time"
)

func refresh(context.Context) {}

func publish(context.Context, string) {}

// A ticker loop with no exit.
func refresher(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	go func() {
		for { // want "endless `for` loop waits in `<-t\\.C` but never watches `ctx\\.Done\\(\\)`: it outlives `ctx`"
			<-t.C
			refresh(ctx)
		}
	}()
}

// A subscriber that blocks on a plain receive.
func subscriber(ctx context.Context, sub <-chan string) {
	for { // want "endless `for` loop waits in `msg := <-sub` but never watches `ctx\\.Done\\(\\)`: it outlives"
		msg := <-sub
		publish(ctx, msg)
	}
}

// An assignment receive inside a switch; the switch's break does not leave the loop.
func reader(ctx context.Context, lines <-chan string) {
	var line string
	for { // want "waits in `line = <-lines`"
		line = <-lines
		switch line {
		case "":
			break
		default:
			publish(ctx, line)
		}
	}
}

// ok: a plain break leaves the loop.
func readUntilEmpty(ctx context.Context, lines <-chan string) {
	for {
		line := <-lines
		if line == "" {
			break
		}
		publish(ctx, line)
	}
}

// ok: goto jumps out of the loop.
func withGoto(ctx context.Context, lines <-chan string) {
	for {
		if line := <-lines; line == "" {
			goto done
		}
	}
done:
	refresh(ctx)
}

// ok: the receive is in a closure, not in the loop itself.
func deferredReceive(ctx context.Context, ch <-chan int, run func(func())) {
	for i := 0; ; i++ {
		run(func() {
			<-ch
		})
		if i > 10 {
			return
		}
	}
}

// ok: the loop blocks on a done channel, which is a stop signal.
func waitStop(ctx context.Context, stop <-chan struct{}, tick func()) {
	for {
		<-stop
		tick()
	}
}

// ok: comma-ok receive.
func okReceive(ctx context.Context, in <-chan string) {
	for {
		s, ok := <-in
		if !ok {
			return
		}
		publish(ctx, s)
	}
}

type cacheFs struct{ notify chan string }

// ok: a constructor's context bounds the construction, not the handler loop that lives as long
// as the value it returns (rclone cache NewFs).
func NewFs(ctx context.Context, notify chan string) *cacheFs {
	f := &cacheFs{notify: notify}
	go func() {
		for {
			name := <-f.notify
			publish(context.Background(), name)
		}
	}()
	refresh(ctx)
	return f
}

// ok: the loop cancels its context itself, then ends another way (containerd logging shim).
func serveLogs(signals chan string, exit func()) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go refresh(ctx)
	for {
		s := <-signals
		if s == "TERM" {
			cancel()
			exit()
		}
	}
}
