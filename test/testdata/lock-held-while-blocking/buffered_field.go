package fixtures

import (
	"errors"
	"net"
	"sync"
)

// Xray's DNS outbound: dial sends once on connReady, which is made with a buffer of one, so the
// send under c.access does not wait for Read.
type outboundConn struct {
	access    sync.Mutex
	dialer    func() (net.Conn, error)
	conn      net.Conn
	connReady chan struct{}
	closed    bool
}

func newOutboundConn(dial func() (net.Conn, error)) *outboundConn {
	return &outboundConn{dialer: dial, connReady: make(chan struct{}, 1)}
}

func (c *outboundConn) dial() error {
	conn, err := c.dialer()
	if err != nil {
		return err
	}
	c.conn = conn
	c.connReady <- struct{}{}
	return nil
}

func (c *outboundConn) Write(b []byte) (int, error) {
	c.access.Lock()
	if c.closed {
		c.access.Unlock()
		return 0, errors.New("closed")
	}
	if c.conn == nil {
		if err := c.dial(); err != nil { // ok
			c.access.Unlock()
			return 0, err
		}
	}
	c.access.Unlock()
	return c.conn.Write(b)
}

func (c *outboundConn) Read(b []byte) (int, error) {
	c.access.Lock()
	if c.conn == nil {
		c.access.Unlock()
		<-c.connReady
		return c.conn.Read(b)
	}
	c.access.Unlock()
	return c.conn.Read(b)
}

// The same with an unbuffered channel: the send waits for a Read that first needs the lock.
type inboundConn struct {
	access sync.Mutex
	conn   net.Conn
	ready  chan struct{}
}

func newInboundConn() *inboundConn {
	return &inboundConn{ready: make(chan struct{})}
}

func (c *inboundConn) accept(conn net.Conn) {
	c.conn = conn
	c.ready <- struct{}{}
}

func (c *inboundConn) Serve(conn net.Conn) {
	c.access.Lock()
	c.accept(conn) // want "sends on `c.ready` while holding `c.access`"
	c.access.Unlock()
}

func (c *inboundConn) Read(b []byte) (int, error) {
	c.access.Lock()
	defer c.access.Unlock()
	<-c.ready // want "waits while holding `c.access`, but the sender `inboundConn.Serve` needs it first"
	return c.conn.Read(b)
}
