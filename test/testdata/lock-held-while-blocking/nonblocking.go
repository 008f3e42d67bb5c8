package fixtures

import "sync"

type Channel struct {
	mu       sync.Mutex
	memory   chan string
	kick     chan struct{}
	received []string
}

// notify never waits: its send is a case of a select with a default.
func (c *Channel) notify() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// ok: the helper's send cannot block, so holding c.mu across it is fine (nsq put, geth Trigger).
func (c *Channel) Put(m string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.received = append(c.received, m)
	c.notify()
}

// drain empties the buffer without waiting.
func (c *Channel) drain() {
	for {
		select {
		case <-c.memory:
		default:
			return
		}
	}
}

// ok: a non-blocking drain under the lock.
func (c *Channel) Empty() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.drain()
}

// ok: Close drains without waiting, under the same lock Put holds while it notifies; neither
// side can block the other (nsq Channel.Empty against Channel.put).
func (c *Channel) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		select {
		case <-c.kick:
		default:
			return
		}
	}
}

type Pacer struct {
	mu     sync.Mutex
	tokens chan struct{}
}

// ok: the sends fill a channel this function has just made with room for all of them (rclone pacer).
func (p *Pacer) SetMaxConnections(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tokens = make(chan struct{}, n)
	for i := 0; i < n; i++ {
		p.tokens <- struct{}{}
	}
}

// acquire waits for a token while holding p.mu, and only SetMaxConnections, which needs p.mu,
// hands out tokens: that one is real.
func (p *Pacer) acquire() {
	p.mu.Lock()
	defer p.mu.Unlock()
	<-p.tokens // want "`<-p.tokens` waits while holding `p.mu`"
}
