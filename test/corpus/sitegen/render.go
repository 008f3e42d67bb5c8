//fixture:go 1.21

// Package sitegen renders pages of a static site with a pool of workers, caches partials and
// collects page data.
package sitegen

import (
	"context"
	"fmt"
	"sync"
)

type Page struct {
	Path    string
	Title   string
	Content string
	Output  []byte
}

type renderer struct {
	workers int
	render  func(p *Page) error
	mu      sync.Mutex
	done    map[string]bool
}

// renderAll returns on the first failed page while the other workers still send results.
func (r *renderer) renderAll(pages []*Page) error {
	jobs := make(chan *Page)
	results := make(chan error)
	var wg sync.WaitGroup
	for i := 0; i < r.workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				results <- r.render(p) // want "blocks forever"
			}
		}()
	}
	go func() {
		for _, p := range pages {
			jobs <- p
		}
		close(jobs)
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	for err := range results {
		if err != nil {
			return fmt.Errorf("render: %w", err)
		}
	}
	return nil
}

// ok: the first error is kept, and every result is still drained.
func (r *renderer) renderAllFixed(pages []*Page) error {
	jobs := make(chan *Page)
	results := make(chan error)
	var wg sync.WaitGroup
	for i := 0; i < r.workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				results <- r.render(p)
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, p := range pages {
			jobs <- p
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	var first error
	for err := range results {
		if err != nil && first == nil {
			first = fmt.Errorf("render: %w", err)
		}
	}
	return first
}

// renderSections captures the loop variable in a goroutine (before Go 1.22).
func (r *renderer) renderSections(sections map[string][]*Page) {
	var wg sync.WaitGroup
	for name, pages := range sections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, p := range pages { // want "pages"
				if err := r.render(p); err != nil {
					fmt.Println(name, err) // want "name"
				}
			}
		}()
	}
	wg.Wait()
}

// ok: both loop variables are copied before the goroutine starts.
func (r *renderer) renderSectionsFixed(sections map[string][]*Page) {
	var wg sync.WaitGroup
	for name, pages := range sections {
		name, pages := name, pages
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, p := range pages {
				if err := r.render(p); err != nil {
					fmt.Println(name, err)
				}
			}
		}()
	}
	wg.Wait()
}

// ok: a pipeline stage that stops with ctx on both its receive and its send.
func (r *renderer) stage(ctx context.Context, in <-chan *Page) <-chan *Page {
	out := make(chan *Page)
	go func() {
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case p, ok := <-in:
				if !ok {
					return
				}
				if r.render(p) != nil {
					continue
				}
				select {
				case out <- p:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}
