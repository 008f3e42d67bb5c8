package fixtures

import "sync"

type crawler struct {
	wg    sync.WaitGroup
	found chan string
	seen  map[string]bool
}

func newCrawler() *crawler {
	return &crawler{found: make(chan string, 16), seen: map[string]bool{}}
}

func (c *crawler) visit(url string) {
	defer c.wg.Done()
	c.found <- url + "/a"
}

func (c *crawler) Start(urls []string) {
	for _, u := range urls {
		c.wg.Add(1)
		go c.visit(u)
	}
}

func (c *crawler) Stop() {
	close(c.found) // want "`close\\(c\\.found\\)` comes before `c\\.wg\\.Wait\\(\\)`: a goroutine can still send `c\\.found <- url"
	c.wg.Wait()
}

type batch struct {
	items []int
}

func (b *batch) squares() []int {
	out := make(chan int, len(b.items))
	var wg sync.WaitGroup
	for _, it := range b.items {
		wg.Add(1)
		go b.square(it, out, &wg)
	}
	close(out) // want "`close\\(out\\)` comes before `wg\\.Wait\\(\\)`: a goroutine can still send `out <- n \\* n` and panic"
	wg.Wait()
	res := make([]int, 0, len(b.items))
	for v := range out {
		res = append(res, v)
	}
	return res
}

func (b *batch) square(n int, out chan<- int, wg *sync.WaitGroup) {
	defer wg.Done()
	out <- n * n
}

func scatter(parts [][]byte) {
	sums := make(chan int, 2)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		sums <- len(parts[0])
	}()
	go func() {
		defer wg.Done()
		sums <- len(parts[1])
	}()
	close(sums) // want "`close\\(sums\\)` comes before `wg\\.Wait\\(\\)`: a goroutine can still send `sums <-"
	wg.Wait()
}

// ok: Stop waits for the visitors before closing.
type fetcher struct {
	wg  sync.WaitGroup
	out chan int
}

func newFetcher() *fetcher {
	return &fetcher{out: make(chan int, 8)}
}

func (f *fetcher) get(n int) {
	defer f.wg.Done()
	f.out <- n
}

func (f *fetcher) Start(ns []int) {
	for _, n := range ns {
		f.wg.Add(1)
		go f.get(n)
	}
}

func (f *fetcher) Stop() {
	f.wg.Wait()
	close(f.out)
}
