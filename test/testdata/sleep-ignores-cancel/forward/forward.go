package forward

import (
	"context"
	"time"
)

// ok: six pauses of half a second in a loop that hands the context on.
func getTSO(ctx context.Context, ask func(context.Context) error) error {
	var err error
	for i := 0; i < maxRetries; i++ {
		if err = ask(ctx); err == nil {
			return nil
		}
		time.Sleep(retryInterval) // ok
	}
	return err
}

// Pauses of two seconds: the message says how short (information).
func register(ctx context.Context, ask func(context.Context) error) error {
	var err error
	for i := 0; i < maxRetries; i++ {
		if err = ask(ctx); err == nil {
			return nil
		}
		time.Sleep(backoff) // want "\\(each pause lasts 2s at most\\)"
	}
	return err
}

// Fifty pauses of thirty seconds: a warning that says nothing of their length.
func watch(ctx context.Context, poll func(context.Context) error) error {
	var err error
	for i := 0; i < slowRetries; i++ {
		if err = poll(ctx); err == nil {
			return nil
		}
		time.Sleep(pollInterval) // want "does not cut the sleep short$"
	}
	return err
}

// A local of the same name hides the package's constant: its value is not known.
func retryLocal(ctx context.Context, ask func(context.Context) error, retryInterval time.Duration) error {
	for {
		if err := ask(ctx); err == nil {
			return nil
		}
		time.Sleep(retryInterval) // want "does not cut the sleep short$"
	}
}

// A constant declared per build tag with two values: its length is not known.
func flush(ctx context.Context, write func(context.Context) error) {
	for {
		if err := write(ctx); err == nil {
			return
		}
		time.Sleep(flushDelay) // want "does not cut the sleep short$"
	}
}
