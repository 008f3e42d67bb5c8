package fixtures

import (
	"fmt"
	"sync"
)

func links(string) []string { return nil }
func fetch(string)          {}

func crawl(urls []string) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			defer wg.Done()
			for _, l := range links(u) {
				wg.Add(1)
				go func(l string) {
					defer wg.Done()
					fetch(l)
				}(l)
			}
			wg.Wait() // want "`wg\\.Wait\\(\\)` runs in a goroutine counted by `wg`, before its own `defer wg\\.Done\\(\\)`: it waits for itself forever"
		}(u)
	}
	wg.Wait()
}

func plainDoneAfterWait(jobs []string) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		for _, j := range jobs {
			fmt.Println(j)
		}
		wg.Wait() // want "`wg\\.Wait\\(\\)` runs in a goroutine counted by `wg`, before its own `wg\\.Done\\(\\)`: it waits for itself forever"
		wg.Done()
	}()
	wg.Wait()
}

type pool struct {
	wg   sync.WaitGroup
	jobs chan string
}

func (p *pool) worker() {
	defer p.wg.Done()
	for j := range p.jobs {
		fmt.Println(j)
	}
	p.wg.Wait() // want "`p\\.wg\\.Wait\\(\\)` runs in a goroutine counted by `p\\.wg`, before its own `defer p\\.wg\\.Done\\(\\)`"
}

func (p *pool) start(n int) {
	for i := 0; i < n; i++ {
		p.wg.Add(1)
		go p.worker()
	}
}

func waitForAll(wg *sync.WaitGroup) {
	wg.Wait()
}

func helperWaits(items []string) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it string) {
			defer wg.Done()
			fmt.Println(it)
			waitForAll(&wg) // want "`waitForAll\\(&wg\\)` calls `wg\\.Wait\\(\\)` in a goroutine counted by `wg`, before its own"
		}(it)
	}
	wg.Wait()
}

func namedWorker(id int, wg *sync.WaitGroup) {
	defer wg.Done()
	fmt.Println(id)
	wg.Wait() // want "`wg\\.Wait\\(\\)` runs in a goroutine counted by `wg`, before its own `defer wg\\.Done\\(\\)`: it waits for itself forever"
}

func deferredWaitAfterDone() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer wg.Wait() // want "`wg\\.Wait\\(\\)` runs in a goroutine counted by `wg`, before its own `defer wg\\.Done\\(\\)`: it waits for itself forever"
		fmt.Println("work")
	}()
	wg.Wait()
}

var global sync.WaitGroup

func globalWorker() {
	defer global.Done()
	global.Wait() // want "`global\\.Wait\\(\\)` runs in a goroutine counted by `global`, before its own `defer global\\.Done\\(\\)`"
}

func conditionalWait(items []string, wait bool) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if wait {
			wg.Wait() // want "`wg\\.Wait\\(\\)` runs in a goroutine counted by `wg`, before its own `defer wg\\.Done\\(\\)`: it waits for itself forever"
		}
	}()
	wg.Wait()
}

// ok: the worker uses a WaitGroup of its own for its sub-tasks.
func crawlFixed(urls []string) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			defer wg.Done()
			var children sync.WaitGroup
			for _, l := range links(u) {
				children.Add(1)
				go func(l string) {
					defer children.Done()
					fetch(l)
				}(l)
			}
			children.Wait()
		}(u)
	}
	wg.Wait()
}

// ok: the coordinator goroutine is not counted by wg; it waits and then closes.
func closer(results chan string, items []string) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it string) {
			defer wg.Done()
			results <- it
		}(it)
	}
	go func() {
		wg.Wait()
		close(results)
	}()
}

// ok: Done runs before Wait: the goroutine signals, then waits for the others (a barrier).
func barrier(n int) {
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func(i int) {
			fmt.Println("phase one", i)
			wg.Done()
			wg.Wait()
			fmt.Println("phase two", i)
		}(i)
	}
	wg.Wait()
}

// ok: the deferred Wait is registered first, so it runs after the deferred Done.
func deferredOrder() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Wait()
		defer wg.Done()
		fmt.Println("work")
	}()
}

// ok: the goroutine is counted by one WaitGroup and waits on another.
func twoGroups(items []string) {
	var outer, inner sync.WaitGroup
	outer.Add(1)
	go func() {
		defer outer.Done()
		for _, it := range items {
			inner.Add(1)
			go func(it string) {
				defer inner.Done()
				fmt.Println(it)
			}(it)
		}
		inner.Wait()
	}()
	outer.Wait()
}

// ok: a shadowing WaitGroup inside the goroutine is a different one.
func shadowed() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
		}()
		wg.Wait()
	}()
	wg.Wait()
}

// ok: Stop waits for the workers from the caller's goroutine.
func (p *pool) stop() {
	close(p.jobs)
	p.wg.Wait()
}

// ok: Done is called for each job received, not for the goroutine itself; the Wait comes first.
func countJobs(jobs <-chan string, wg *sync.WaitGroup) {
	wg.Wait()
	for j := range jobs {
		fmt.Println(j)
		wg.Done()
	}
}
