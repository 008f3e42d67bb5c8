package fixtures

import (
	"errors"
	"time"
)

type syncReq struct {
	hash string
	errc chan error
}

// Syncer retries a target a few times; a flag tells the code after the retry loop whether to start.
type Syncer struct {
	request chan *syncReq
	closed  chan struct{}
	fetch   func(string) (int, error)
}

func (s *Syncer) run() {
	for {
		select {
		case req := <-s.request:
			var start bool
			retries := 0
			for {
				if retries >= 3 {
					req.errc <- errors.New("unavailable")
					break
				}
				if _, err := s.fetch(req.hash); err != nil {
					time.Sleep(time.Second)
					retries++
					continue
				}
				start = true
				break
			}
			if start {
				req.errc <- nil
			}
		case <-s.closed:
			return
		}
	}
}

// ok: every way out of the retry loop either replies or sets start, which replies.
func (s *Syncer) Sync(hash string) error {
	req := &syncReq{hash: hash, errc: make(chan error, 1)}
	select {
	case s.request <- req:
		return <-req.errc // ok
	case <-s.closed:
		return errors.New("closed")
	}
}

type fetchReq struct {
	id   int
	resp chan []byte
}

// Fetcher retries inside the case, then gives up on the request without a word.
type Fetcher struct {
	reqs chan fetchReq
	quit chan struct{}
	get  func(int) ([]byte, error)
}

func (f *Fetcher) loop() {
	for {
		select {
		case r := <-f.reqs:
			var data []byte
			for i := 0; i < 3; i++ {
				b, err := f.get(r.id)
				if err != nil {
					continue
				}
				data = b
				break
			}
			if data == nil {
				continue
			}
			r.resp <- data
		case <-f.quit:
			return
		}
	}
}

func (f *Fetcher) Fetch(id int) ([]byte, error) {
	r := fetchReq{id: id, resp: make(chan []byte, 1)}
	select {
	case f.reqs <- r:
	case <-f.quit:
		return nil, errors.New("closed")
	}
	return <-r.resp, nil // want "`<-r.resp` blocks forever if `loop` takes this request and moves on without replying \\(line 85\\)"
}
