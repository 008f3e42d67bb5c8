package fixtures

import (
	"context"
	"time"
)

// Source offers values from one goroutine until it is stopped, and never closes out.
type Source struct {
	out  chan int
	stop chan struct{}
	n    int
}

func NewSource() *Source {
	s := &Source{out: make(chan int), stop: make(chan struct{})}
	go s.run()
	return s
}

func (s *Source) produce() int { s.n++; return s.n }

func (s *Source) run() {
	for {
		v := s.produce()
		select {
		case s.out <- v:
		case <-s.stop:
			return
		}
	}
}

func (s *Source) Stop() { close(s.stop) }

func (s *Source) Next() int {
	return <-s.out // want "`<-s.out` blocks forever once `run` has returned on `<-s.stop` \\(line 28\\): no other goroutine sends on it, and nothing closes it"
}

func (s *Source) Sum(n int) int {
	total := 0
	for i := 0; i < n; i++ {
		total += <-s.out // want "`<-s.out` blocks forever once `run` has returned"
	}
	return total
}

// Ranging over the channel waits for a close that never comes.
func (s *Source) Print() {
	for v := range s.out { // want "`for v := range s.out` blocks forever once `run` has returned on `<-s.stop`"
		println(v)
	}
}

// A receiver started as a goroutine leaks that goroutine.
func (s *Source) Forward(to chan<- int) {
	go func() {
		to <- <-s.out // want "`<-s.out` blocks forever"
	}()
}

// A function of the package that takes the source receives on the same field.
func first(s *Source) int {
	v, ok := <-s.out // want "`<-s.out` blocks forever once `run` has returned"
	if !ok {
		return -1
	}
	return v
}

type Event struct {
	Key string
	At  time.Time
}

// Watcher's loop ends with the context it was started with.
type Watcher struct {
	events chan Event
	errs   chan error
	poll   func() (Event, error)
}

func StartWatcher(ctx context.Context, poll func() (Event, error)) *Watcher {
	w := &Watcher{events: make(chan Event), errs: make(chan error), poll: poll}
	go w.watch(ctx)
	return w
}

func (w *Watcher) watch(ctx context.Context) {
	for {
		ev, err := w.poll()
		if err != nil {
			select {
			case w.errs <- err:
			case <-ctx.Done():
				return
			}
			continue
		}
		select {
		case w.events <- ev:
		case <-ctx.Done():
			return
		}
	}
}

func (w *Watcher) Next() Event {
	return <-w.events // want "`<-w.events` blocks forever once `watch` has returned on `<-ctx.Done\\(\\)`"
}

func (w *Watcher) Err() error {
	return <-w.errs // want "`<-w.errs` blocks forever once `watch` has returned on `<-ctx.Done\\(\\)`"
}

// Wait loops on the events until one matches.
func (w *Watcher) Wait(key string) Event {
	for {
		ev := <-w.events // want "`<-w.events` blocks forever"
		if ev.Key == key {
			return ev
		}
	}
}
