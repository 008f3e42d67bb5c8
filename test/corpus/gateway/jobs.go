//fixture:go 1.22

package gateway

import (
	"context"
	"log"
	"sync"
	"time"
)

type Job struct {
	ID   string
	Run  func(ctx context.Context) error
	Tags []string
}

type Scheduler struct {
	mu      sync.Mutex
	jobs    []Job
	results map[string]error
	running int
	tick    time.Duration
}

// ok: on Go 1.22 each iteration has its own job variable.
func (s *Scheduler) runAll(ctx context.Context) {
	var wg sync.WaitGroup
	for _, job := range s.snapshot() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := job.Run(ctx)
			s.mu.Lock()
			s.results[job.ID] = err
			s.mu.Unlock()
		}()
	}
	wg.Wait()
}

func (s *Scheduler) snapshot() []Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Job, len(s.jobs))
	copy(out, s.jobs)
	return out
}

// ok: a counter updated through a helper method that takes the lock.
func (s *Scheduler) runCounted(ctx context.Context) {
	var wg sync.WaitGroup
	for _, job := range s.snapshot() {
		wg.Add(1)
		go func(j Job) {
			defer wg.Done()
			s.adjust(1)
			defer s.adjust(-1)
			if err := j.Run(ctx); err != nil {
				log.Printf("job %s: %v", j.ID, err)
			}
		}(job)
	}
	wg.Wait()
}

func (s *Scheduler) adjust(d int) {
	s.mu.Lock()
	s.running += d
	s.mu.Unlock()
}

// ok: each goroutine writes only its own element of a slice.
func (s *Scheduler) durations(ctx context.Context) []time.Duration {
	jobs := s.snapshot()
	out := make([]time.Duration, len(jobs))
	var wg sync.WaitGroup
	for i := range jobs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			start := time.Now()
			_ = jobs[i].Run(ctx)
			out[i] = time.Since(start)
		}(i)
	}
	wg.Wait()
	return out
}

// ok: the loop ends with ctx; the sleep-like wait uses a timer in a select.
func (s *Scheduler) loop(ctx context.Context) {
	t := time.NewTimer(s.tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.runAll(ctx)
			t.Reset(s.tick)
		}
	}
}

// ok: Done is called explicitly on every path.
func (s *Scheduler) runEach(ctx context.Context, jobs []Job) {
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func(j Job) {
			if j.Run == nil {
				wg.Done()
				return
			}
			_ = j.Run(ctx)
			wg.Done()
		}(j)
	}
	wg.Wait()
}

// ok: a closure that runs in place inside the loop sees the current value.
func (s *Scheduler) tagged(tag string) []string {
	var ids []string
	for _, j := range s.snapshot() {
		func() {
			for _, t := range j.Tags {
				if t == tag {
					ids = append(ids, j.ID)
					return
				}
			}
		}()
	}
	return ids
}

// retryJob sleeps between attempts and keeps sleeping after ctx is cancelled.
func (s *Scheduler) retryJob(ctx context.Context, j Job, attempts int) error {
	var err error
	for i := 0; i < attempts; i++ {
		if err = j.Run(ctx); err == nil {
			return nil
		}
		time.Sleep(time.Duration(i+1) * s.tick) // want "time.Sleep"
	}
	return err
}
