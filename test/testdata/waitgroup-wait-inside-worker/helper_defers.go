package fixtures

import "sync"

// cometbft's secret connection test: the test counts two reading goroutines and its own call of
// writeLots, which defers Done. Called in place, writeLots has run its Done when it returns,
// before the test's Wait.

type conn struct{}

func (conn) Read() {}

func (conn) Write() {}

func readLots(wg *sync.WaitGroup, c conn, n int) {
	defer wg.Done()
	for i := 0; i < n; i++ {
		c.Read()
	}
}

func writeLots(wg *sync.WaitGroup, c conn, n int) {
	defer wg.Done()
	for i := 0; i < n; i++ {
		c.Write()
	}
}

func concurrentRead(a, b conn) {
	wg := new(sync.WaitGroup)
	wg.Add(3)
	go readLots(wg, a, 50)
	go readLots(wg, a, 50)
	writeLots(wg, b, 100)
	wg.Wait() // ok
}

// The same helper deferred: its Done runs only when the function returns, after the Wait.
func deferredWriter(a, b conn) {
	wg := new(sync.WaitGroup)
	wg.Add(2)
	go readLots(wg, a, 50)
	defer writeLots(wg, b, 100)
	wg.Wait() // want "Wait"
}

// minio's grid connection: a reconnect waits for the last connection's reader and writer, then
// counts its own two and runs the writer in place; the writer's deferred Done answers that Add.
type gridConn struct {
	handleWg sync.WaitGroup
}

func (c *gridConn) reconnected() {
	c.handleWg.Wait() // ok
}

func (c *gridConn) handleIncoming(a, b conn) {
	c.reconnected()
	c.handleMessages(a, b)
}

func (c *gridConn) handleMessages(a, b conn) {
	c.handleWg.Add(2)
	go c.readStream(a)
	c.writeStream(b)
}

func (c *gridConn) readStream(a conn) {
	defer c.handleWg.Done()
	a.Read()
}

func (c *gridConn) writeStream(b conn) {
	defer func() {
		c.handleWg.Done()
	}()
	b.Write()
}
