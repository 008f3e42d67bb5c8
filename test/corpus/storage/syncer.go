package storage

import (
	"context"
	"log"
	"sync"
	"time"
)

type syncer struct {
	mu       sync.Mutex
	cond     *sync.Cond
	dirty    int
	flushing bool
	flush    func() error
	interval time.Duration
	stopc    chan struct{}
	donec    chan struct{}
	stopOnce sync.Once
}

func newSyncer(flush func() error, interval time.Duration) *syncer {
	s := &syncer{flush: flush, interval: interval, stopc: make(chan struct{}), donec: make(chan struct{})}
	s.cond = sync.NewCond(&s.mu)
	go s.loop()
	return s
}

// ok: a loop that ends on stopc; the ticker is stopped; the flush runs without the lock.
func (s *syncer) loop() {
	defer close(s.donec)
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		select {
		case <-s.stopc:
			return
		case <-t.C:
		}
		s.mu.Lock()
		if s.dirty == 0 {
			s.mu.Unlock()
			continue
		}
		s.flushing = true
		s.dirty = 0
		s.mu.Unlock()
		if err := s.flush(); err != nil {
			log.Printf("flush: %v", err)
		}
		s.mu.Lock()
		s.flushing = false
		s.cond.Broadcast()
		s.mu.Unlock()
	}
}

// ok: waiting for a flush in progress, in a loop, with break on the done condition.
func (s *syncer) waitIdle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if !s.flushing {
			break
		}
		s.cond.Wait()
	}
}

// ok: marking dirty under the lock.
func (s *syncer) markDirty() {
	s.mu.Lock()
	s.dirty++
	s.mu.Unlock()
}

// ok: Stop may be called twice.
func (s *syncer) Stop() {
	s.stopOnce.Do(func() { close(s.stopc) })
	<-s.donec
}

// ok: wait for the loop to finish or for ctx, whichever comes first.
func (s *syncer) StopContext(ctx context.Context) error {
	s.stopOnce.Do(func() { close(s.stopc) })
	select {
	case <-s.donec:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ok: one deadline timer for the whole loop, not one per pass.
func drainWithDeadline(in <-chan []byte, d time.Duration, apply func([]byte)) int {
	deadline := time.After(d)
	n := 0
	for {
		select {
		case b, ok := <-in:
			if !ok {
				return n
			}
			apply(b)
			n++
		case <-deadline:
			return n
		}
	}
}

// ok: a nil channel disables the timer case until there is something pending.
func batcher(in <-chan []byte, maxDelay time.Duration, write func([][]byte)) {
	var pending [][]byte
	var timer *time.Timer
	var timerC <-chan time.Time
	for {
		select {
		case b, ok := <-in:
			if !ok {
				if len(pending) > 0 {
					write(pending)
				}
				if timer != nil {
					timer.Stop()
				}
				return
			}
			pending = append(pending, b)
			if timer == nil {
				timer = time.NewTimer(maxDelay)
				timerC = timer.C
			}
		case <-timerC:
			write(pending)
			pending = nil
			timer = nil
			timerC = nil
		}
	}
}

// ok: a poll loop with real work between non-blocking checks does not spin idle.
func (s *syncer) compactUntilStopped(step func() bool) {
	for {
		select {
		case <-s.stopc:
			return
		default:
		}
		if !step() {
			return
		}
	}
}
