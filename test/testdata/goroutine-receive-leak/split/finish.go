package split

// Finish ends the consumer started by Start.
func (c *collector) Finish() {
	close(c.events)
}
