package fixtures

import (
	"errors"
	"fmt"
	"log"
	"os"
	"sync"
)

func use([]byte) {}

func loadAll(paths []string) {
	var wg sync.WaitGroup
	for _, p := range paths {
		wg.Add(1)
		go func(p string) {
			data, err := os.ReadFile(p)
			if err != nil {
				log.Print(err)
				return
			}
			use(data)
			wg.Done() // want "the `return` at line 21 skips `wg\\.Done\\(\\)`: the counter stays up and `wg\\.Wait\\(\\)` blocks"
		}(p)
	}
	wg.Wait()
}

type result struct {
	n   int
	err error
}

func count(items []string, out chan<- result) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it string) {
			if it == "" {
				out <- result{err: errors.New("empty")}
				return
			}
			if len(it) > 100 {
				return
			}
			out <- result{n: len(it)}
			wg.Done() // want "the `return` at line 42 \\(and 1 more\\) skips `wg\\.Done\\(\\)`: the counter stays up and"
		}(it)
	}
	wg.Wait()
	close(out)
}

func worker(id int, jobs <-chan int, wg *sync.WaitGroup) {
	for j := range jobs {
		if j < 0 {
			return
		}
		fmt.Println(id, j)
	}
	wg.Done() // want "the `return` at line 58 skips `wg\\.Done\\(\\)`: the counter stays up and `wg\\.Wait\\(\\)` blocks"
}

func startWorkers(jobs <-chan int) {
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go worker(i, jobs, &wg)
	}
	wg.Wait()
}

type server struct {
	wg   sync.WaitGroup
	quit chan struct{}
	reqs chan string
}

func (s *server) serve() {
	s.wg.Add(1)
	go func() {
		for {
			select {
			case <-s.quit:
				return
			case r := <-s.reqs:
				fmt.Println(r)
			}
		}
		s.wg.Done() // want "the `return` at line 86 skips `s\\.wg\\.Done\\(\\)`: the counter stays up and `s\\.wg\\.Wait\\(\\)` blocks"
	}()
}

func conditionalDone(items []int) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		total := 0
		for _, it := range items {
			total += it
		}
		if total > 0 {
			wg.Done() // want "the end of the function skips `wg\\.Done\\(\\)`: the counter stays up and `wg\\.Wait\\(\\)` blocks"
		}
	}()
	wg.Wait()
}

func forgotDone(urls []string) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(u string) { // want "this goroutine is counted by `wg\\.Add\\(1\\)` but never calls `wg\\.Done\\(\\)`:"
			fmt.Println(u)
		}(u)
	}
	wg.Wait()
}

func oneCountedOneForgotten() {
	wg := &sync.WaitGroup{}
	wg.Add(1)
	go func() {
		defer wg.Done()
		fmt.Println("first")
	}()
	wg.Add(1)
	go func() { // want "never calls `wg.Done\\(\\)`"
		fmt.Println("second")
	}()
	wg.Wait()
}

func switchReturn(kind string, wg *sync.WaitGroup) {
	switch kind {
	case "skip":
		return
	}
	fmt.Println(kind)
	wg.Done() // want "the `return` at line 138 skips `wg\\.Done\\(\\)`: the counter stays up and `wg\\.Wait\\(\\)` blocks"
}

func startSwitch(kinds []string) {
	var wg sync.WaitGroup
	for _, k := range kinds {
		wg.Add(1)
		go switchReturn(k, &wg)
	}
	wg.Wait()
}

// ok: Done is deferred, so every return calls it.
func loadAllFixed(paths []string) {
	var wg sync.WaitGroup
	for _, p := range paths {
		wg.Add(1)
		go func(p string) {
			defer wg.Done()
			data, err := os.ReadFile(p)
			if err != nil {
				return
			}
			use(data)
		}(p)
	}
	wg.Wait()
}

// ok: the early return calls Done itself first.
func doneOnEveryPath(items []string) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it string) {
			if it == "" {
				wg.Done()
				return
			}
			fmt.Println(it)
			wg.Done()
		}(it)
	}
	wg.Wait()
}

// ok: Done in a deferred closure runs on every path.
func deferredClosure(items []string) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it string) {
			defer func() {
				if r := recover(); r != nil {
					fmt.Println("recovered", r)
				}
				wg.Done()
			}()
			if it == "" {
				return
			}
			fmt.Println(it)
		}(it)
	}
	wg.Wait()
}

// ok: the goroutine hands the WaitGroup to a helper that calls Done.
func finish(wg *sync.WaitGroup) { wg.Done() }

func viaHelper(items []string) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it string) {
			if it == "" {
				finish(&wg)
				return
			}
			fmt.Println(it)
			wg.Done()
		}(it)
	}
	wg.Wait()
}

// ok: the returns belong to a nested closure, not to the goroutine.
func nestedReturn(items []string) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		check := func(s string) bool {
			if s == "" {
				return false
			}
			return true
		}
		for _, it := range items {
			fmt.Println(check(it))
		}
		wg.Done()
	}()
	wg.Wait()
}

// ok: Done is called per job by a consumer: the counting is not per goroutine.
func perJob(jobs []string) {
	var wg sync.WaitGroup
	queue := make(chan string)
	go func() {
		for j := range queue {
			fmt.Println(j)
			wg.Done()
		}
	}()
	for _, j := range jobs {
		wg.Add(1)
		go func(j string) {
			queue <- j
		}(j)
	}
	wg.Wait()
}

// ok: the goroutine is not the one being counted; nothing waits here.
func noWait() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		fmt.Println("detached")
	}()
}

// ok: log.Fatal ends the program; it does not matter that Done is skipped.
func fatalPath(paths []string) {
	var wg sync.WaitGroup
	for _, p := range paths {
		wg.Add(1)
		go func(p string) {
			if p == "" {
				log.Fatal("empty path")
			}
			fmt.Println(p)
			wg.Done()
		}(p)
	}
	wg.Wait()
}

func drainProgress(progress <-chan string, report func(string), wg *sync.WaitGroup) {
	defer wg.Done()
	for p := range progress {
		report(p)
	}
}

// ok: the started function is handed the WaitGroup and calls Done itself (nomad's raftutil).
func copyWithProgress(copyKeys func(chan<- string) error, report func(string)) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	logs := make(chan string, 64)
	wg.Add(1)
	go drainProgress(logs, report, &wg) // ok
	if err := copyKeys(logs); err != nil {
		return err
	}
	close(logs)
	keys := make(chan string, 64)
	wg.Add(1)
	go drainProgress(keys, report, &wg) // ok
	err := copyKeys(keys)
	close(keys)
	return err
}
