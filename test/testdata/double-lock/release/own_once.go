package release

import "sync"

// doOnce runs its callback the first time only (cadence's global rate limiter).
type doOnce bool

func newOnce() *doOnce {
	value := doOnce(false)
	return &value
}

func (o *doOnce) Do(cb func()) {
	if !*o {
		*o = true
		cb()
	}
}

type weights struct {
	mut   sync.Mutex
	usage map[string]int
}

// HostUsage releases the lock before its metrics, through the once, and again (doing nothing) when
// it returns.
func (a *weights) HostUsage(host string) int {
	a.mut.Lock()
	once := newOnce()
	defer once.Do(a.mut.Unlock)
	v := a.usage[host]
	once.Do(a.mut.Unlock)
	return v
}

func (a *weights) flush() {}

// Peek hands the once a function that does not unlock: it returns with the lock held.
func (a *weights) Peek(host string) int {
	a.mut.Lock()
	once := newOnce()
	once.Do(a.flush)
	return a.usage[host]
}

func (a *weights) Update(host string) {
	a.mut.Lock()
	defer a.mut.Unlock()
	a.usage[host]++
}

func hostUsageTwice(a *weights) int {
	a.HostUsage("x")
	a.Update("x")           // ok
	return a.HostUsage("y") // ok
}

func peekThenUpdate(a *weights) {
	a.Peek("x")
	a.Update("x") // want "`a.Update\\(\"x\"\\)` locks `a.mut` again \\(in `Update`\\), already held since line 59"
}
