package fixtures

import "sync"

type Conn struct{ id int }

type Server struct {
	connsMu sync.Mutex
	conns   map[int]*Conn
	statsMu sync.Mutex
	stats   map[int]int
}

func (s *Server) Close(id int) {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	s.statsMu.Lock() // want "`s\\.statsMu\\.Lock\\(\\)` while holding `s\\.connsMu`; `Server\\.Report` takes them in reverse order"
	delete(s.stats, id)
	s.statsMu.Unlock()
	delete(s.conns, id)
}

func (s *Server) Report() {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.connsMu.Lock() // want "`s\\.connsMu\\.Lock\\(\\)` while holding `s\\.statsMu`; `Server\\.Close` takes them in reverse order"
	for id := range s.conns {
		s.stats[id]++
	}
	s.connsMu.Unlock()
}

func (s *Server) countConn(id int) {
	s.statsMu.Lock()
	s.stats[id]++
	s.statsMu.Unlock()
}

func (s *Server) Accept(c *Conn) {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	s.conns[c.id] = c
	s.countConn(c.id) // want "`s\\.countConn\\(c\\.id\\)` locks `s\\.statsMu` while holding `s\\.connsMu`; `Server\\.Report` takes"
}

func (s *Server) Snapshot() (int, int) {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	s.statsMu.Lock() // want "`s.statsMu.Lock\\(\\)` while holding `s.connsMu`"
	defer s.statsMu.Unlock()
	return len(s.conns), len(s.stats)
}

var (
	registryMu sync.Mutex
	registry   = map[string]int{}
	cacheMu    sync.Mutex
	cache      = map[string]int{}
)

func register(name string, v int) {
	registryMu.Lock()
	defer registryMu.Unlock()
	registry[name] = v
	cacheMu.Lock() // want "`cacheMu\\.Lock\\(\\)` while holding `registryMu`; `invalidate` takes them in reverse order"
	delete(cache, name)
	cacheMu.Unlock()
}

func invalidate() {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	for k := range cache {
		registryMu.Lock() // want "`registryMu.Lock\\(\\)` while holding `cacheMu`"
		delete(registry, k)
		registryMu.Unlock()
	}
}

type Grid struct {
	rows, cols sync.RWMutex
	cells      [][]int
}

func (g *Grid) GrowRows() {
	g.rows.Lock()
	defer g.rows.Unlock()
	g.cols.RLock() // want "`g.cols.RLock\\(\\)` while holding `g.rows`"
	g.cells = append(g.cells, nil)
	g.cols.RUnlock()
}

func (g *Grid) GrowCols() {
	g.cols.Lock()
	defer g.cols.Unlock()
	g.rows.RLock() // want "`g.rows.RLock\\(\\)` while holding `g.cols`"
	for i := range g.cells {
		g.cells[i] = append(g.cells[i], 0)
	}
	g.rows.RUnlock()
}

// ok: two read locks in opposite orders do not block each other (GrowRows/GrowCols write).
func (g *Grid) Count() int {
	g.rows.RLock()
	defer g.rows.RUnlock()
	g.cols.RLock() // ok
	defer g.cols.RUnlock()
	return len(g.cells)
}

func (g *Grid) Sum() int {
	g.cols.RLock()
	defer g.cols.RUnlock()
	n := 0
	for _, r := range g.cells {
		n += len(r)
	}
	return n
}

// ok: the first lock is released before the second is taken.
func (s *Server) Rotate() {
	s.statsMu.Lock()
	s.stats = map[int]int{}
	s.statsMu.Unlock()
	s.connsMu.Lock() // ok
	s.conns = map[int]*Conn{}
	s.connsMu.Unlock()
}

// ok: different accounts; the order between two instances is not visible in the syntax.
type Account struct {
	mu      sync.Mutex
	balance int
}

func transfer(from, to *Account, n int) {
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock() // ok
	defer to.mu.Unlock()
	from.balance -= n
	to.balance += n
}

// ok: the goroutine locks conns on its own, after Flush has moved on; the locks do not nest.
func (s *Server) Flush() {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	go func() {
		s.connsMu.Lock() // ok
		s.conns = nil
		s.connsMu.Unlock()
	}()
}

// ok: TryLock does not wait.
func (s *Server) TryReport() bool {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	if !s.connsMu.TryLock() { // ok
		return false
	}
	defer s.connsMu.Unlock()
	return true
}

// ok: the helper unlocks stats before it locks conns.
func (s *Server) handOver() {
	s.statsMu.Unlock()
	s.connsMu.Lock()
	s.connsMu.Unlock()
}

func (s *Server) Reset() {
	s.statsMu.Lock()
	s.handOver() // ok
}

type Pipeline struct {
	inMu, outMu sync.Mutex
	in, out     []int
}

// ok: Move and Flush take inMu before outMu, the same order.
func (p *Pipeline) Move() {
	p.inMu.Lock()
	defer p.inMu.Unlock()
	p.outMu.Lock()
	p.out = append(p.out, p.in...)
	p.outMu.Unlock()
	p.in = nil
}

func (p *Pipeline) Flush() []int {
	p.inMu.Lock()
	defer p.inMu.Unlock()
	p.outMu.Lock()
	defer p.outMu.Unlock()
	out := p.out
	p.out = nil
	return out
}

// ok: the second lock is taken only after the first is released on every path.
func (p *Pipeline) Drop(all bool) {
	p.outMu.Lock()
	p.out = nil
	p.outMu.Unlock()
	if all {
		p.inMu.Lock()
		p.in = nil
		p.inMu.Unlock()
	}
}
