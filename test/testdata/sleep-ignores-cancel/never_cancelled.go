package fixtures

import (
	"context"
	"time"
)

// juicefs' cachedStore.upload: every call passes context.WithValue(context.Background(), ...),
// which nothing can cancel. Another type's method of the same name takes no context.

type tierKey struct{}

type blobStore struct{}

func (s *blobStore) put(ctx context.Context, key string) error { return nil }

func (s *blobStore) upload(ctx context.Context, key string) error {
	var err error
	for try := 0; try < 3; try++ {
		time.Sleep(time.Second * time.Duration(try*try)) // ok
		if err = s.put(ctx, key); err == nil {
			break
		}
	}
	return err
}

// The store is a field of an embedded struct: `w.store` is promoted from readSlice.
type readSlice struct {
	store *blobStore
}

type slice struct {
	readSlice
}

func (w *slice) upload(i int) {
	ctx := context.WithValue(context.Background(), tierKey{}, i)
	_ = w.store.upload(ctx, "k")
}

func (w *slice) flush() {
	for i := 0; i < 3; i++ {
		w.upload(i)
	}
}

// A caller that passes its own ctx: the retry pauses hold a cancellation up.
type pushStore struct{}

func (s *pushStore) put(ctx context.Context, key string) error { return nil }

func (s *pushStore) push(ctx context.Context, key string) error {
	var err error
	for try := 0; try < 5; try++ {
		time.Sleep(time.Second * time.Duration(try*try)) // want "ignores `ctx`"
		if err = s.put(ctx, key); err == nil {
			break
		}
	}
	return err
}

func (s *pushStore) send(ctx context.Context) error {
	if err := s.push(context.WithValue(context.Background(), tierKey{}, 1), "a"); err != nil {
		return err
	}
	return s.push(ctx, "b")
}
