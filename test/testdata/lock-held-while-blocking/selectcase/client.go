package fixtures

import "sync"

type ops struct{ ids []string }

type ServiceClient struct {
	agentLock  sync.Mutex
	opCh       chan *ops
	shutdownCh chan struct{}
	exitCh     chan struct{}
	registered []string
}

// commit sends the ops to the run loop, or gives up when the client shuts down.
func (c *ServiceClient) commit(o *ops) {
	select {
	case c.opCh <- o:
	case <-c.shutdownCh:
	}
}

// ok: commit waits on two cases, and the run loop that receives from opCh needs no lock; the
// shutdown case is an escape, not the only way out (nomad's Consul service client).
func (c *ServiceClient) RegisterAgent(o *ops) {
	c.agentLock.Lock()
	defer c.agentLock.Unlock()
	c.commit(o)
	c.registered = append(c.registered, o.ids...)
}

func (c *ServiceClient) Shutdown() {
	c.agentLock.Lock()
	defer c.agentLock.Unlock()
	close(c.shutdownCh)
}

func (c *ServiceClient) Run() {
	for {
		select {
		case o := <-c.opCh:
			_ = o
		case <-c.shutdownCh:
			return
		}
	}
}

// waitExit has only one way out.
func (c *ServiceClient) waitExit() {
	<-c.exitCh
}

func (c *ServiceClient) Deregister() {
	c.agentLock.Lock()
	defer c.agentLock.Unlock()
	c.waitExit() // want "`c\\.waitExit\\(\\)` receives from `c\\.exitCh` while holding `c\\.agentLock`, but the closer `ServiceClient\\.Exit` needs it"
}

func (c *ServiceClient) Exit() {
	c.agentLock.Lock()
	defer c.agentLock.Unlock()
	close(c.exitCh)
}
