package fixtures

import (
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
)

type Stats struct {
	mu     sync.Mutex
	counts map[string]int
}

func (s Stats) Add(key string) { // want "value receiver `s Stats` copies `Stats\\.mu` \\(sync\\.Mutex\\) on every call: locking the copy"
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[key]++
}

type Table struct {
	sync.RWMutex
	rows []string
}

func (t Table) Len() int { // want "value receiver `t Table` copies `Table\\.RWMutex` \\(sync\\.RWMutex\\) on every call: locking the"
	t.RLock()
	defer t.RUnlock()
	return len(t.rows)
}

type Config struct {
	mu   sync.RWMutex
	name string
}

type Server struct {
	cfg  Config
	addr string
}

func (s Server) Name() string { // want "value receiver `s Server` copies `Server\\.cfg\\.mu` \\(sync\\.RWMutex\\) on every call, reading the struct without holding it"
	return s.cfg.name
}

// A method of the package's, called on a field of the copy, may lock it.
func (s Server) Rename(name string) { // want "value receiver `s Server` copies `Server\\.cfg\\.mu` \\(sync\\.RWMutex\\) on every call: locking the copy"
	s.cfg.set(name)
}

func (c *Config) set(name string) {
	c.mu.Lock()
	c.name = name
	c.mu.Unlock()
}

type Gauge struct {
	mu   sync.Mutex
	hits atomic.Int64
}

// Information, and no pointer receiver offered: encoding/json calls MarshalJSON on values, and
// would stop calling it on the values of a map once the receiver is a pointer (aerospike's
// nodeStats). The copy only reads a counter of another package's type.
func (g Gauge) MarshalJSON() ([]byte, error) { // want "value receiver `g Gauge` copies `Gauge\\.mu` \\(sync\\.Mutex\\) on every call, reading the struct without holding it"
	return []byte(strconv.FormatInt(g.hits.Load(), 10)), nil
}

// A String method that locks its copy: a warning, still with no pointer receiver offered.
func (g Gauge) String() string { // want "value receiver `g Gauge` copies `Gauge\\.mu` \\(sync\\.Mutex\\) on every call: locking the copy"
	g.mu.Lock()
	defer g.mu.Unlock()
	return strconv.FormatInt(g.hits.Load(), 10)
}

func report(s Stats) int { // want "parameter `s Stats` receives a copy of `Stats\\.mu` \\(sync\\.Mutex\\): locking the copy excludes"
	return len(s.counts)
}

func withLock(mu sync.Mutex, f func()) { // want "parameter `mu sync\\.Mutex` receives a copy of a `sync\\.Mutex`: locking the copy excludes no"
	mu.Lock()
	defer mu.Unlock()
	f()
}

func save(v interface{}) {}

func dump(s *Stats) {
	var snapshot Stats
	fmt.Println(snapshot) // want "`snapshot` is passed by value to `fmt.Println`, copying `Stats.mu` \\(sync.Mutex\\)"
	save(*s)              // want "`\\*s` is passed by value to `save`, copying"
}

type Shard struct {
	mu   sync.Mutex
	keys map[string]bool
}

type Ring struct {
	shards []Shard
	byName map[string]Shard
}

func (r *Ring) Has(key string) bool {
	for _, sh := range r.shards { // want "`sh` receives a copy of each `Shard` of `r\\.shards`, with `Shard\\.mu` \\(sync\\.Mutex\\): locking"
		sh.mu.Lock()
		ok := sh.keys[key]
		sh.mu.Unlock()
		if ok {
			return true
		}
	}
	return false
}

func (r *Ring) Names() []string {
	var out []string
	for name, sh := range r.byName { // want "`sh` receives a copy of each `Shard` of `r\\.byName`, with `Shard\\.mu` \\(sync\\.Mutex\\): locking"
		if len(sh.keys) > 0 {
			out = append(out, name)
		}
	}
	return out
}

// ok: pointer receivers and pointer parameters share the mutex.
func (s *Stats) Reset() {
	s.mu.Lock()
	s.counts = map[string]int{}
	s.mu.Unlock()
}

func total(s *Stats) int { // ok
	return len(s.counts)
}

// ok: the struct holds a pointer to the mutex; copies share it.
type Handle struct {
	mu   *sync.Mutex
	open bool
}

func (h Handle) Open() bool { // ok
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.open
}

// ok: no mutex inside.
type Point struct{ X, Y int }

func (p Point) Norm() int { return p.X*p.X + p.Y*p.Y } // ok

// ok: passing a pointer.
func dumpPtr(s *Stats) {
	fmt.Println(s) // ok
	save(&s.mu)    // ok
}

// ok: the loop indexes the slice and locks the element in place.
func (r *Ring) Clear() {
	for i := range r.shards {
		r.shards[i].mu.Lock()
		r.shards[i].keys = nil
		r.shards[i].mu.Unlock()
	}
}

// ok: ranging over pointers.
func lockAll(shards []*Shard) {
	for _, sh := range shards { // ok
		sh.mu.Lock()
	}
}

type Link struct {
	mu   sync.Mutex
	name string
}

// ok: the struct embeds a pointer; copying it shares the Link and its mutex.
type linkCtxt struct{ *Link }

func (c linkCtxt) Name() string { return c.name } // ok

func useLink(l *Link) string {
	c := linkCtxt{l}
	return describe(c) // ok
}

func describe(c linkCtxt) string { return c.Name() }
