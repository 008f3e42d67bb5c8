package fixtures

import (
	"context"
	"sync"
	"time"
)

type Job struct{ ID int }

type Outcome struct {
	ID  int
	Err error
}

func runJob(j Job) Outcome { return Outcome{ID: j.ID} }

// A worker declared in this file; the channel reaches it as an argument.
func worker(ctx context.Context, j Job, out chan<- Outcome) {
	out <- runJob(j) // want "`out <- runJob\\(j\\)` blocks forever: runBatch stops receiving at line 33 \\(`case"
}

func runBatch(ctx context.Context, jobs []Job) ([]Outcome, error) {
	results := make(chan Outcome)
	for _, j := range jobs {
		go worker(ctx, j, results)
	}
	var out []Outcome
	for range jobs {
		select {
		case r := <-results:
			out = append(out, r)
		case <-ctx.Done():
			return out, ctx.Err()
		}
	}
	return out, nil
}

// A method as the goroutine, with the channel as its parameter.
type Crawler struct {
	mu    sync.Mutex
	depth int
}

func (c *Crawler) fetch(url string, found chan<- []string) {
	c.mu.Lock()
	c.depth++
	c.mu.Unlock()
	found <- []string{url + "/a", url + "/b"} // want "`found <- \\[\\]string\\{url \\+ \"\\.\\.\\.` blocks forever: Crawl stops receiving at line 59 \\(`case"
}

func (c *Crawler) Crawl(url string, budget time.Duration) []string {
	found := make(chan []string)
	go c.fetch(url, found)
	select {
	case links := <-found:
		return links
	case <-time.After(budget):
		return nil
	}
}

// A closure with its own parameter for the channel.
func summarize(lines []string) (int, bool) {
	count := make(chan int)
	go func(dst chan<- int, n int) {
		dst <- n * 2 // want "`dst <- n \\* 2` blocks forever: summarize can return at line 71 before receiving"
	}(count, len(lines))
	if len(lines) == 0 {
		return 0, false
	}
	return <-count, true
}

// ok: the worker is handed a channel that the function also returns; the caller may read it.
func startWorker(j Job) <-chan Outcome {
	out := make(chan Outcome)
	go func() { out <- runJob(j) }()
	return out
}

// ok: the channel is stored in a struct; other code may receive from it.
type Pool struct{ results chan Outcome }

func (p *Pool) Submit(j Job) {
	ch := make(chan Outcome)
	p.results = ch
	go func() { ch <- runJob(j) }()
}

// ok: the channel is passed to a function we cannot see (collect may read everything).
func runAndCollect(jobs []Job) {
	ch := make(chan Outcome)
	for _, j := range jobs {
		go func(j Job) { ch <- runJob(j) }(j)
	}
	collect(ch, len(jobs))
}

func collect(ch <-chan Outcome, n int) {
	for i := 0; i < n; i++ {
		<-ch
	}
}

// ok: another goroutine receives, so the function returning does not strand the sender.
func relay(j Job, sink func(Outcome)) {
	ch := make(chan Outcome)
	go func() { ch <- runJob(j) }()
	go func() { sink(<-ch) }()
}

// ok: a worker started from a method receives all results through a WaitGroup-and-close pattern.
func (c *Crawler) CrawlAll(urls []string) [][]string {
	found := make(chan []string)
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			defer wg.Done()
			c.fetch(u, found)
		}(u)
	}
	go func() {
		wg.Wait()
		close(found)
	}()
	var all [][]string
	for links := range found {
		all = append(all, links)
	}
	return all
}
