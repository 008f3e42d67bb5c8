package fixtures

import (
	"errors"
	"fmt"
	"time"
)

func compute(i int) int { return i * i }

func collectSquares(n int) []int {
	var results chan int
	for i := 0; i < n; i++ {
		go func(i int) {
			results <- compute(i) // want "`results <- compute\\(i\\)` blocks forever on the nil channel `results`: it is never made or assigned"
		}(i)
	}
	out := make([]int, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, <-results) // want "`<-results` blocks forever on the nil channel `results`"
	}
	return out
}

func waitForSignal() {
	var done chan struct{}
	go func() {
		fmt.Println("working")
	}()
	<-done // want "`<-done` blocks forever on the nil channel `done`: it is never made or assigned"
}

func printAll() {
	var lines <-chan string
	for l := range lines { // want "`for l := range lines` blocks forever on the nil channel `lines`"
		fmt.Println(l)
	}
}

func stopWorker() {
	var quit chan bool
	close(quit) // want "`close\\(quit\\)` panics on the nil channel `quit`"
}

type job struct{ id int }

func dispatch(jobs []job) {
	var (
		queue chan job
		errs  chan error
	)
	for _, j := range jobs {
		queue <- j // want "`queue <- j` blocks forever on the nil channel `queue`"
	}
	errs <- errors.New("done") // want "`errs <- errors\\.New\\(\"done\"\\)` blocks forever on the nil channel `errs`"
}

func timeoutInCase(d time.Duration) {
	var reply chan string
	select {
	case <-time.After(d):
		reply <- "late" // want "`reply <- \"late\"` blocks forever"
	}
}

func parenthesised() int {
	var ch chan int
	return <-(ch) // want "`<-\\(ch\\)` blocks forever on the nil channel `ch`"
}

func nestedClosure() func() {
	var events chan string
	return func() {
		events <- "tick" // want "`events <- \"tick\"` blocks forever on the nil channel `events`"
	}
}

// ok: made before use.
func madeLater(n int) int {
	var ch chan int
	ch = make(chan int, 1)
	ch <- n
	return <-ch
}

// ok: assigned on some path; the syntax cannot tell which one runs.
func maybeMade(buffered bool) {
	var ch chan int
	if buffered {
		ch = make(chan int, 1)
	} else {
		ch = make(chan int)
	}
	go func() { ch <- 1 }()
	<-ch
}

// ok: a nil channel in a select disables that case on purpose.
func disabledCase(in <-chan int, tick <-chan time.Time) {
	var out chan int
	var pending int
	for {
		select {
		case v := <-in:
			pending = v
			out = nil
		case out <- pending:
		case <-tick:
			return
		}
	}
}

// ok: a nil timer channel turns the timeout case off until a timer is set.
func optionalTimeout(in <-chan int, d time.Duration) {
	var timeout <-chan time.Time
	if d > 0 {
		timeout = time.After(d)
	}
	select {
	case <-in:
	case <-timeout:
	}
}

// ok: the channel is filled in by a helper through its address.
func filledByHelper() int {
	var ch chan int
	open(&ch)
	return <-ch
}

func open(p *chan int) { *p = make(chan int, 1); *p <- 1 }

// ok: assigned from a function result.
func fromResult() {
	var ch <-chan time.Time
	ch = time.Tick(time.Second)
	<-ch
}

// ok: multiple assignment gives it a value.
func multiAssign() error {
	var ch chan int
	var err error
	ch, err = makeChan()
	if err != nil {
		return err
	}
	ch <- 1
	return nil
}

func makeChan() (chan int, error) { return make(chan int, 1), nil }

// ok: declared with a value.
func declaredWithMake() {
	var ch = make(chan int, 1)
	ch <- 1
}

// ok: a select case that sends on a nil channel, waiting on the other case.
func selectSendDisabled(quit <-chan struct{}) {
	var out chan<- int
	select {
	case out <- 1:
	case <-quit:
	}
}

// ok: assigned inside a goroutine closure before the receive can complete.
func assignedInClosure() {
	var ch chan int
	ready := make(chan struct{})
	go func() {
		ch = make(chan int, 1)
		close(ready)
	}()
	<-ready
	ch <- 1
}
