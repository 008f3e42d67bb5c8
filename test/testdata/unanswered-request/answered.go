package fixtures

import "errors"

type lookup struct {
	name  string
	reply chan result
}

type result struct {
	addr string
	err  error
}

// Resolver answers every request, with an error when it has to.
type Resolver struct {
	reqc  chan lookup
	quit  chan struct{}
	cache map[string]string
}

func (r *Resolver) resolve(name string) (string, error) {
	if a, ok := r.cache[name]; ok {
		return a, nil
	}
	return "", errors.New("no such host")
}

func (r *Resolver) loop() {
	for {
		select {
		case req, ok := <-r.reqc:
			if !ok {
				return
			}
			addr, err := r.resolve(req.name)
			if err != nil {
				req.reply <- result{err: err}
				continue
			}
			req.reply <- result{addr: addr}
		case <-r.quit:
			return
		}
	}
}

// ok: every path of the loop's case replies.
func (r *Resolver) Lookup(name string) (string, error) {
	req := lookup{name: name, reply: make(chan result, 1)}
	select {
	case r.reqc <- req:
	case <-r.quit:
		return "", errors.New("closed")
	}
	res := <-req.reply // ok
	return res.addr, res.err
}

type call struct {
	id    uint64
	op    string
	reply chan []byte
}

// Conn keeps requests it cannot answer yet in a table, answered when the response arrives.
type Conn struct {
	calls   chan *call
	resps   chan uint64
	done    chan struct{}
	pending map[uint64]*call
}

func (c *Conn) writeLoop() {
	for {
		select {
		case cl := <-c.calls:
			c.pending[cl.id] = cl
		case id := <-c.resps:
			if cl, ok := c.pending[id]; ok {
				cl.reply <- nil
			}
		case <-c.done:
			return
		}
	}
}

// ok: the loop keeps the request (the model cannot tell where it is answered).
func (c *Conn) Call(id uint64) []byte {
	cl := &call{id: id, reply: make(chan []byte, 1)}
	select {
	case c.calls <- cl:
	case <-c.done:
		return nil
	}
	return <-cl.reply // ok
}

// Mux answers reads only; writes are fire-and-forget, told apart by the op.
type Mux struct {
	ops  chan call
	stop chan struct{}
	data map[uint64][]byte
}

func (m *Mux) run() {
	for {
		select {
		case o := <-m.ops:
			if o.op == "write" {
				m.data[o.id] = nil
				continue
			}
			o.reply <- m.data[o.id]
		case <-m.stop:
			return
		}
	}
}

// ok: a read always gets its answer; the loop skips only writes.
func (m *Mux) Read(id uint64) []byte {
	o := call{id: id, op: "read", reply: make(chan []byte, 1)}
	select {
	case m.ops <- o:
	case <-m.stop:
		return nil
	}
	return <-o.reply // ok
}
