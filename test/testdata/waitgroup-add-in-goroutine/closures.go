package fixtures

import "sync"

func process(string) {}

func addInsideLoopClosure(items []string) {
	var wg sync.WaitGroup
	for _, it := range items {
		go func(it string) {
			wg.Add(1) // want "`wg.Add\\(1\\)` runs inside the goroutine started at line 10, so `wg.Wait\\(\\)` can return before it is counted"
			defer wg.Done()
			process(it)
		}(it)
	}
	wg.Wait()
}

func addInsideSingleClosure() {
	wg := &sync.WaitGroup{}
	go func() {
		wg.Add(1) // want "`wg.Add\\(1\\)` runs inside the goroutine"
		defer wg.Done()
		process("one")
	}()
	wg.Wait()
}

func addAfterWork(items []string) {
	var wg sync.WaitGroup
	for i := range items {
		go func(i int) {
			process(items[i])
			wg.Add(1) // want "runs inside the goroutine"
			wg.Done()
		}(i)
	}
	wg.Wait()
}

func newWaitGroup() {
	wg := new(sync.WaitGroup)
	go func() {
		wg.Add(2) // want "`wg.Add\\(2\\)`"
		defer wg.Done()
		defer wg.Done()
	}()
	wg.Wait()
}

// ok: the goroutine is counted before it starts.
func addBeforeGo(items []string) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it string) {
			defer wg.Done()
			process(it)
		}(it)
	}
	wg.Wait()
}

// ok: Add for all workers at once, before the loop.
func addAllUpFront(items []string) {
	var wg sync.WaitGroup
	wg.Add(len(items))
	for _, it := range items {
		go func(it string) {
			defer wg.Done()
			process(it)
		}(it)
	}
	wg.Wait()
}

// ok: a counted goroutine may add for the children it starts; the counter cannot reach zero meanwhile.
func nestedSpawn(items []string) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, it := range items {
			wg.Add(1)
			go func(it string) {
				defer wg.Done()
				process(it)
			}(it)
		}
	}()
	wg.Wait()
}

// ok: the goroutine uses a WaitGroup of its own.
func ownWaitGroup() {
	done := make(chan struct{})
	go func() {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
		}()
		wg.Wait()
		close(done)
	}()
	<-done
}

// ok: nobody waits on this WaitGroup in view.
func noWait(wg *sync.WaitGroup) {
	go func() {
		wg.Add(1)
		defer wg.Done()
	}()
}

// ok: Add on something that is not a WaitGroup.
type counter struct{ n int }

func (c *counter) Add(d int) { c.n += d }
func (c *counter) Wait()     {}

func notAWaitGroup() {
	c := &counter{}
	go func() {
		c.Add(1)
	}()
	c.Wait()
}
