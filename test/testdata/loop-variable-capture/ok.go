//fixture:go 1.20

package notify

import (
	"fmt"
	"sort"
	"sync"
	"testing"
)

// ok: the value is passed as an argument.
func passed(users []User) {
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Add(1)
		go func(u User) {
			defer wg.Done()
			_ = send(u.Email)
		}(u)
	}
	wg.Wait()
}

// ok: the loop variable is copied for each iteration.
func shadowed(users []User) {
	var wg sync.WaitGroup
	for _, u := range users {
		u := u
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = send(u.Email)
		}()
	}
	wg.Wait()
}

// ok: the closure is called in place, during the iteration.
func inPlace(names []string) {
	for _, n := range names {
		func() {
			defer fmt.Println("done", n)
			fmt.Println(n)
		}()
	}
}

// ok: sort.Slice runs its function before returning.
func sorted(groups [][]int) {
	for _, g := range groups {
		sort.Slice(g, func(i, j int) bool { return g[i] < g[j] })
	}
}

// ok: each iteration waits for its goroutine before the variable changes.
func oneAtATime(jobs []string) {
	for _, j := range jobs {
		done := make(chan struct{})
		go func() {
			defer close(done)
			fmt.Println(j)
		}()
		<-done
	}
}

// ok: the loop stops right after starting the goroutine.
func firstOnly(jobs []string, out chan<- string) {
	for _, j := range jobs {
		go func() { out <- j }()
		break
	}
}

// ok: a subtest that is not parallel runs to completion inside t.Run.
func TestSequential(t *testing.T) {
	for _, tc := range []string{"a", "b"} {
		t.Run(tc, func(t *testing.T) {
			if tc == "" {
				t.Fatal("empty")
			}
		})
	}
}

// ok: a variable declared in the loop body is new in every iteration.
func perIteration(users []User) {
	var wg sync.WaitGroup
	for i := range users {
		email := users[i].Email
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = send(email)
		}()
	}
	wg.Wait()
}

// ok: the key of a struct literal is a field name, not the loop variable.
func fieldNames(names []string, out chan<- User) {
	for _, Name := range names {
		x := Name
		go func() { out <- User{Name: x} }()
	}
}

// ok: a closure kept in a variable of the iteration and called there.
func localClosure(names []string) {
	for _, n := range names {
		greet := func() { fmt.Println("hi", n) }
		greet()
	}
}

type server struct {
	onRequest func() string
}

func (s *server) handle() string { return s.onRequest() }

// ok: the field is overwritten by every iteration and used within it.
func perCaseCallback(s *server, cases []string) {
	for _, c := range cases {
		s.onRequest = func() string { return c }
		fmt.Println(s.handle())
	}
}

type pipe struct{ ch chan string }

func newPipe() (*pipe, *pipe) {
	p := &pipe{ch: make(chan string)}
	return p, p
}

func (p *pipe) write(s string) { p.ch <- s }
func (p *pipe) close()         { close(p.ch) }
func (p *pipe) readAll() (out []string) {
	for s := range p.ch {
		out = append(out, s)
	}
	return out
}

// ok: the goroutine writes a pipe of its own iteration, which the iteration reads to the end.
func feedPipes(batches [][]string) {
	for _, batch := range batches {
		r, w := newPipe()
		go func() {
			for _, s := range batch {
				w.write(s)
			}
			w.close()
		}()
		fmt.Println(r.readAll())
	}
}
