//fixture:go 1.21

package jobs

import (
	"sync"
	"sync/atomic"
)

// ok: every write holds the mutex.
func locked(names []string) map[string]int {
	var mu sync.Mutex
	counts := map[string]int{}
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			counts[n]++
		}(n)
	}
	wg.Wait()
	return counts
}

// ok: the counter is updated atomically.
func atomicCounter(names []string) int64 {
	var n int64
	var wg sync.WaitGroup
	for range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			atomic.AddInt64(&n, 1)
		}()
	}
	wg.Wait()
	return atomic.LoadInt64(&n)
}

// ok: each goroutine writes its own element of the slice.
func perIndex(names []string) []int {
	out := make([]int, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Add(1)
		go func(i int, n string) {
			defer wg.Done()
			out[i] = len(n)
		}(i, n)
	}
	wg.Wait()
	return out
}

type result struct{ size int }

// ok: a variable declared in the iteration belongs to one goroutine.
func perIteration(names []string) []*result {
	var all []*result
	var wg sync.WaitGroup
	for _, n := range names {
		r := &result{}
		all = append(all, r)
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			r.size = len(n)
		}(n)
	}
	wg.Wait()
	return all
}

// ok: variables declared inside the goroutine are its own.
func local(names []string) {
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			count := 0
			for range n {
				count++
			}
			n = ""
		}(n)
	}
	wg.Wait()
}

// ok: a one-slot channel passed around as a token serialises the writes.
func tokenPassing(names []string) int {
	token := make(chan struct{}, 1)
	total := 0
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			token <- struct{}{}
			total += len(n)
			<-token
		}(n)
	}
	wg.Wait()
	return total
}

// ok: each iteration waits for its goroutine.
func oneByOne(names []string) int {
	last := 0
	for _, n := range names {
		var wg sync.WaitGroup
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			last = len(n)
		}(n)
		wg.Wait()
	}
	return last
}

type store struct {
	mu    sync.Mutex
	items map[string]int
}

func (s *store) lock()   { s.mu.Lock() }
func (s *store) unlock() { s.mu.Unlock() }

// ok: the lock is taken by helpers of the type.
func (s *store) fill(names []string) {
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			s.lock()
			s.items[n] = len(n)
			s.unlock()
		}(n)
	}
	wg.Wait()
}

// ok: sync.Once runs the write once, whatever the number of goroutines.
func onceInit(names []string) string {
	var once sync.Once
	var first string
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			once.Do(func() { first = n })
		}(n)
	}
	wg.Wait()
	return first
}

// ok: results go through a channel to the one goroutine that owns the map.
func viaChannel(names []string) map[string]int {
	type pair struct {
		name string
		size int
	}
	ch := make(chan pair)
	for _, n := range names {
		go func(n string) { ch <- pair{n, len(n)} }(n)
	}
	sizes := map[string]int{}
	for range names {
		p := <-ch
		sizes[p.name] = p.size
	}
	return sizes
}

// ok: a slice of unknown element type is indexed, not a map.
func unknownType(dst []string, names []string) {
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Add(1)
		go func(i int, n string) {
			defer wg.Done()
			dst[i] = n
		}(i, n)
	}
	wg.Wait()
}

type message struct {
	ready int32
	body  string
}

// ok: plain writes published by an atomic store (a release/acquire protocol).
func publish(msgs []*message, bodies []string) {
	var m message
	for i := range bodies {
		go func(i int) {
			m.body = bodies[i]
			atomic.StoreInt32(&m.ready, 1)
		}(i)
	}
}
