package fixtures

import (
	"fmt"
	"sync"
)

func firstMatch(words []string, want string) bool {
	ch := make(chan string)
	go func() {
		for _, w := range words {
			ch <- w
		}
	}()
	for w := range ch {
		if w == want {
			close(ch) // want "`firstMatch` only receives but closes the channel while another goroutine still sends on it: the send panics"
			return true
		}
	}
	return false
}

func consumeUntilQuit(jobs chan int, quit <-chan struct{}) {
	go func() {
		for i := 0; ; i++ {
			jobs <- i
		}
	}()
	for {
		select {
		case j := <-jobs:
			fmt.Println(j)
		case <-quit:
			close(jobs) // want "`consumeUntilQuit` only receives but closes the channel while another goroutine still sends on it"
			return
		}
	}
}

func stopAfterLimit(limit int) {
	events := make(chan string, 8)
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for {
				events <- fmt.Sprint(i)
			}
		}(i)
	}
	go func() {
		n := 0
		for e := range events {
			n++
			if n == limit {
				close(events) // want "this goroutine only receives but closes the channel while another goroutine still sends on it"
			}
			fmt.Println(e)
		}
	}()
	wg.Wait()
}

func drain(ch chan int) {
	for v := range ch {
		if v < 0 {
			close(ch) // want "`drain` only receives from `ch` but closes it while its caller `feed` still sends on it: the send panics"
			return
		}
	}
}

func feed(values []int) {
	ch := make(chan int)
	go func() {
		for _, v := range values {
			ch <- v
		}
	}()
	drain(ch)
}

func takeOne(in chan string) string {
	s := <-in
	close(in) // want "`takeOne` only receives from `in` but closes it while its caller `ask` still sends on it: the send panics"
	return s
}

func ask(questions []string) string {
	in := make(chan string)
	go func() {
		for _, q := range questions {
			in <- q
		}
	}()
	return takeOne(in)
}

func watch(updates chan int) {
	defer close(updates) // want "`watch` only receives from `updates` but closes it while its caller `startWatch` still"
	for i := 0; i < 3; i++ {
		fmt.Println(<-updates)
	}
}

func startWatch() {
	updates := make(chan int)
	go watch(updates)
	for i := 0; ; i++ {
		updates <- i
	}
}

func pool(tasks []string) {
	jobs := make(chan string)
	for i := 0; i < 2; i++ {
		go func() {
			for {
				j, ok := <-jobs
				if !ok {
					return
				}
				if j == "stop" {
					close(jobs) // want "this goroutine only receives but closes the channel while `pool` still sends on it: the send panics"
				}
			}
		}()
	}
	for _, t := range tasks {
		jobs <- t
	}
}

// ok: the sender closes its own channel.
func producer(n int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := 0; i < n; i++ {
			out <- i
		}
	}()
	return out
}

// ok: the receiver signals stop on a channel of its own.
func firstMatchFixed(words []string, want string) bool {
	ch := make(chan string)
	done := make(chan struct{})
	defer close(done)
	go func() {
		defer close(ch)
		for _, w := range words {
			select {
			case ch <- w:
			case <-done:
				return
			}
		}
	}()
	for w := range ch {
		if w == want {
			return true
		}
	}
	return false
}

// ok: no one else sends on the channel in view.
func closeAfterReading(ch chan int) int {
	v := <-ch
	close(ch)
	return v
}

// ok: the closing function also sends: it is a sender, not only a receiver.
func pingPong(ch chan int) {
	ch <- 1
	<-ch
	close(ch)
}

// ok: the callers send only before the call, so nobody sends after the close.
func fillThenTake() string {
	in := make(chan string, 1)
	in <- "question"
	return takeOne(in)
}

// ok: a receive-only parameter cannot be closed; only the owner closes.
func readAll(in <-chan int) (sum int) {
	for v := range in {
		sum += v
	}
	return sum
}

// ok: the receiver closes a different channel (its own done signal).
func consumer(jobs <-chan int, done chan struct{}) {
	for j := range jobs {
		if j < 0 {
			close(done)
			return
		}
	}
}

func runConsumer(jobs chan int, n int) {
	done := make(chan struct{})
	go consumer(jobs, done)
	for i := 0; i < n; i++ {
		select {
		case jobs <- i:
		case <-done:
			return
		}
	}
}

// ok: the channel is handed to code we cannot see.
func forward(ch chan int, sink func(chan int)) {
	for v := range ch {
		if v == 0 {
			sink(ch)
			close(ch)
			return
		}
	}
}

// ok: every pass of the loop makes its own channel, waits for its senders and only then closes
// and drains it (bbolt's batch benchmarks).
func batches(rounds int, work func() error) error {
	for i := 0; i < rounds; i++ {
		var wg sync.WaitGroup
		errCh := make(chan error, 10)
		for w := 0; w < 10; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errCh <- work()
			}()
		}
		wg.Wait()
		close(errCh)
		for err := range errCh {
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// ok: the same with a declared channel and the receive before the close in each pass.
func rounds(n int, work func() int) int {
	total := 0
	for i := 0; i < n; i++ {
		var results chan int
		results = make(chan int, 1)
		go func() { results <- work() }()
		total += <-results
		close(results)
	}
	return total
}

// ok: every sender is joined before the receive loop (netbird's relay test): the close after the
// last value cannot meet a send.
func gatherAll(conns []string, read func(string) int) []int {
	results := make(chan int, len(conns))
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func(c string) {
			defer wg.Done()
			results <- read(c)
		}(c)
	}
	wg.Wait()
	var out []int
	for v := range results {
		out = append(out, v)
		if len(out) == len(conns) {
			close(results) // ok
		}
	}
	return out
}

// The Wait comes after the receive loop has started: the senders may still be sending.
func gatherLate(conns []string, read func(string) int) []int {
	results := make(chan int, len(conns))
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func(c string) {
			defer wg.Done()
			results <- read(c)
			results <- read(c)
		}(c)
	}
	var out []int
	for v := range results {
		out = append(out, v)
		if len(out) == len(conns) {
			close(results) // want "`gatherLate` only receives but closes the channel while another goroutine still sends on it"
		}
	}
	wg.Wait()
	return out
}

// ok: one goroutine per request, each sending once, and the close only after as many values as
// requests (linkerd's edges command): every send has happened.
func edges(reqs []string, ask func(string) int) []int {
	c := make(chan int, len(reqs))
	for _, req := range reqs {
		go func(req string) {
			c <- ask(req)
		}(req)
	}
	var rows []int
	i := 0
	for res := range c {
		rows = append(rows, res)
		if i++; i == len(reqs) {
			close(c) // ok
		}
	}
	return rows
}

// ok: the count is the length of what the loop appends, one value a round.
func stats(reqs []string, ask func(string) int) []int {
	c := make(chan int, len(reqs))
	for _, req := range reqs {
		go func(req string) { c <- ask(req) }(req)
	}
	var rows []int
	for res := range c {
		rows = append(rows, res)
		if len(rows) == len(reqs) {
			close(c) // ok
		}
	}
	return rows
}

// Each goroutine sends twice: after as many values as requests, half the sends may be pending.
func edgesTwice(reqs []string, ask func(string) int) []int {
	c := make(chan int, len(reqs))
	for _, req := range reqs {
		go func(req string) {
			c <- ask(req)
			c <- ask(req + "/retry")
		}(req)
	}
	var rows []int
	i := 0
	for res := range c {
		rows = append(rows, res)
		if i++; i == len(reqs) {
			close(c) // want "`edgesTwice` only receives but closes the channel while another goroutine still sends on it"
		}
	}
	return rows
}
