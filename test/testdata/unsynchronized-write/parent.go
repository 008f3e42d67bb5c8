package jobs

import (
	"fmt"
	"time"
)

func compute() int { return 42 }

func raceWithParent() {
	result := 0
	done := make(chan bool)
	go func() {
		result = compute() // want "`result = compute\\(\\)` in a goroutine runs concurrently with the read of `result` at line 17: a data race"
		done <- true
	}()
	fmt.Println("partial", result)
	<-done
}

type stats struct {
	last time.Time
	hits map[string]int
}

func (s *stats) record(page string) {
	go func() {
		s.hits[page]++ // want "`s\\.hits\\[page\\]\\+\\+` in a goroutine runs concurrently with the write of map `s\\.hits` at line 30: a data race"
	}()
	s.hits["total"]++
}

// ok: the parent waits before it reads.
func waitsFirst() int {
	n := 0
	done := make(chan struct{})
	go func() {
		n = compute()
		close(done)
	}()
	<-done
	return n
}

// ok: the goroutine waits for the parent's signal before writing.
func toldToGo() {
	v := 0
	start := make(chan struct{})
	go func() {
		<-start
		v = 2
	}()
	v = 1
	close(start)
}

// ok: the parent uses another field of the same struct.
func (s *stats) touch() {
	go func() {
		s.last = time.Now()
	}()
	fmt.Println(len(s.hits))
}

// ok: ranging over the results channel waits for the goroutine that closes it.
func feeder(items []int) int {
	results := make(chan int)
	sum := 0
	go func() {
		for _, it := range items {
			sum += it
			results <- it
		}
		close(results)
	}()
	got := 0
	for v := range results {
		got += v
	}
	return got - sum
}

func waitFor(done <-chan struct{}) { <-done }

// ok: a helper handed the channel waits for the goroutine.
func helperWaits() int {
	n := 0
	done := make(chan struct{})
	go func() {
		n = compute()
		close(done)
	}()
	waitFor(done)
	return n
}

func register(p *int) {}

// ok: taking the address is not an access; the parent waits before using it.
func addressOnly() {
	x := 0
	done := make(chan bool, 1)
	go func() {
		x = 42
		done <- true
	}()
	register(&x)
	<-done
}

type service struct{ fromsvc chan error }

func (h *service) Execute() { h.fromsvc <- nil }

func runService(name string, h *service) error { h.Execute(); return nil }

// ok: `err = <-h.fromsvc` receives before it writes `err`; the handshake with the handler that
// runService calls orders the goroutine's later write (moby's and containerd's Windows service).
func launch(name string) error {
	h := &service{fromsvc: make(chan error)}
	var err error
	go func() {
		err = runService(name, h)
		h.fromsvc <- err
	}()
	err = <-h.fromsvc
	return err
}

// ok: a short variable declaration also receives before it writes.
func launchShort(name string) (err error) {
	h := &service{fromsvc: make(chan error)}
	go func() {
		err = runService(name, h)
		h.fromsvc <- err
	}()
	got, err := <-h.fromsvc, error(nil)
	_ = got
	return err
}

// The right side reads `total` before the receive: that read is not ordered.
func sumLate(parts []int) int {
	total := 0
	done := make(chan int)
	go func() {
		for _, p := range parts {
			total += p // want "`total \\+= p` in a goroutine runs concurrently with the read of `total` at line \\d+: a data race"
		}
		done <- 1
	}()
	n := total + <-done
	return n
}
