package conn

// The writer goroutine lives in this file; Close, in close.go, closes its queue.
type Conn struct {
	writes chan []byte
	closed chan struct{}
}

func Dial() *Conn {
	c := &Conn{writes: make(chan []byte), closed: make(chan struct{})}
	go c.writeLoop()
	return c
}

func (c *Conn) writeLoop() {
	for {
		select {
		case <-c.closed:
			return
		default:
		}
		c.writes <- nil // want "in the `writeLoop` goroutine can run after `Close` closes `c.writes` \\(close.go:6\\) and panic"
	}
}
