// Demonstrates: context-ignored, goroutine-receive-leak
//
// The handler detaches its database call from the request's context, so the
// query keeps running after the client has gone; and the watcher goroutine
// waits on a channel that is closed only when everything went well.
package examples

import (
	"context"
	"errors"
	"net/http"
)

type store struct{}

func (store) Lookup(ctx context.Context, id string) (string, error) { return id, nil }

func handle(w http.ResponseWriter, r *http.Request, db store) {
	name, err := db.Lookup(context.Background(), r.URL.Query().Get("id"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write([]byte(name))
}

func loadAll(ids []string) error {
	done := make(chan struct{})
	go func() {
		<-done
		println("all loaded")
	}()
	for _, id := range ids {
		if id == "" {
			return errors.New("empty id")
		}
	}
	close(done)
	return nil
}
