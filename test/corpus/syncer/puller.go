// Package syncer pulls file blocks from peers, keeps the folder model and announces the device.
package syncer

import (
	"sync"
	"time"
)

type block struct {
	file   string
	offset int64
	hash   []byte
}

type pulledBlock struct {
	block block
	data  []byte
	err   error
}

type puller struct {
	fetch   func(b block) ([]byte, error)
	workers int
	queue   chan block
	quit    chan struct{}
}

// pullBlocks closes the output before the pullers have finished sending.
func (p *puller) pullBlocks(in <-chan block) []pulledBlock {
	out := make(chan pulledBlock, 16)
	var wg sync.WaitGroup
	for i := 0; i < p.workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range in {
				data, err := p.fetch(b)
				out <- pulledBlock{block: b, data: data, err: err}
			}
		}()
	}
	close(out) // want "close\\(out\\)"
	wg.Wait()
	var res []pulledBlock
	for r := range out {
		res = append(res, r)
	}
	return res
}

// ok: a closer goroutine waits for the pullers before closing.
func (p *puller) pullBlocksFixed(in <-chan block) []pulledBlock {
	out := make(chan pulledBlock, 16)
	var wg sync.WaitGroup
	for i := 0; i < p.workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range in {
				data, err := p.fetch(b)
				out <- pulledBlock{block: b, data: data, err: err}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	var res []pulledBlock
	for r := range out {
		res = append(res, r)
	}
	return res
}

// serveQueue handles queued blocks until quit is closed.
func (p *puller) serveQueue(handle func(block)) {
	for {
		select {
		case b := <-p.queue:
			handle(b)
		case <-p.quit:
			return
		default: // want "CPU core busy"
		}
	}
}

// ok: the default case sleeps a little, so the loop polls instead of spinning.
func (p *puller) pollQueue(handle func(block)) {
	for {
		select {
		case b := <-p.queue:
			handle(b)
		case <-p.quit:
			return
		default:
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// ok: drain what is queued without blocking, then return.
func (p *puller) drain() []block {
	var out []block
	for {
		select {
		case b := <-p.queue:
			out = append(out, b)
		default:
			return out
		}
	}
}
