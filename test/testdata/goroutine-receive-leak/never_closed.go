package fixtures

import (
	"context"
	"fmt"
	"sync"
	"time"
)

type job struct{ n int }

func handle(job) {}

func dispatch(batch []job) {
	jobs := make(chan job)
	go func() {
		for j := range jobs { // want "`for j := range jobs` in the goroutine waits forever: nothing closes"
			handle(j)
		}
	}()
	for _, j := range batch {
		jobs <- j
	}
}

func worker(id int, in <-chan job, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range in { // want "`for j := range in` in goroutine `worker` waits forever: nothing closes"
		handle(j)
	}
	_ = id
}

func pool(batch []job) {
	jobs := make(chan job, len(batch))
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go worker(i, jobs, &wg)
	}
	for _, j := range batch {
		jobs <- j
	}
	wg.Wait()
}

func squares(n int) []int {
	results := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			results <- i * i
		}
	}()
	var out []int
	for r := range results { // want "`for r := range results` waits forever: nothing closes `results` after the last send"
		out = append(out, r)
	}
	return out
}

func produce(out chan<- string, names []string) {
	for _, n := range names {
		out <- fmt.Sprintf("hello %s", n)
	}
}

func greetAll(names []string) []string {
	ch := make(chan string)
	go produce(ch, names)
	var greetings []string
	for g := range ch { // want "`for g := range ch` waits forever: nothing closes `ch` after the last send"
		greetings = append(greetings, g)
	}
	return greetings
}

func onShutdown(cleanup func()) {
	done := make(chan struct{})
	go func() {
		<-done // want "`<-done` in the goroutine blocks forever: nothing sends on or closes `done`"
		cleanup()
	}()
}

type batcher struct {
	queue chan string
	sent  int
}

func (b *batcher) drain() {
	for s := range b.queue { // want "`for s := range b\\.queue` in goroutine `drain` waits forever: nothing"
		b.sent += len(s)
	}
}

func (b *batcher) flush(lines []string) {
	b.queue = make(chan string)
	go b.drain()
	for _, l := range lines {
		b.queue <- l
	}
}

func main() {
	// ok: when main returns the process ends, so the goroutine cannot outlive it.
	ticks := make(chan int)
	go func() {
		for t := range ticks {
			fmt.Println(t)
		}
	}()
	for i := 0; i < 3; i++ {
		ticks <- i
	}
}

// ok: the producer never stops, so the consumer is meant to run forever.
func heartbeat() {
	beats := make(chan time.Time)
	go func() {
		for b := range beats {
			fmt.Println(b)
		}
	}()
	go func() {
		for {
			beats <- time.Now()
			time.Sleep(time.Second)
		}
	}()
}

// ok: the channel is returned, so the caller may close it.
func startConsumer() chan<- job {
	jobs := make(chan job)
	go func() {
		for j := range jobs {
			handle(j)
		}
	}()
	return jobs
}

// ok: the channel is stored in a struct the caller keeps.
type server struct{ reqs chan job }

func newServer() *server {
	reqs := make(chan job)
	go func() {
		for r := range reqs {
			handle(r)
		}
	}()
	return &server{reqs: reqs}
}

// ok: the consumer also watches the context, so cancelling it ends the loop.
func withContext(ctx context.Context, batch []job) {
	jobs := make(chan job)
	go func() {
		for {
			select {
			case j := <-jobs:
				handle(j)
			case <-ctx.Done():
				return
			}
		}
	}()
	for _, j := range batch {
		jobs <- j
	}
}

// ok: a closure that is not called in place may close the channel at any time.
func closeLater(batch []job) func() {
	jobs := make(chan job)
	go func() {
		for j := range jobs {
			handle(j)
		}
	}()
	for _, j := range batch {
		jobs <- j
	}
	return func() { close(jobs) }
}

// ok: the worker feeds its own queue and stops when it is empty.
func crawl(start string) {
	queue := make(chan string, 100)
	queue <- start
	go func() {
		for u := range queue {
			if len(queue) == 0 {
				break
			}
			queue <- u + "/next"
		}
	}()
}

// ok: the value arrives on every path.
func notify(ready func()) {
	done := make(chan struct{})
	go func() {
		<-done
		ready()
	}()
	done <- struct{}{}
}

// ok: the struct is declared in another file, whose code may close the field.
func (r *remote) listen(msgs []string) {
	r.inbox = make(chan string)
	go func() {
		for m := range r.inbox {
			_ = m
		}
	}()
	for _, m := range msgs {
		r.inbox <- m
	}
}

func logOnCue(cue chan struct{}, log func()) {
	for range cue { // ok
		log()
	}
}

// ok: the only sender ranges over a ticker's channel, which the runtime never closes: it never
// finishes, so there is no last send to close after (go-metrics' LogScaled, a logger for the
// life of the process).
func logEvery(freq time.Duration, log func()) {
	cue := make(chan struct{})
	go func() {
		for range time.Tick(freq) {
			cue <- struct{}{}
		}
	}()
	logOnCue(cue, log)
}

// The sender stops after ten cues without closing: the receiver waits forever after the last.
func logTenTimes(freq time.Duration, log func()) {
	cue := make(chan struct{})
	go func() {
		for i := 0; i < 10; i++ {
			time.Sleep(freq)
			cue <- struct{}{}
		}
	}()
	for range cue { // want "`for range cue` waits forever: nothing closes `cue` after the last send"
		log()
	}
}

// ok: nor does the runtime close a ticker's C.
func logOnTicks(ticker *time.Ticker, log func()) {
	cue := make(chan struct{})
	go func() {
		for range ticker.C {
			cue <- struct{}{}
		}
	}()
	logOnCue(cue, log)
}
