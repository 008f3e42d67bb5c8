package fixtures

// Lobby and Echo both keep a channel field named joinc; only Echo's is buffered. The lobby's
// senders still wait for its loop, whatever the echo's buffer.
type Lobby struct {
	joinc chan string
	done  chan struct{}
	names []string
}

func NewLobby() *Lobby {
	l := &Lobby{joinc: make(chan string), done: make(chan struct{})}
	go l.run()
	return l
}

func (l *Lobby) run() {
	for {
		select {
		case n := <-l.joinc:
			l.names = append(l.names, n)
		case <-l.done:
			return
		}
	}
}

func (l *Lobby) Close() { close(l.done) }

func (l *Lobby) Join(name string) {
	l.joinc <- name // want "`l.joinc <- name` blocks forever once `run` has returned on `<-l.done`"
}

// ok: Echo's channel has room for the sends its loop may miss.
type Echo struct {
	joinc chan string
	done  chan struct{}
}

func NewEcho() *Echo {
	e := &Echo{joinc: make(chan string, 8), done: make(chan struct{})}
	go e.run()
	return e
}

func (e *Echo) run() {
	for {
		select {
		case n := <-e.joinc:
			println(n)
		case <-e.done:
			return
		}
	}
}

func (e *Echo) Join(name string) {
	e.joinc <- name // ok
}
