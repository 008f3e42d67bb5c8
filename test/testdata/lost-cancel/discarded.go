package fixtures

import (
	"context"
	"errors"
	"net/http"
	"time"
)

type Item struct{ ID string }

type Store interface {
	Get(ctx context.Context, id string) (*Item, error)
	Put(ctx context.Context, it *Item) error
}

func fetchItem(parent context.Context, s Store, id string) (*Item, error) {
	ctx, _ := context.WithTimeout(parent, 2*time.Second) // want "`_` discards the cancel function of `context\\.WithTimeout`: the context lives until its deadline or `parent` ends"
	return s.Get(ctx, id)
}

func pingAll(urls []string) error {
	for _, u := range urls {
		ctx, _ := context.WithDeadline(context.Background(), time.Now().Add(time.Second)) // want "`_` discards the cancel function of `context\\.WithDeadline`: its timer stays armed"
		req, err := http.NewRequestWithContext(ctx, http.MethodHead, u, nil)
		if err != nil {
			return err
		}
		if _, err := http.DefaultClient.Do(req); err != nil {
			return err
		}
	}
	return nil
}

func save(ctx context.Context, s Store, it *Item) error {
	ctx, _ = context.WithCancel(ctx) // want "`_` discards the cancel function of `context\\.WithCancel`: the context lives until `ctx` is cancelled"
	return s.Put(ctx, it)
}

var errStopped = errors.New("stopped")

func withCause(parent context.Context, s Store) error {
	ctx, _ := context.WithCancelCause(parent) // want "`_` discards the cancel function"
	_, err := s.Get(ctx, "k")
	return err
}

func nameTaken(parent context.Context, s Store) error {
	cancel := func() {}
	defer cancel()
	ctx, _ := context.WithTimeout(parent, time.Second) // want "`_` discards the cancel function"
	_, err := s.Get(ctx, "x")
	return err
}

func escapes(parent context.Context) context.Context {
	ctx, _ := context.WithTimeout(parent, time.Minute) // want "`_` discards the cancel function"
	return ctx
}

// ok: the cancel function is deferred.
func deferred(parent context.Context, s Store) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	_, err := s.Get(ctx, "a")
	return err
}

// ok: WithoutCancel and WithValue have no cancel function.
func values(parent context.Context, s Store) error {
	ctx := context.WithValue(context.WithoutCancel(parent), errStopped, 1)
	_, err := s.Get(ctx, "b")
	return err
}

// ok: the caller receives both and is responsible for cancelling.
func derive(parent context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(parent, time.Second)
}
