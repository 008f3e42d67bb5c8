//fixture:go 1.21

package jobs

import (
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"
)

func check(name string) error { return nil }

func size(name string) (int, error) { return len(name), nil }

func countFailures(files []string) int {
	var wg sync.WaitGroup
	failed := 0
	for _, f := range files {
		wg.Add(1)
		go func(f string) {
			defer wg.Done()
			if err := check(f); err != nil {
				failed++ // want "`failed\\+\\+` runs in every iteration's goroutine with no lock held: a data race that loses updates"
			}
		}(f)
	}
	wg.Wait()
	return failed
}

func dedupe(urls []string) map[string]bool {
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			defer wg.Done()
			seen[u] = true // want "`seen\\[u\\] = true` runs in every iteration's goroutine with no lock held: concurrent map writes crash the program"
		}(u)
	}
	wg.Wait()
	return seen
}

func collect(names []string) []int {
	var sizes []int
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			s, _ := size(n)
			sizes = append(sizes, s) // want "`sizes = append\\(sizes, s\\)` runs in every iteration's goroutine with no lock held: a data race that loses updates"
		}(n)
	}
	wg.Wait()
	return sizes
}

func firstError(names []string) error {
	var err error
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			if e := check(n); e != nil {
				err = e // want "`err = e` runs in every iteration's goroutine with no lock held: a data race: the goroutines overwrite each other's value"
			}
		}(n)
	}
	wg.Wait()
	return err
}

// Every goroutine stores the same constant (juicefs' hasError flag): still a race the race
// detector reports, but no value is lost (information).
func anyFailed(names []string) bool {
	var failed bool
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			if check(n) != nil {
				failed = true // want "`failed = true` runs in every iteration's goroutine with no lock held: a data race, though every goroutine stores the same `true`"
			} else if n == "" {
				failed = true
			}
		}(n)
	}
	wg.Wait()
	return failed
}

// Different constants: which one is left decides the result (a warning).
func lastState(names []string) int {
	state := 0
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			if check(n) != nil {
				state = 1 // want "`state = 1` runs in every iteration's goroutine with no lock held: a data race: the goroutines overwrite each other's value"
			} else {
				state = 2
			}
		}(n)
	}
	wg.Wait()
	return state
}

type crawler struct {
	visited int
	cache   map[string]string
}

func (c *crawler) crawl(pages []string) {
	var wg sync.WaitGroup
	for _, p := range pages {
		wg.Add(1)
		go func(p string) {
			defer wg.Done()
			c.visited++ // want "`c\\.visited\\+\\+` runs in every iteration's goroutine with no lock held: a data race that loses updates"
		}(p)
	}
	wg.Wait()
}

func (c *crawler) evict(keys []string) {
	var wg sync.WaitGroup
	for _, k := range keys {
		wg.Add(1)
		go func(k string) {
			defer wg.Done()
			delete(c.cache, k) // want "`delete\\(c\\.cache, k\\)` runs in every iteration's goroutine with no lock held: concurrent map writes crash the program"
		}(k)
	}
	wg.Wait()
}

func totalSize(names []string) (int, error) {
	var g errgroup.Group
	total := 0
	for _, n := range names {
		n := n
		g.Go(func() error {
			s, err := size(n)
			if err != nil {
				return err
			}
			total += s // want "`total \\+= s` runs in every iteration's goroutine with no lock held: a data race that loses updates"
			return nil
		})
	}
	err := g.Wait()
	return total, err
}

func partlyLocked(names []string) ([]string, int) {
	var mu sync.Mutex
	var out []string
	processed := 0
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			mu.Lock()
			out = append(out, n) // ok: under mu
			mu.Unlock()
			processed = processed + 1 // want "`processed = processed \\+ 1` runs in every iteration's goroutine with no lock held: a data race that loses updates"
		}(n)
	}
	wg.Wait()
	return out, processed
}

var hits int

func serveAll(reqs []string) {
	for _, r := range reqs {
		go func(r string) {
			hits++ // want "`hits\\+\\+` runs in every iteration's goroutine with no lock held: a data race that loses updates"
			fmt.Println(r)
		}(r)
	}
}

func workers(jobs <-chan string, n int) map[string]int {
	lengths := make(map[string]int)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				lengths[j] = len(j) // want "`lengths\\[j\\] = len\\(j\\)` runs in every iteration's goroutine with no lock held: concurrent map writes"
			}
		}()
	}
	wg.Wait()
	return lengths
}
