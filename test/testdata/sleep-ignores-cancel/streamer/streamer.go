package streamer

import (
	"context"
	"time"
)

// streamer follows a log stream in a goroutine until Stop. done is closed when that goroutine
// ends, but no file of the program receives from it: only the package's test waits for it.
// stopped is closed the same way and Wait receives from it.
type streamer struct {
	cancel  context.CancelFunc
	done    chan struct{}
	stopped chan struct{}
}

func newStreamer() *streamer {
	return &streamer{done: make(chan struct{}), stopped: make(chan struct{})}
}

// Nothing in the program waits for this goroutine: a late exit goes unnoticed (information).
func (s *streamer) Start(follow func(context.Context) error) {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() {
		defer close(s.done)
		backoff := time.Second
		for ctx.Err() == nil {
			if err := follow(ctx); err != nil {
				backoff *= 2
				time.Sleep(backoff) // want "`time.Sleep\\(backoff\\)` in a loop ignores `ctx`"
			}
		}
	}()
}

// Wait receives from stopped: a Stop followed by Wait waits out the sleep (a warning).
func (s *streamer) StartJoined(follow func(context.Context) error) {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() {
		defer close(s.stopped)
		backoff := time.Second
		for ctx.Err() == nil {
			if err := follow(ctx); err != nil {
				backoff *= 2
				time.Sleep(backoff) // want "`time.Sleep\\(backoff\\)` in a loop ignores `ctx`"
			}
		}
	}()
}

func (s *streamer) Stop() { s.cancel() }

func (s *streamer) Wait() { <-s.stopped }
