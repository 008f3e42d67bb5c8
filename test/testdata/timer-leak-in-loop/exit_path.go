package fixtures

//fixture:go 1.21

import (
	"context"
	"log"
	"time"
)

// ok: the timer is made only on the way out of the loop, once: after the select the function
// returns (gorilla/websocket's echo client waits for the server to close, a second at most).
func echo(interrupt <-chan struct{}, done <-chan struct{}, ticks <-chan time.Time, write func(string) error) {
	for {
		select {
		case <-done:
			return
		case t := <-ticks:
			if err := write(t.String()); err != nil {
				log.Println("write:", err)
				return
			}
		case <-interrupt:
			if err := write("close"); err != nil {
				return
			}
			select {
			case <-done:
			case <-time.After(time.Second): // ok
			}
			return
		}
	}
}

// Here the loop goes on after the select: a timer per pass.
func echoAgain(interrupt <-chan struct{}, done <-chan struct{}, write func(string) error) {
	for {
		select {
		case <-interrupt:
			_ = write("ping")
			select {
			case <-done:
			case <-time.After(time.Second): // want "makes a timer per loop pass"
			}
		}
	}
}

// ok: the context's case sets the flag the loop tests, so the loop ends whenever it wins
// (olivere/elastic's health check): each timer made fires or is the last one.
func waitHealthy(ctx context.Context, check func() bool) error {
	done := false
	var err error
	for !done && err == nil {
		if check() {
			return nil
		}
		select {
		case <-ctx.Done():
			err = ctx.Err()
			done = true
		case <-time.After(time.Second): // ok
		}
	}
	return err
}

// Here the flag is cleared instead: the loop goes on after the context's case.
func waitHealthyAgain(ctx context.Context, check func() bool) error {
	done := false
	for !done {
		if check() {
			return nil
		}
		select {
		case <-ctx.Done():
			done = false
		case <-time.After(time.Second): // want "makes a timer per loop pass"
		}
	}
	return nil
}
