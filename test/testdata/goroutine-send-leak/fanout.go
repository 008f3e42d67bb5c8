package fixtures

import (
	"context"
	"errors"
	"time"
)

type Result struct {
	Host string
	Body []byte
	Err  error
}

func probe(host string) Result { return Result{Host: host} }

// The first answer wins; every other mirror blocks on its send forever.
func fastestMirror(mirrors []string) Result {
	c := make(chan Result)
	for _, m := range mirrors {
		go func(m string) {
			c <- probe(m) // want "`c <- probe\\(m\\)` blocks forever: fastestMirror returns at line 25 after receiving one value"
		}(m)
	}
	return <-c
}

// Reads a fixed number of answers, however many hosts were asked.
func firstThree(hosts []string) []Result {
	results := make(chan Result)
	for _, h := range hosts {
		go func(h string) {
			results <- probe(h) // want "`results <- probe\\(h\\)` blocks forever: firstThree receives only 3 values but one goroutine"
		}(h)
	}
	var out []Result
	for i := 0; i < 3; i++ {
		out = append(out, <-results)
	}
	return out
}

// Returns on the first error while other workers still have results to deliver.
func checkAll(hosts []string) error {
	errc := make(chan error)
	for _, h := range hosts {
		go func(h string) {
			errc <- probe(h).Err // want "`errc <- probe\\(h\\)\\.Err` blocks forever: checkAll can return at line 53 from its receive"
		}(h)
	}
	for range hosts {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

// Three goroutines started one by one, one receive.
func anyReplica(key string) Result {
	replies := make(chan Result, 1)
	go func() { replies <- probe("a/" + key) }() // want "goroutines sending on `replies` can block forever: anyReplica returns at line 65 after"
	go func() { replies <- probe("b/" + key) }()
	go func() { replies <- probe("c/" + key) }()
	return <-replies
}

// A gather loop that gives up on a deadline.
func gather(ctx context.Context, hosts []string) ([]Result, error) {
	ch := make(chan Result)
	for _, h := range hosts {
		go func(h string) {
			ch <- probe(h) // want "gather stops receiving at line 81 \\(`case <-ctx.Done\\(\\)`\\)"
		}(h)
	}
	var out []Result
	for range hosts {
		select {
		case r := <-ch:
			out = append(out, r)
		case <-ctx.Done():
			return out, ctx.Err()
		}
	}
	return out, nil
}

// ok: every result is received.
func fetchEvery(hosts []string) []Result {
	results := make(chan Result)
	for _, h := range hosts {
		go func(h string) {
			results <- probe(h)
		}(h)
	}
	out := make([]Result, 0, len(hosts))
	for i := 0; i < len(hosts); i++ {
		out = append(out, <-results)
	}
	return out
}

// ok: the buffer has room for every goroutine, so returning early strands nobody.
func checkAllBuffered(hosts []string) error {
	errc := make(chan error, len(hosts))
	for _, h := range hosts {
		go func(h string) {
			errc <- probe(h).Err
		}(h)
	}
	for range hosts {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

// ok: a constant number of workers, each received.
func twoHalves(data []int) int {
	sums := make(chan int)
	half := len(data) / 2
	for i := 0; i < 2; i++ {
		part := data[i*half : (i+1)*half]
		go func() {
			total := 0
			for _, v := range part {
				total += v
			}
			sums <- total
		}()
	}
	return <-sums + <-sums
}

// ok: the buffer covers both goroutines even though only one answer is used.
func raceTwo(key string) Result {
	replies := make(chan Result, 2)
	go func() { replies <- probe("east/" + key) }()
	go func() { replies <- probe("west/" + key) }()
	return <-replies
}

// ok: every worker watches ctx when it sends, so giving up on the deadline frees them.
func gatherCancellable(ctx context.Context, hosts []string) ([]Result, error) {
	ch := make(chan Result)
	for _, h := range hosts {
		go func(h string) {
			select {
			case ch <- probe(h):
			case <-ctx.Done():
			}
		}(h)
	}
	var out []Result
	for range hosts {
		select {
		case r := <-ch:
			out = append(out, r)
		case <-ctx.Done():
			return out, ctx.Err()
		}
	}
	return out, nil
}

var errNoHosts = errors.New("no hosts")

// ok: the early return happens before any goroutine is started.
func pingAll(hosts []string, timeout time.Duration) error {
	if len(hosts) == 0 {
		return errNoHosts
	}
	done := make(chan error)
	for _, h := range hosts {
		go func(h string) { done <- probe(h).Err }(h)
	}
	var first error
	for range hosts {
		if err := <-done; err != nil && first == nil {
			first = err
		}
	}
	return first
}
