//fixture:go 1.25

package fixtures

import (
	"fmt"
	"sync"
)

func fetch(string) error { return nil }

func fetchAll(urls []string) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1) // want "this `wg.Add\\(1\\)` and the goroutine that defers `Done` can be written `wg.Go\\(func\\(\\) \\{ ... \\}\\)` \\(Go 1.25\\)"
		go func() {
			defer wg.Done()
			if err := fetch(u); err != nil {
				fmt.Println(err)
			}
		}()
	}
	wg.Wait()
}

type crawler struct {
	wg   sync.WaitGroup
	seen map[string]bool
}

func (c *crawler) visit(u string) {
	c.wg.Add(1) // want "can be written `c.wg.Go"
	go func() {
		defer c.wg.Done()

		_ = fetch(u)
	}()
}

func pointerGroup(wg *sync.WaitGroup, jobs []int) {
	for _, j := range jobs {
		wg.Add(1) // want "this `wg.Add\\(1\\)` and the goroutine"
		go func() {
			defer wg.Done()
			fmt.Println(j)
			fmt.Println(j * 2)
		}()
	}
}

func startBackground() *sync.WaitGroup {
	wg := new(sync.WaitGroup)
	wg.Add(1) // want "wg.Go"
	go func() {
		defer wg.Done() // counted
		for i := 0; i < 3; i++ {
			fmt.Println(i)
		}
	}()
	return wg
}

func onlyDeferInBody() {
	var wg sync.WaitGroup
	wg.Add(1) // want "can be written"
	go func() {
		defer wg.Done()
	}()
	wg.Wait()
}

func returnsEarly(items []string) {
	wg := &sync.WaitGroup{}
	for _, it := range items {
		wg.Add(1) // want "wg.Go"
		go func() {
			defer wg.Done()
			if it == "" {
				return
			}
			fmt.Println(it)
		}()
	}
	wg.Wait()
}

func withRecover() {
	var wg sync.WaitGroup
	wg.Add(1) // want "wg.Go"
	go func() {
		defer wg.Done()
		defer func() {
			if r := recover(); r != nil {
				fmt.Println("recovered", r)
			}
		}()
		panic("boom")
	}()
	wg.Wait()
}

func twoInARow() {
	var wg sync.WaitGroup
	wg.Add(1) // want "can be written `wg.Go"
	go func() {
		defer wg.Done()
		fmt.Println("a")
	}()
	wg.Add(1) // want "can be written `wg.Go"
	go func() {
		defer wg.Done()
		fmt.Println("b")
	}()
	wg.Wait()
}

// ok: the goroutine takes an argument; wg.Go takes a func().
func withArgument(ids []int) {
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			fmt.Println(id)
		}(id)
	}
	wg.Wait()
}

// ok: Add(2) counts more than this goroutine.
func addTwo() {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		fmt.Println("a")
	}()
	go func() {
		defer wg.Done()
		fmt.Println("b")
	}()
	wg.Wait()
}

// ok: Done is not deferred first; rewriting would move it.
func doneAtEnd() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		fmt.Println("work")
		wg.Done()
	}()
	wg.Wait()
}

// ok: something else runs between the Add and the go statement.
func addNotAdjacent() {
	var wg sync.WaitGroup
	wg.Add(1)
	fmt.Println("starting")
	go func() {
		defer wg.Done()
		fmt.Println("work")
	}()
	wg.Wait()
}

// ok: the goroutine is a named function, not a literal.
func namedWorker(wg *sync.WaitGroup) {
	defer wg.Done()
}

func startNamed() {
	var wg sync.WaitGroup
	wg.Add(1)
	go namedWorker(&wg)
	wg.Wait()
}

// ok: Add and Done are on different WaitGroups.
func differentGroups() {
	var a, b sync.WaitGroup
	a.Add(1)
	go func() {
		defer b.Done()
		fmt.Println("mixed")
	}()
	a.Wait()
}

type counter struct{ n int }

func (c *counter) Add(d int) { c.n += d }
func (c *counter) Done()     { c.n-- }

// ok: not a sync.WaitGroup.
func customCounter() {
	c := &counter{}
	c.Add(1)
	go func() {
		defer c.Done()
		fmt.Println("custom")
	}()
}

// ok: the goroutine calls Done twice (once deferred, once more); not the plain idiom.
func extraDone() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		wg.Add(1)
		fmt.Println("x")
		wg.Done()
	}()
	wg.Wait()
}
