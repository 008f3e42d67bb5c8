package fixtures

import (
	"errors"
	"fmt"
	"sync"
)

type shard struct{ items []string }

func (s shard) find(q string) []string { return s.items }

func search(shards []shard, q string) []string {
	results := make(chan string)
	for _, s := range shards {
		go func(s shard) {
			for _, r := range s.find(q) {
				results <- r
			}
			close(results) // want "`close\\(results\\)` runs in every goroutine the loop starts, and the second close of the channel panics"
		}(s)
	}
	var out []string
	for r := range results {
		out = append(out, r)
	}
	return out
}

func closeAll(done chan struct{}, workers []string) {
	for _, w := range workers {
		fmt.Println("stopping", w)
		close(done) // want "`close\\(done\\)` runs on every iteration of the loop, and the second close of the channel panics"
	}
}

func process(data []int) error {
	out := make(chan int, len(data))
	for _, d := range data {
		out <- d
	}
	if len(data) > 10 {
		close(out)
	}
	close(out) // want "`close\\(out\\)` closes the channel again after `close\\(out\\)` at line 43: closing a closed channel panics"
	return nil
}

func cleanup(events chan string, err error) error {
	defer close(events) // want "`close\\(events\\)` closes the channel again after `close\\(events\\)` at line 52: closing a closed channel panics"
	if err != nil {
		close(events)
		return err
	}
	events <- "ok"
	return nil
}

func producer(out chan<- int, n int) {
	defer close(out) // want "`close\\(out\\)` runs in two goroutines started with the same channel, and the second close of the channel panics"
	for i := 0; i < n; i++ {
		out <- i
	}
}

func startProducers() []int {
	ch := make(chan int)
	go producer(ch, 3)
	go producer(ch, 5)
	var got []int
	for v := range ch {
		got = append(got, v)
	}
	return got
}

func rangeThenClose(in chan int) int {
	sum := 0
	for v := range in {
		sum += v
	}
	close(in) // want "`close\\(in\\)` runs after `for v := range in`, which ends only once the channel is closed: the second close panics"
	return sum
}

func ownerAndGoroutine(items []string) {
	done := make(chan struct{})
	go func() {
		for _, it := range items {
			fmt.Println(it)
		}
		close(done)
	}()
	<-done
	close(done) // want "`close\\(done\\)` and `close\\(done\\)` at line 92 both close the channel, and the second close panics"
}

func twoCloserGoroutines(a, b []int) []int {
	merged := make(chan int)
	go func() {
		defer close(merged)
		for _, v := range a {
			merged <- v
		}
	}()
	go func() {
		defer close(merged) // want "`close\\(merged\\)` and `close\\(merged\\)` at line 101 both close the channel, and the second close panics"
		for _, v := range b {
			merged <- v
		}
	}()
	var out []int
	for v := range merged {
		out = append(out, v)
	}
	return out
}

type stream struct {
	data chan []byte
}

func (s *stream) finish(err error) {
	close(s.data)
	if err != nil {
		fmt.Println(err)
	}
	close(s.data) // want "`close\\(s\\.data\\)` closes the channel again after `close\\(s\\.data\\)` at line 124: closing a closed channel panics"
}

func closeInCountedLoop(ch chan int, n int) {
	for i := 0; i < n; i++ {
		ch <- i
		close(ch) // want "`close\\(ch\\)` runs on every iteration of the loop, and the second close of the channel panics"
	}
}

// ok: one owner closes once, after every sender is done.
func searchFixed(shards []shard, q string) []string {
	results := make(chan string)
	var wg sync.WaitGroup
	for _, s := range shards {
		wg.Add(1)
		go func(s shard) {
			defer wg.Done()
			for _, r := range s.find(q) {
				results <- r
			}
		}(s)
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	var out []string
	for r := range results {
		out = append(out, r)
	}
	return out
}

// ok: each iteration closes its own channel.
func closeEach(chans []chan int) {
	for _, c := range chans {
		close(c)
	}
}

// ok: the two closes are on exclusive branches.
func closeOnce(ch chan int, failed bool) error {
	if failed {
		close(ch)
		return errors.New("failed")
	}
	close(ch)
	return nil
}

// ok: sync.Once guards the close.
type closer struct {
	once sync.Once
	done chan struct{}
}

func (c *closer) Close() {
	c.once.Do(func() { close(c.done) })
}

func closeTwiceSafely(c *closer) {
	c.Close()
	c.Close()
}

// ok: the channel is replaced between the closes.
func reopen() {
	ch := make(chan int)
	close(ch)
	ch = make(chan int)
	close(ch)
}

// ok: the loop leaves right after the close.
func closeAndBreak(ch chan int, items []int) {
	for _, it := range items {
		if it < 0 {
			continue
		}
		close(ch)
		break
	}
}

// ok: the close in the loop is conditional; data decides how often it runs.
func closeWhenDone(ch chan int, items []int) {
	for i, it := range items {
		ch <- it
		if i == len(items)-1 {
			close(ch)
		}
	}
}

// ok: the ranging loop can end by a break, so the channel may still be open.
func rangeUntilStop(in chan int) {
	for v := range in {
		if v == 0 {
			break
		}
	}
	close(in)
}

// ok: the goroutine closes only when a condition holds; the owner closes otherwise.
func closeByOneSide(ch chan int, ready <-chan bool) {
	go func() {
		if <-ready {
			close(ch)
		}
	}()
	select {
	case <-ch:
	default:
	}
}

// ok: a goroutine started once closes once.
func singleProducer(n int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := 0; i < n; i++ {
			out <- i
		}
	}()
	return out
}

// ok: the recovered panic is handled on purpose.
func closeSafely(ch chan int) (err error) {
	defer func() {
		if recover() != nil {
			err = errors.New("already closed")
		}
	}()
	close(ch)
	return nil
}

// ok: each round of the loop makes its own channel for its goroutine.
func perRound(n int) {
	for i := 0; i < n; i++ {
		signal := make(chan struct{})
		go func() {
			defer close(signal)
			fmt.Println(i)
		}()
		<-signal
	}
}

type parser struct{ errs chan error }

// ok: the struct holding the channel is a new one in every round.
func parseAll(files []string) {
	parsers := make([]*parser, len(files))
	for i := range files {
		parsers[i] = &parser{errs: make(chan error)}
	}
	for i := range files {
		p := parsers[i]
		go func() {
			defer close(p.errs)
		}()
	}
}
