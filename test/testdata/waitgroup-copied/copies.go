package fixtures

import (
	"fmt"
	"sync"
)

func process(int) {}

func worker(id int, wg sync.WaitGroup) { // want "parameter `wg sync\\.WaitGroup` gets a copy of a `sync\\.WaitGroup`: its `Done` never"
	defer wg.Done()
	process(id)
}

func runWorkers(ids []int) {
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go worker(id, wg)
	}
	wg.Wait()
}

func runLiteral(ids []int) {
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func(id int, wg sync.WaitGroup) { // want "parameter `wg sync\\.WaitGroup` gets a copy of a `sync\\.WaitGroup`: its `Done` never"
			defer wg.Done()
			process(id)
		}(id, wg)
	}
	wg.Wait()
}

type pool struct {
	wg    sync.WaitGroup
	tasks chan func()
}

func (p pool) wait() { // want "value receiver `p pool` copies `pool\\.wg` \\(a `sync\\.WaitGroup`\\) on every call: the method counts on the copy"
	p.wg.Wait()
}

func (p *pool) start(n int) {
	for i := 0; i < n; i++ {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for t := range p.tasks {
				t()
			}
		}()
	}
}

type server struct {
	name string
	pool pool
}

func drain(s server) { // want "parameter `s server` gets a copy of `server\\.pool\\.wg` \\(a `sync\\.WaitGroup`\\): its `Done` never"
	s.pool.wg.Wait()
}

func snapshot(p *pool) {
	saved := p.wg // want "`p.wg` is assigned to another variable, copying a `sync.WaitGroup`"
	saved.Wait()
}

func derefCopy(wg *sync.WaitGroup) {
	local := *wg // want "`\\*wg` is assigned to another variable"
	local.Wait()
}

func printGroup() {
	var wg sync.WaitGroup
	fmt.Println(wg) // want "`wg` is passed by value to `fmt.Println`"
}

func waitAll(pools []pool) {
	for _, p := range pools { // want "`p` gets a copy of each `pool` in `pools`, with `pool\\.wg` \\(a `sync\\.WaitGroup`\\): the"
		p.wg.Wait()
	}
}

type group struct {
	wg sync.WaitGroup
}

func newGroup() group {
	var g group
	return g // want "`g` is returned by value, copying `group.wg`"
}

func wrap(g *group) []group {
	return []group{*g} // want "`\\*g` is stored by value in a literal"
}

func waitOn(wg sync.WaitGroup) { // want "parameter `wg sync\\.WaitGroup` gets a copy of a `sync\\.WaitGroup`: its `Done` never"
	wg.Wait()
}

func callWaitOn() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
	}()
	waitOn(wg)
}

// ok: a pointer parameter shares the counter.
func pointerWorker(id int, wg *sync.WaitGroup) {
	defer wg.Done()
	process(id)
}

// ok: the address is passed, not a copy.
func runPointerWorkers(ids []int) {
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go pointerWorker(id, &wg)
	}
	wg.Wait()
}

// ok: a pointer receiver.
func (p *pool) stop() {
	close(p.tasks)
	p.wg.Wait()
}

// ok: a struct that holds a pointer to the WaitGroup may be copied freely.
type job struct {
	id int
	wg *sync.WaitGroup
}

func (j job) finish() {
	j.wg.Done()
}

// ok: ranging over pointers does not copy the pools.
func waitPointers(pools []*pool) {
	for _, p := range pools {
		p.wg.Wait()
	}
}

// ok: ranging over the indexes uses each element in place.
func waitIndexes(pools []pool) {
	for i := range pools {
		pools[i].wg.Wait()
	}
}

// ok: a fresh WaitGroup value is not a copy of a live one.
func reset(g *group) {
	g.wg = sync.WaitGroup{}
}

// ok: taking the address.
func alias(g *group) *sync.WaitGroup {
	p := &g.wg
	return p
}

// ok: a blank parameter is never used.
func ignore(_ sync.WaitGroup) {}

type stats struct {
	count int
}

// ok: no WaitGroup in the struct.
func (s stats) total() int { return s.count }
