package helpers

import (
	"errors"
	"log"
	"strings"
)

var errStopped = errors.New("stopped")

type getReq struct {
	key   string
	reply chan string
}

// KV's loop hands every request to a helper; the helper answers, or not, on each of its paths.
type KV struct {
	getc   chan getReq
	stop   chan struct{}
	m      map[string]string
	closed bool
}

func (s *KV) load(key string) (string, error) {
	v, ok := s.m[key]
	if !ok {
		return "", errors.New("missing")
	}
	return v, nil
}

// get returns early on an error without replying.
func (s *KV) get(r getReq) {
	v, err := s.load(r.key)
	if err != nil {
		log.Printf("get %s: %v", r.key, err)
		return
	}
	r.reply <- v
}

func (s *KV) run() {
	for {
		select {
		case r := <-s.getc:
			s.get(r)
		case <-s.stop:
			return
		}
	}
}

func (s *KV) Get(key string) string {
	r := getReq{key: key, reply: make(chan string, 1)}
	select {
	case s.getc <- r:
	case <-s.stop:
		return ""
	}
	return <-r.reply // want "`<-r.reply` blocks forever if `run` takes this request and `get`, which it hands the request to, returns without replying \\(line 37\\)"
}

// ok: the caller also gives up on stop.
func (s *KV) GetOrStop(key string) (string, error) {
	r := getReq{key: key, reply: make(chan string, 1)}
	select {
	case s.getc <- r:
	case <-s.stop:
		return "", errStopped
	}
	select {
	case v := <-r.reply: // ok
		return v, nil
	case <-s.stop:
		return "", errStopped
	}
}

type putReq struct {
	key, val string
	done     chan error
}

// Journal ranges over its requests and passes each to a plain function of the package.
type Journal struct {
	putc   chan putReq
	lines  []string
	frozen bool
}

func appendLine(j *Journal, r *putReq) {
	if j.frozen {
		return
	}
	j.lines = append(j.lines, r.key+"="+r.val)
	r.done <- nil
}

func (j *Journal) loop() {
	for r := range j.putc {
		appendLine(j, &r)
	}
}

func (j *Journal) Put(k, v string) error {
	r := putReq{key: k, val: v, done: make(chan error, 1)}
	j.putc <- r
	return <-r.done // want "`<-r.done` blocks forever if `loop` takes this request and `appendLine`, which it hands the request to, returns without replying \\(line 93\\)"
}

type statsReq struct {
	reply chan int
}

// Meter's helper answers only in some modes: the switch has no default.
type Meter struct {
	statsc chan *statsReq
	mode   string
	n      int
}

func (m *Meter) answer(r *statsReq) {
	switch m.mode {
	case "count":
		r.reply <- m.n
	case "zero":
		r.reply <- 0
	}
}

func (m *Meter) loop() {
	for r := range m.statsc {
		m.answer(r)
		m.n++
	}
}

func (m *Meter) Stats() int {
	r := &statsReq{reply: make(chan int, 1)}
	m.statsc <- r
	return <-r.reply // want "`<-r.reply` blocks forever if `loop` takes this request and `answer`, which it hands the request to, returns without replying \\(line 129\\)"
}

// Reporter's requests are reply channels, answered by a helper that gives up on an error.
type Reporter struct {
	reportc chan chan string
	parts   []string
}

func (p *Reporter) render() (string, error) {
	if len(p.parts) == 0 {
		return "", errors.New("empty")
	}
	return strings.Join(p.parts, ","), nil
}

func (p *Reporter) send(ch chan string) {
	out, err := p.render()
	if err != nil {
		return
	}
	ch <- out
}

func (p *Reporter) loop() {
	for ch := range p.reportc {
		p.send(ch)
	}
}

func (p *Reporter) Report() string {
	ch := make(chan string)
	p.reportc <- ch
	return <-ch // want "`<-ch` blocks forever if `loop` takes this request and `send`, which it hands the request to, returns without replying \\(line 160\\)"
}

type delReq struct {
	key  string
	done chan struct{}
}

// ok: Index's helper answers on every path, an error included.
type Index struct {
	delc chan delReq
	keys map[string]bool
}

func (x *Index) del(r delReq) {
	defer close(r.done)
	if !x.keys[r.key] {
		return
	}
	delete(x.keys, r.key)
}

func (x *Index) loop() {
	for r := range x.delc {
		x.del(r)
	}
}

func (x *Index) Delete(key string) {
	r := delReq{key: key, done: make(chan struct{})}
	x.delc <- r
	<-r.done // ok
}

type setReq struct {
	key  string
	errc chan error
}

// ok: when the helper fails, the loop answers the error itself.
type Registry struct {
	setc  chan setReq
	names map[string]bool
}

func (g *Registry) set(r setReq) error {
	if g.names[r.key] {
		return errors.New("taken")
	}
	g.names[r.key] = true
	r.errc <- nil
	return nil
}

func (g *Registry) loop() {
	for r := range g.setc {
		if err := g.set(r); err != nil {
			r.errc <- err
		}
	}
}

func (g *Registry) Set(key string) error {
	r := setReq{key: key, errc: make(chan error, 1)}
	g.setc <- r
	return <-r.errc // ok
}

// ok: the helper answers whatever happens, in a deferred closure.
type Resolver struct {
	lookc chan getReq
	hosts map[string]string
}

func (v *Resolver) resolve(r getReq) {
	addr := ""
	defer func() { r.reply <- addr }()
	if h, ok := v.hosts[r.key]; ok {
		addr = h
	}
}

func (v *Resolver) loop() {
	for r := range v.lookc {
		v.resolve(r)
	}
}

func (v *Resolver) Resolve(host string) string {
	r := getReq{key: host, reply: make(chan string, 1)}
	v.lookc <- r
	return <-r.reply // ok
}

// ok: the request goes to a goroutine, which may answer it later.
type Spawner struct {
	jobc chan getReq
}

func (p *Spawner) work(r getReq) {
	if r.key == "" {
		return
	}
	r.reply <- r.key
}

func (p *Spawner) loop() {
	for r := range p.jobc {
		go p.work(r)
	}
}

func (p *Spawner) Do(key string) string {
	r := getReq{key: key, reply: make(chan string, 1)}
	p.jobc <- r
	return <-r.reply // ok
}
