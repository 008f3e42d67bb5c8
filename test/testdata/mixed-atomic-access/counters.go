package fixtures

import (
	"net/http"
	"sync/atomic"
)

type Server struct {
	hits    int64
	errors  uint32
	closed  int32
	pending int64
	name    string
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	atomic.AddInt64(&s.hits, 1)
	if r.URL == nil {
		atomic.AddUint32(&s.errors, 1)
	}
	atomic.AddInt64(&s.pending, 1)
	defer atomic.AddInt64(&s.pending, -1)
}

func (s *Server) Hits() int64 {
	return s.hits // want "`s.hits` is read without sync/atomic, while `ServeHTTP` uses `atomic.AddInt64` on it \\(line 17\\): a data race"
}

func (s *Server) Report() (uint32, string) {
	return s.errors, s.name // want "`s.errors` is read without sync/atomic, while `ServeHTTP` uses `atomic.AddUint32`"
}

func (s *Server) Close() {
	atomic.StoreInt32(&s.closed, 1)
}

func (s *Server) Closed() bool {
	return s.closed == 1 // want "`s.closed` is read without sync/atomic, while `Close` uses `atomic.StoreInt32`"
}

// A plain write races just as well.
func (s *Server) Reset() {
	s.hits = 0 // want "`s.hits` is written without sync/atomic"
}

// And an increment.
func (s *Server) Bump() {
	s.pending++ // want "`s.pending` is written without sync/atomic"
}

// A helper of the package handed the server.
func describe(s *Server) int64 {
	return s.pending // want "`s.pending` is read without sync/atomic"
}

// A package variable.
var requests uint64

func count() { atomic.AddUint64(&requests, 1) }

func snapshot() uint64 {
	return requests // want "`requests` is read without sync/atomic, while `count` uses `atomic.AddUint64`"
}

// A busy wait on a plain read may never see the store.
func (s *Server) waitClosed() {
	for s.closed == 0 { // want "`s.closed` is read without sync/atomic"
	}
}

// ok: every access is atomic.
func (s *Server) HitsAtomic() int64 {
	return atomic.LoadInt64(&s.hits) // ok
}

// ok: a constructor sets fields before the value is shared.
func NewServer(name string) *Server {
	s := &Server{name: name}
	s.hits = 0 // ok
	return s
}

// ok: fields nobody accesses atomically.
func (s *Server) Name() string {
	return s.name // ok
}

// ok: init runs before any goroutine of the package.
func init() {
	requests = 0 // ok
}

// ok: a local variable of the same name is not the field.
func local() int64 {
	var hits int64
	atomic.AddInt64(&hits, 1)
	return hits // ok
}

// ok: typed atomics cannot be read plainly.
type Typed struct {
	n atomic.Int64
}

func (t *Typed) Get() int64 {
	return t.n.Load() // ok
}

// ok: another type's field of the same name.
type Client struct {
	hits int64
}

func (c *Client) Hits() int64 {
	return c.hits // ok
}

// ok: the address is handed on, to code that may well be atomic.
func (s *Server) addr() *int64 {
	return &s.hits // ok
}

// ok: the address in parentheses is still an atomic access.
func (s *Server) paren() int64 {
	return atomic.AddInt64(&(s.hits), 1) // ok
}

// ok: a value parameter is a copy of its own.
func (s *Server) merge(other Server) {
	atomic.AddInt64(&s.hits, other.hits) // ok
}

// ok: a value receiver holds a copy.
func (s Server) Snapshot() int64 {
	return s.pending // ok
}

// ok: a method named init sets the value up in place before it is shared.
func (s *Server) init() {
	s.closed = 0 // ok
}

type cacheStats struct {
	Hits int64
}

type Cache struct {
	stats *cacheStats
}

func (c *Cache) Get() { atomic.AddInt64(&c.stats.Hits, 1) }

// ok: a fresh stats value is filled in before the cache uses it.
func (c *Cache) initStats(n int64) {
	c.stats = &cacheStats{}
	c.stats.Hits = n // ok
}

func (c *Cache) Stats() int64 {
	return c.stats.Hits // want "`c.stats.Hits` is read without sync/atomic, while `Get` uses `atomic.AddInt64`"
}

// Two plain reads in one function: one finding, and the fix loads both.
func (s *Server) Ratio() float64 {
	if s.hits == 0 { // want "`s.hits` is read without sync/atomic"
		return 0
	}
	return float64(atomic.LoadUint32(&s.errors)) / float64(s.hits)
}
