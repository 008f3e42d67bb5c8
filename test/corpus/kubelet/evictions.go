//fixture:go 1.20

package kubelet

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

type evictionManager struct {
	evict   func(ctx context.Context, pod *Pod) error
	mu      sync.Mutex
	evicted int
	reasons map[UID]string
}

// evictPods evicts in parallel and returns on the first error, leaving the other senders stuck.
func (m *evictionManager) evictPods(ctx context.Context, pods []*Pod) error {
	errCh := make(chan error)
	for _, pod := range pods {
		go func(pod *Pod) {
			errCh <- m.evict(ctx, pod) // want "blocks forever"
		}(pod)
	}
	for range pods {
		if err := <-errCh; err != nil {
			return fmt.Errorf("evicting pods: %w", err)
		}
	}
	return nil
}

// ok: the channel can hold every result, so early return leaves nobody blocked.
func (m *evictionManager) evictPodsFixed(ctx context.Context, pods []*Pod) error {
	errCh := make(chan error, len(pods))
	for _, pod := range pods {
		go func(pod *Pod) {
			errCh <- m.evict(ctx, pod)
		}(pod)
	}
	for range pods {
		if err := <-errCh; err != nil {
			return fmt.Errorf("evicting pods: %w", err)
		}
	}
	return nil
}

// evictAll captures the loop variable before Go 1.22: every goroutine may evict the last pod.
func (m *evictionManager) evictAll(ctx context.Context, pods []*Pod) {
	var wg sync.WaitGroup
	for _, pod := range pods {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = m.evict(ctx, pod) // want "pod"
		}()
	}
	wg.Wait()
}

// ok: the pod is passed as an argument.
func (m *evictionManager) evictAllFixed(ctx context.Context, pods []*Pod) {
	var wg sync.WaitGroup
	for _, pod := range pods {
		wg.Add(1)
		go func(p *Pod) {
			defer wg.Done()
			_ = m.evict(ctx, p)
		}(pod)
	}
	wg.Wait()
}

// countEvictions increments a shared counter from many goroutines without synchronisation.
func (m *evictionManager) countEvictions(ctx context.Context, pods []*Pod) int {
	var wg sync.WaitGroup
	count := 0
	for _, pod := range pods {
		wg.Add(1)
		go func(p *Pod) {
			defer wg.Done()
			if m.evict(ctx, p) == nil {
				count++ // want "count"
			}
		}(pod)
	}
	wg.Wait()
	return count
}

// ok: an atomic counter.
func (m *evictionManager) countEvictionsAtomic(ctx context.Context, pods []*Pod) int64 {
	var wg sync.WaitGroup
	var count int64
	for _, pod := range pods {
		wg.Add(1)
		go func(p *Pod) {
			defer wg.Done()
			if m.evict(ctx, p) == nil {
				atomic.AddInt64(&count, 1)
			}
		}(pod)
	}
	wg.Wait()
	return count
}

// recordReasons writes a map from several goroutines.
func (m *evictionManager) recordReasons(pods []*Pod, reason func(*Pod) string) {
	var wg sync.WaitGroup
	for _, pod := range pods {
		wg.Add(1)
		go func(p *Pod) {
			defer wg.Done()
			m.reasons[p.UID] = reason(p) // want "reasons"
		}(pod)
	}
	wg.Wait()
}

// ok: map writes under the manager's mutex.
func (m *evictionManager) recordReasonsLocked(pods []*Pod, reason func(*Pod) string) {
	var wg sync.WaitGroup
	for _, pod := range pods {
		wg.Add(1)
		go func(p *Pod) {
			defer wg.Done()
			r := reason(p)
			m.mu.Lock()
			m.reasons[p.UID] = r
			m.evicted++
			m.mu.Unlock()
		}(pod)
	}
	wg.Wait()
}
