package fixtures

import (
	"context"
	"errors"
	"time"
)

var errStopped = errors.New("stopped")

type getReq struct {
	key   string
	reply chan string
}

// Store owns its map in one goroutine: run takes requests and answers them.
type Store struct {
	getc   chan getReq
	statsc chan chan Stats
	stop   chan struct{}
	m      map[string]string
}

type Stats struct{ Keys int }

func NewStore() *Store {
	s := &Store{getc: make(chan getReq), statsc: make(chan chan Stats), stop: make(chan struct{}), m: map[string]string{}}
	go s.run()
	return s
}

func (s *Store) load(key string) (string, error) {
	v, ok := s.m[key]
	if !ok {
		return "", errors.New("corrupt")
	}
	return v, nil
}

func (s *Store) collect() (Stats, error) { return Stats{Keys: len(s.m)}, nil }

func (s *Store) run() {
	for {
		select {
		case r := <-s.getc:
			v, err := s.load(r.key)
			if err != nil {
				return
			}
			r.reply <- v
		case ch := <-s.statsc:
			st, err := s.collect()
			if err != nil {
				continue
			}
			ch <- st
		case <-s.stop:
			return
		}
	}
}

func (s *Store) Stop() { close(s.stop) }

// The send gives up with the loop, the wait for the reply does not.
func (s *Store) Get(key string) (string, error) {
	r := getReq{key: key, reply: make(chan string, 1)}
	select {
	case s.getc <- r:
	case <-s.stop:
		return "", errStopped
	}
	return <-r.reply, nil // want "`<-r.reply` blocks forever if `run` takes this request and returns without replying \\(line 48\\)"
}

// A channel sent as the request itself.
func (s *Store) Stats() (Stats, error) {
	ch := make(chan Stats)
	select {
	case s.statsc <- ch:
	case <-s.stop:
		return Stats{}, errStopped
	}
	return <-ch, nil // want "`<-ch` blocks forever if `run` takes this request and moves on without replying \\(line 54\\)"
}

// The wait inside the send's case blocks the same way.
func (s *Store) MustGet(key string) string {
	reply := make(chan string)
	select {
	case s.getc <- getReq{key: key, reply: reply}:
		return <-reply // want "`<-reply` blocks forever if `run` takes this request and returns"
	case <-s.stop:
		return ""
	}
}

// ok: the wait for the reply also watches the loop's stop channel.
func (s *Store) GetOrStop(key string) (string, error) {
	r := getReq{key: key, reply: make(chan string, 1)}
	select {
	case s.getc <- r:
	case <-s.stop:
		return "", errStopped
	}
	select {
	case v := <-r.reply: // ok
		return v, nil
	case <-s.stop:
		return "", errStopped
	}
}

// ok: a deadline bounds the wait.
func (s *Store) GetTimeout(ctx context.Context, key string) (string, error) {
	r := getReq{key: key, reply: make(chan string, 1)}
	select {
	case s.getc <- r:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	select {
	case v := <-r.reply: // ok
		return v, nil
	case <-time.After(time.Second):
		return "", errors.New("timeout")
	}
}
