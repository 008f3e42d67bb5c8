package split

type collector struct {
	events chan string
	seen   []string
}

func (c *collector) consume() {
	for e := range c.events {
		c.seen = append(c.seen, e)
	}
}

// ok: finish, in another file of the package, closes c.events.
func (c *collector) Start(initial []string) {
	c.events = make(chan string)
	go c.consume()
	for _, e := range initial {
		c.events <- e
	}
}
