package fixtures

import (
	"context"
	"sync"
	"time"
)

// argo-rollouts' ephemeral metadata: the reconcile makes `ctx := context.TODO()` and hands it to
// a sync, whose goroutines hand it on to the retry loop. Nothing can cancel it.

type podSyncer struct{ retries int }

func (c *podSyncer) patch(ctx context.Context, pod string) error { return ctx.Err() }

func (c *podSyncer) updateWithRetry(ctx context.Context, pod string) error {
	var err error
	for attempt := 0; attempt < c.retries; attempt++ {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * time.Second) // ok
		}
		if err = c.patch(ctx, pod); err == nil {
			return nil
		}
	}
	return err
}

func (c *podSyncer) syncPods(ctx context.Context, pods []string) {
	var wg sync.WaitGroup
	for _, pod := range pods {
		wg.Add(1)
		go func(pod string) {
			defer wg.Done()
			_ = c.updateWithRetry(ctx, pod)
		}(pod)
	}
	wg.Wait()
}

func (c *podSyncer) reconcile(pods []string) {
	ctx := context.TODO()
	c.syncPods(ctx, pods)
}

// The same chain from a caller's context: its cancellation waits for the pauses.
type nodeSyncer struct{ retries int }

func (c *nodeSyncer) patch(ctx context.Context, node string) error { return ctx.Err() }

func (c *nodeSyncer) updateWithRetry(ctx context.Context, node string) error {
	var err error
	for attempt := 0; attempt < c.retries; attempt++ {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * time.Second) // want "`time.Sleep\\(time.Duration\\(atte\\.\\.\\.` in a loop ignores `ctx`"
		}
		if err = c.patch(ctx, node); err == nil {
			return nil
		}
	}
	return err
}

func (c *nodeSyncer) syncNodes(ctx context.Context, nodes []string) {
	var wg sync.WaitGroup
	for _, node := range nodes {
		wg.Add(1)
		go func(node string) {
			defer wg.Done()
			_ = c.updateWithRetry(ctx, node)
		}(node)
	}
	wg.Wait()
}

func (c *nodeSyncer) Reconcile(ctx context.Context, nodes []string) {
	c.syncNodes(ctx, nodes)
}
