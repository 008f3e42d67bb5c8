package gate

import "sync"

type Cluster struct {
	controlMutex sync.Mutex // serialises init, join and leave
	mu           sync.RWMutex
	nr           *nodeRunner
}

type nodeRunner struct {
	mu      sync.Mutex
	cluster *Cluster
	ready   bool
}

func (n *nodeRunner) state() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.ready
}

// Stop is called with the cluster's controlMutex held, but Attach (in networks.go) takes the
// two locks the other way round without it: both sides of that pair are reported.
func (n *nodeRunner) Stop() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.ready = false
	n.cluster.event() // want "`n\\.cluster\\.event\\(\\)` locks `n\\.cluster\\.mu` while holding `n\\.mu`; `Cluster\\.Attach` takes them"
}

// ok: Leave holds controlMutex around both locks, and so does every caller of Stop: the two
// orders never run at the same time (moby's cluster).
func (c *Cluster) Leave() {
	c.controlMutex.Lock()
	defer c.controlMutex.Unlock()
	c.mu.Lock()
	nr := c.nr
	ready := c.currentState() // ok
	c.mu.Unlock()
	if ready {
		nr.Stop()
	}
}

func (c *Cluster) Cleanup() {
	c.controlMutex.Lock()
	defer c.controlMutex.Unlock()
	c.nr.Stop()
}

func (c *Cluster) event() {
	c.mu.RLock()
	defer c.mu.RUnlock()
}

func (c *Cluster) currentState() bool {
	return c.nr.state()
}
