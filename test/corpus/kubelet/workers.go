//fixture:go 1.20

// Package kubelet keeps one worker goroutine per pod and a status manager that the workers
// report to.
package kubelet

import (
	"context"
	"errors"
	"sync"
	"time"
)

type UID string

type Pod struct {
	UID       UID
	Name      string
	Namespace string
}

type podUpdate struct {
	pod  *Pod
	kill bool
}

type podWorkers struct {
	mu       sync.Mutex
	updates  map[UID]chan podUpdate
	lastSync map[UID]time.Time
	status   *statusManager
	syncPod  func(ctx context.Context, pod *Pod) error
}

type statusManager struct {
	mu       sync.Mutex
	statuses map[UID]string
	workers  *podWorkers
}

func newPodWorkers(syncPod func(context.Context, *Pod) error) *podWorkers {
	p := &podWorkers{
		updates:  make(map[UID]chan podUpdate),
		lastSync: make(map[UID]time.Time),
		syncPod:  syncPod,
	}
	p.status = &statusManager{statuses: make(map[UID]string), workers: p}
	return p
}

// ok: one goroutine per pod, created under the lock, fed through a buffered channel.
func (p *podWorkers) UpdatePod(pod *Pod) {
	p.mu.Lock()
	ch, ok := p.updates[pod.UID]
	if !ok {
		ch = make(chan podUpdate, 1)
		p.updates[pod.UID] = ch
		go p.managePodLoop(ch)
	}
	p.mu.Unlock()
	select {
	case ch <- podUpdate{pod: pod}:
	default:
	}
}

// ok: ranges over its own updates channel, which ForgetPod closes.
func (p *podWorkers) managePodLoop(updates <-chan podUpdate) {
	for u := range updates {
		err := p.syncPod(context.Background(), u.pod)
		p.recordSync(u.pod, err)
	}
}

// ok: closing the worker's channel under the lock ends its loop.
func (p *podWorkers) ForgetPod(uid UID) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ch, ok := p.updates[uid]; ok {
		close(ch)
		delete(p.updates, uid)
	}
}

// recordSync takes the workers lock, then the status manager's.
func (p *podWorkers) recordSync(pod *Pod, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lastSync[pod.UID] = time.Now()
	p.status.mu.Lock() // want "order|inversion|opposite"
	if err != nil {
		p.status.statuses[pod.UID] = err.Error()
	} else {
		p.status.statuses[pod.UID] = "Running"
	}
	p.status.mu.Unlock()
}

// prune takes the status manager's lock, then the workers lock: the opposite order.
func (s *statusManager) prune() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for uid := range s.statuses {
		s.workers.mu.Lock() // want "order|inversion|opposite"
		_, alive := s.workers.updates[uid]
		s.workers.mu.Unlock()
		if !alive {
			delete(s.statuses, uid)
		}
	}
}

// ok: the snapshot of live pods is taken first, then the statuses are pruned under their own lock.
func (s *statusManager) pruneFixed() {
	s.workers.mu.Lock()
	alive := make(map[UID]bool, len(s.workers.updates))
	for uid := range s.workers.updates {
		alive[uid] = true
	}
	s.workers.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	for uid := range s.statuses {
		if !alive[uid] {
			delete(s.statuses, uid)
		}
	}
}

var errKillTimeout = errors.New("kubelet: pod did not stop in time")

// killAll stops every pod and waits; the Add inside each goroutine races with Wait.
func (p *podWorkers) killAll(pods []*Pod, kill func(*Pod) error) {
	var wg sync.WaitGroup
	for _, pod := range pods {
		go func(pod *Pod) {
			wg.Add(1) // want "inside the goroutine"
			defer wg.Done()
			_ = kill(pod)
		}(pod)
	}
	wg.Wait()
}

// ok: Add runs before the goroutine starts.
func (p *podWorkers) killAllFixed(pods []*Pod, kill func(*Pod) error) {
	var wg sync.WaitGroup
	for _, pod := range pods {
		wg.Add(1)
		go func(pod *Pod) {
			defer wg.Done()
			_ = kill(pod)
		}(pod)
	}
	wg.Wait()
}

// killWithTimeout returns the first error, but the failing goroutines skip Done, so Wait never returns.
func killWithTimeout(pods []*Pod, kill func(*Pod) error) error {
	var wg sync.WaitGroup
	errs := make(chan error, len(pods))
	for _, pod := range pods {
		wg.Add(1)
		go func(pod *Pod) {
			if err := kill(pod); err != nil {
				errs <- err
				return
			}
			wg.Done() // want "skips `wg.Done\\(\\)`"
		}(pod)
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// ok: the deferred Done runs on the error path too.
func killWithTimeoutFixed(pods []*Pod, kill func(*Pod) error) error {
	var wg sync.WaitGroup
	errs := make(chan error, len(pods))
	for _, pod := range pods {
		wg.Add(1)
		go func(pod *Pod) {
			defer wg.Done()
			if err := kill(pod); err != nil {
				errs <- err
			}
		}(pod)
	}
	wg.Wait()
	close(errs)
	return <-errs
}
