package fixtures

import "sync"

type Counter struct {
	mu sync.Mutex
	n  int
}

func (c *Counter) Inc() {
	c.mu.Lock() // want "`c\\.mu\\.Lock\\(\\)` is never unlocked: `Inc` returns with it held, so the next `Lock` blocks"
	c.n++
}

var (
	registryMu sync.Mutex
	registry   []string
)

func register(name string) {
	registryMu.Lock() // want "`registryMu\\.Lock\\(\\)` is never unlocked: `register` returns with it held, so the next `Lock`"
	registry = append(registry, name)
}

type Gauge struct {
	sync.RWMutex
	v float64
}

func (g *Gauge) Value() float64 {
	g.RLock() // want "`g\\.RLock\\(\\)` is never unlocked: `Value` returns with it held, so the next `RLock` blocks"
	return g.v
}

// ok: the name says it locks for the caller.
func (c *Counter) lockForUpdate() {
	c.mu.Lock()
}

// ok: the doc comment says the lock is held on return.
// prepare returns with c.mu held; the caller must unlock it.
func (c *Counter) prepare() {
	c.mu.Lock()
	c.n = 0
}

// ok: the unlock is handed back to the caller as a function.
func (c *Counter) hold() func() {
	c.mu.Lock()
	return c.mu.Unlock
}

func (c *Counter) snapshot() (int, func()) {
	c.mu.Lock()
	return c.n, func() { c.mu.Unlock() }
}

// ok: the goroutine unlocks when it is done.
func (c *Counter) Reset(done chan<- struct{}) {
	c.mu.Lock()
	go func() {
		defer c.mu.Unlock()
		c.n = 0
		close(done)
	}()
}

// ok: a local mutex that is returned is the caller's to unlock.
func newLocked() *sync.Mutex {
	mu := new(sync.Mutex)
	mu.Lock()
	return mu
}

// ok: the mutex comes from the caller, who may unlock it.
func lockBoth(a, b *sync.Mutex) {
	a.Lock()
	b.Lock()
}

// ok: unknown lock types are not analysed.
type locker interface{ Lock() }

func useLocker(l locker) {
	l.Lock()
}

type syncBuffer struct {
	mu  sync.Mutex
	buf []byte
}

// ok: WriteMode and ReadMode are a pair; ReadMode unlocks what WriteMode locked.
func (b *syncBuffer) WriteMode() {
	b.mu.Lock()
}

func (b *syncBuffer) ReadMode() {
	b.mu.Unlock()
}
