package fixtures

// ok: the loop never returns, so every send is received eventually.
type Forever struct {
	ticks chan int
}

func NewForever() *Forever {
	f := &Forever{ticks: make(chan int)}
	go f.loop()
	return f
}

func (f *Forever) loop() {
	for {
		select {
		case <-f.ticks:
		}
	}
}

func (f *Forever) Tick(n int) {
	f.ticks <- n // ok
}

// ok: the channel is also closed: a late send panics, which send-after-close is about.
type Closing struct {
	msgs chan string
	quit chan struct{}
}

func NewClosing() *Closing {
	c := &Closing{msgs: make(chan string), quit: make(chan struct{})}
	go c.loop()
	return c
}

func (c *Closing) loop() {
	for {
		select {
		case <-c.msgs:
		case <-c.quit:
			return
		}
	}
}

func (c *Closing) Send(m string) {
	c.msgs <- m // ok
}

func (c *Closing) Close() {
	close(c.quit)
	close(c.msgs)
}

// ok: an exported channel field may have receivers in other packages.
type Bus struct {
	Events chan string
	quit   chan struct{}
}

func NewBus() *Bus {
	b := &Bus{Events: make(chan string), quit: make(chan struct{})}
	go b.loop()
	return b
}

func (b *Bus) loop() {
	for {
		select {
		case <-b.Events:
		case <-b.quit:
			return
		}
	}
}

func (b *Bus) Emit(e string) {
	b.Events <- e // ok
}

// ok: the channel comes from the caller; how it is made is not known here.
type Relay struct {
	out  chan int
	quit chan struct{}
}

func NewRelay(out chan int) *Relay {
	r := &Relay{out: out, quit: make(chan struct{})}
	go r.loop()
	return r
}

func (r *Relay) loop() {
	for {
		select {
		case <-r.out:
		case <-r.quit:
			return
		}
	}
}

func (r *Relay) Forward(v int) {
	r.out <- v // ok
}

// ok: the sender checks the stop signal right before sending; what window is left is narrow.
type Checked struct {
	work chan int
	halt chan struct{}
}

func NewChecked() *Checked {
	c := &Checked{work: make(chan int), halt: make(chan struct{})}
	go c.loop()
	return c
}

func (c *Checked) loop() {
	for {
		select {
		case <-c.work:
		case <-c.halt:
			return
		}
	}
}

func (c *Checked) Do(v int) {
	select {
	case <-c.halt:
		return
	default:
	}
	c.work <- v // ok
}

// ok: the function that starts the loop sends its first value (the loop is running).
type Primed struct {
	cfg  chan string
	quit chan struct{}
}

func StartPrimed(first string) *Primed {
	p := &Primed{cfg: make(chan string), quit: make(chan struct{})}
	go p.loop()
	p.cfg <- first // ok
	return p
}

func (p *Primed) loop() {
	for {
		select {
		case <-p.cfg:
		case <-p.quit:
			return
		}
	}
}

// The stop is a request with a reply (go-ethereum's account manager): reported, but a select on
// `m.quit` in the sender would steal Close's request, so no fix is offered.
type Manager struct {
	adds chan int
	quit chan chan error
}

func NewManager() *Manager {
	m := &Manager{adds: make(chan int), quit: make(chan chan error)}
	go m.update()
	return m
}

func (m *Manager) update() {
	for {
		select {
		case <-m.adds:
		case errc := <-m.quit:
			errc <- nil
			return
		}
	}
}

func (m *Manager) Close() error {
	errc := make(chan error)
	m.quit <- errc
	return <-errc
}

func (m *Manager) Add(v int) {
	m.adds <- v // want "`m.adds <- v` blocks forever once `update` has returned on `<-m.quit`"
}
