package doubleclose

// pgx's connection: receive closes cleanupDone itself on a fatal error and returns it; the
// callers then call asyncClose, whose closing goroutine starts only while the connection is
// still open, and peek starts it only on a read error, which returns before receive's close.

type conn struct {
	closed      bool
	cleanupDone chan struct{}
	fatal       func() bool
}

func (c *conn) read() (int, error) { return 0, nil }

func (c *conn) asyncClose() {
	if c.closed {
		return
	}
	c.closed = true
	go func() {
		defer close(c.cleanupDone)
		c.flush()
	}()
}

func (c *conn) flush() {}

func (c *conn) peek() (int, error) {
	msg, err := c.read()
	if err != nil {
		c.asyncClose()
		return 0, err
	}
	return msg, nil
}

func (c *conn) receive() (int, error) {
	msg, err := c.peek()
	if err != nil {
		return 0, err
	}
	if msg == 1 && c.fatal() {
		c.closed = true
		close(c.cleanupDone) // ok: peek started the closing goroutine only on the path that returned above
		return 0, nil
	}
	return msg, nil
}

// A helper that always starts the closing goroutine: both closes run.

func (c *conn) closeAsync() {
	go func() {
		defer close(c.cleanupDone)
		c.flush()
	}()
}

func (c *conn) shutdown() {
	c.closeAsync()
	close(c.cleanupDone) // want "`close\\(c.cleanupDone\\)` and `close\\(c.cleanupDone\\)` at line 54 both close the channel, and the second close panics"
}
