package fixtures

import (
	"fmt"
	"time"
)

type Hit struct{ Title string }

func searchWeb(q string) Hit    { return Hit{Title: "web: " + q} }
func searchImages(q string) Hit { return Hit{Title: "img: " + q} }
func searchNews(q string) Hit   { return Hit{Title: "news: " + q} }

// The deadline lives in a variable; when it fires, the remaining searches are stranded.
func searchAll(q string) []Hit {
	hits := make(chan Hit)
	go func() { hits <- searchWeb(q) }() // want "goroutines sending on `hits` can block forever: searchAll stops receiving at line 26"
	go func() { hits <- searchImages(q) }()
	go func() { hits <- searchNews(q) }()
	deadline := time.After(100 * time.Millisecond)
	var out []Hit
	for i := 0; i < 3; i++ {
		select {
		case h := <-hits:
			out = append(out, h)
		case <-deadline:
			fmt.Println("partial results")
			return out
		}
	}
	return out
}

// A quit channel made here, closed by an abort goroutine; the worker never sends on it.
func compute(abortAfter time.Duration) (int, bool) {
	result := make(chan int)
	quit := make(chan struct{})
	go func() {
		result <- slowSum() // want "compute stops receiving at line 48 \\(`case <-quit`\\)"
	}()
	go func() {
		time.Sleep(abortAfter)
		close(quit)
	}()
	select {
	case v := <-result:
		return v, true
	case <-quit:
		return 0, false
	}
}

func slowSum() int { return 0 }

// ok: the other case reads a channel the same goroutine sends on instead; exactly one value comes.
func valueOrError(q string) (Hit, error) {
	hits := make(chan Hit)
	errs := make(chan error)
	go func() {
		h := searchWeb(q)
		if h.Title == "" {
			errs <- fmt.Errorf("no result for %q", q)
			return
		}
		hits <- h
	}()
	select {
	case h := <-hits:
		return h, nil
	case err := <-errs:
		return Hit{}, err
	}
}

// ok: the deadline variable is buffered against; every search can deliver.
func searchAllBuffered(q string) []Hit {
	hits := make(chan Hit, 3)
	go func() { hits <- searchWeb(q) }()
	go func() { hits <- searchImages(q) }()
	go func() { hits <- searchNews(q) }()
	deadline := time.After(100 * time.Millisecond)
	var out []Hit
	for i := 0; i < 3; i++ {
		select {
		case h := <-hits:
			out = append(out, h)
		case <-deadline:
			return out
		}
	}
	return out
}
