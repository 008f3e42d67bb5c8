package conn

// Close closes the queue without waiting for writeLoop.
func (c *Conn) Close() {
	close(c.closed)
	close(c.writes)
}
