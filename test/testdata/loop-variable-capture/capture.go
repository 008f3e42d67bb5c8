//fixture:go 1.21

package notify

import (
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

type User struct {
	Name  string
	Email string
}

func send(addr string) error { return nil }

func notifyAll(users []User) {
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = send(u.Email) // want "The goroutine started at line 26 uses the loop variable `u` of the `for` at line 24; on Go 1.21 all iterations share one `u`, so it may see a later iteration's value while the loop writes it"
		}()
	}
	wg.Wait()
}

func closeAll(paths []string) {
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		defer func() {
			fmt.Println("closing", p) // want "The closure deferred at line 40 uses the loop variable `p`.*may see a later iteration's value$"
			f.Close()
		}()
	}
}

func counters(n int) []func() int {
	var fns []func() int
	for i := 0; i < n; i++ {
		fns = append(fns, func() int { return i * i }) // want "The function appended at line 50 uses the loop variable `i`"
	}
	return fns
}

func routes(mux *http.ServeMux, pages map[string]string) {
	for path, body := range pages {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, body) // ok: HandleFunc is not known to run later; stay silent
		})
	}
}

func handlers(names []string) map[string]func() {
	out := map[string]func(){}
	for _, name := range names {
		out[name] = func() { fmt.Println("hello", name) } // want "The function stored at line 66 uses the loop variable `name`"
	}
	return out
}

func fetchAll(urls []string) error {
	var g errgroup.Group
	for _, url := range urls {
		g.Go(func() error {
			_, err := http.Get(url) // want "The function passed to `g.Go` at line 74 uses the loop variable `url`"
			return err
		})
	}
	return g.Wait()
}

func retryLater(jobs []string) {
	for _, job := range jobs {
		time.AfterFunc(time.Second, func() {
			fmt.Println("retry", job) // want "The function passed to `time.AfterFunc` at line 84 uses the loop variable `job`"
		})
	}
}

func pairs(m map[string]int) {
	var wg sync.WaitGroup
	for k, v := range m {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Println(k, v) // want "uses the loop variable `k`" "uses the loop variable `v`"
		}()
	}
	wg.Wait()
}

func grid(rows, cols int) {
	var wg sync.WaitGroup
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				fmt.Println(r, c) // want "uses the loop variable `r` of the `for` at line 104" "uses the loop variable `c` of the `for` at line 105"
			}()
		}
	}
	wg.Wait()
}

type task struct {
	name string
	run  func()
}

func tasks(names []string, queue chan<- task) {
	for _, n := range names {
		queue <- task{name: n, run: func() { fmt.Println(n) }} // ok: the receiver may run it within the iteration
	}
}

func skipStep(items []int) {
	var wg sync.WaitGroup
	for i := 0; i < len(items); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Println(items[i]) // want "uses the loop variable `i`"
		}()
		if items[i] < 0 {
			i++
		}
	}
	wg.Wait()
}
