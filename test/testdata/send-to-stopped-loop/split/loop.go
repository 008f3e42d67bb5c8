package split

type hub struct {
	joins chan string
	done  chan struct{}
}

func newHub() *hub {
	return &hub{joins: make(chan string), done: make(chan struct{})}
}

func (h *hub) run() {
	for {
		select {
		case name := <-h.joins:
			println(name)
		case <-h.done:
			return
		}
	}
}

func (h *hub) shutdown() { close(h.done) }
