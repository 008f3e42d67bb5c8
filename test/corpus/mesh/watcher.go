package mesh

import (
	"context"
	"log"
	"sync"
)

type FileEvent struct {
	Name string
	Op   int
}

type Watcher struct {
	events chan FileEvent
	errors chan error
	done   chan struct{}
	once   sync.Once
	reload func(name string) error
}

func NewWatcher(reload func(string) error) *Watcher {
	return &Watcher{
		events: make(chan FileEvent),
		errors: make(chan error),
		done:   make(chan struct{}),
		reload: reload,
	}
}

// Run handles file events but keeps going after ctx is cancelled.
func (w *Watcher) Run(ctx context.Context) {
	for { // want "never watches `ctx.Done\\(\\)`"
		select {
		case ev := <-w.events:
			if err := w.reload(ev.Name); err != nil {
				log.Printf("reload %s: %v", ev.Name, err)
			}
		case err := <-w.errors:
			log.Printf("watch error: %v", err)
		}
	}
}

// ok: leaves on ctx or on Close.
func (w *Watcher) RunFixed(ctx context.Context) {
	for {
		select {
		case ev := <-w.events:
			if err := w.reload(ev.Name); err != nil {
				log.Printf("reload %s: %v", ev.Name, err)
			}
		case err := <-w.errors:
			log.Printf("watch error: %v", err)
		case <-w.done:
			return
		case <-ctx.Done():
			return
		}
	}
}

// ok: Close is idempotent through sync.Once.
func (w *Watcher) Close() {
	w.once.Do(func() { close(w.done) })
}

// Stop closes done, and Close may close it again.
func (w *Watcher) Stop() {
	close(w.done)
	w.Close() // want "closed twice|already closed|again|double close|second close"
}
