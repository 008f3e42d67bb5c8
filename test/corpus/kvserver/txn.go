package kvserver

import (
	"context"
	"sync"
	"time"
)

type TxnID string

type txnCoordinator struct {
	mu   sync.Mutex
	txns map[TxnID]*txn
}

type txn struct {
	mu     sync.Mutex
	id     TxnID
	epoch  int
	coord  *txnCoordinator
	lastHB time.Time
}

// bumpEpoch locks the transaction, then its coordinator.
func (t *txn) bumpEpoch() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.epoch++
	t.coord.mu.Lock() // want "order|inversion|opposite"
	t.coord.txns[t.id] = t
	t.coord.mu.Unlock()
}

// abortAll locks the coordinator, then each transaction: the opposite order.
func (c *txnCoordinator) abortAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, t := range c.txns {
		t.mu.Lock() // want "order|inversion|opposite"
		t.epoch = -1
		t.mu.Unlock()
		delete(c.txns, id)
	}
}

// ok: the coordinator's list is copied out first, then each transaction is locked alone.
func (c *txnCoordinator) abortAllFixed() {
	c.mu.Lock()
	list := make([]*txn, 0, len(c.txns))
	for _, t := range c.txns {
		list = append(list, t)
	}
	c.txns = make(map[TxnID]*txn)
	c.mu.Unlock()
	for _, t := range list {
		t.mu.Lock()
		t.epoch = -1
		t.mu.Unlock()
	}
}

type heartbeater struct {
	stopper *Stopper
	beat    func(ctx context.Context, id TxnID) error
	id      TxnID
}

// run heartbeats with a background context instead of the one it was given.
func (h *heartbeater) run(ctx context.Context) {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			_ = h.beat(context.Background(), h.id) // want "context.Background\\(\\)"
		case <-ctx.Done():
			return
		case <-h.stopper.ShouldQuiesce():
			return
		}
	}
}

// ok: the heartbeat request derives a timeout from the loop's ctx.
func (h *heartbeater) runFixed(ctx context.Context) {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			hbCtx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
			_ = h.beat(hbCtx, h.id)
			cancel()
		case <-ctx.Done():
			return
		case <-h.stopper.ShouldQuiesce():
			return
		}
	}
}
