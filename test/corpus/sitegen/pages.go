//fixture:go 1.21

package sitegen

import (
	"strings"
	"sync"
)

type pageCollector struct {
	mu     sync.Mutex
	pages  []*Page
	byPath map[string]*Page
}

// collect adds pages concurrently without holding the lock.
func (c *pageCollector) collect(paths []string, load func(string) *Page) {
	var wg sync.WaitGroup
	for _, path := range paths {
		wg.Add(1)
		go func(path string) {
			defer wg.Done()
			p := load(path)
			c.pages = append(c.pages, p) // want "pages"
		}(path)
	}
	wg.Wait()
}

// ok: the append is done under the collector's mutex.
func (c *pageCollector) collectFixed(paths []string, load func(string) *Page) {
	var wg sync.WaitGroup
	for _, path := range paths {
		wg.Add(1)
		go func(path string) {
			defer wg.Done()
			p := load(path)
			c.mu.Lock()
			c.pages = append(c.pages, p)
			c.byPath[path] = p
			c.mu.Unlock()
		}(path)
	}
	wg.Wait()
}

// ok: each goroutine writes its own slice element; the indexes never overlap.
func titles(pages []*Page) []string {
	out := make([]string, len(pages))
	var wg sync.WaitGroup
	for i, p := range pages {
		wg.Add(1)
		go func(i int, p *Page) {
			defer wg.Done()
			out[i] = strings.ToUpper(p.Title)
		}(i, p)
	}
	wg.Wait()
	return out
}

// summarise waits for the workers from inside a worker.
func summarise(pages []*Page, sum func(*Page) string) []string {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var out []string
	for _, p := range pages {
		wg.Add(1)
		go func(p *Page) {
			defer wg.Done()
			s := sum(p)
			mu.Lock()
			out = append(out, s)
			mu.Unlock()
			wg.Wait() // want "Wait"
		}(p)
	}
	wg.Wait()
	return out
}

// ok: a single goroutine signals completion through a channel, waited outside.
func summariseOne(p *Page, sum func(*Page) string) string {
	done := make(chan string, 1)
	go func() {
		done <- sum(p)
	}()
	return <-done
}
