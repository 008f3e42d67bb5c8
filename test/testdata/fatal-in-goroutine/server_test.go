package server

import (
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"
)

func fetch(url string) (string, error) { return url, nil }

func dial(addr string) (net.Conn, error) { return nil, errors.New("no network") }

func TestFetchAll(t *testing.T) {
	var wg sync.WaitGroup
	for _, url := range []string{"a", "b"} {
		wg.Add(1)
		go func(url string) {
			defer wg.Done()
			if _, err := fetch(url); err != nil {
				t.Fatalf("fetch %s: %v", url, err) // want "`t\\.Fatalf\\(\"fetch %s: %v\", url,\\.\\.\\.` runs off the test's goroutine: `FailNow` ends this goroutine"
			}
		}(url)
	}
	wg.Wait()
}

func TestServerAccepts(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err) // ok: on the test's goroutine
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn, err := ln.Accept()
		if err != nil {
			t.Error(err)
			t.FailNow() // want "`t\\.FailNow\\(\\)` runs off the test's goroutine: `FailNow` ends this goroutine, not the test"
		}
		conn.Close()
	}()
	c, err := dial(ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	<-done
}

func TestWorkerLast(t *testing.T) {
	done := make(chan bool)
	go func() {
		time.Sleep(time.Millisecond)
		close(done)
		t.Fatal("worker gave up") // want "`t\\.Fatal\\(\"worker gave up\"\\)` runs off the test's goroutine: `FailNow` ends this goroutine"
	}()
	<-done
}

func BenchmarkParallelFetch(b *testing.B) {
	for i := 0; i < b.N; i++ {
		errc := make(chan error, 1)
		go func() {
			_, err := fetch("x")
			if err != nil {
				b.Fatal(err) // want "`b\\.Fatal\\(err\\)` runs off the test's goroutine: `FailNow` ends this goroutine, not the test"
			}
			errc <- err
		}()
		<-errc
	}
}

func TestSkipFromGoroutine(t *testing.T) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := dial("db:5432"); err != nil {
			t.Skip("no database") // want "`t\\.Skip\\(\"no database\"\\)` runs off the test's goroutine: `SkipNow` ends this goroutine,"
		}
	}()
	<-done
}

func TestGroup(t *testing.T) {
	var g errgroup.Group
	for _, url := range []string{"a", "b"} {
		url := url
		g.Go(func() error {
			if _, err := fetch(url); err != nil {
				t.Fatalf("fetch: %v", err) // want "`t\\.Fatalf\\(\"fetch: %v\", err\\)` runs off the test's goroutine: `FailNow` ends this goroutine"
			}
			return nil
		})
	}
	_ = g.Wait()
}

func TestDeferredInGoroutine(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("panic: %v", r) // want "`t\\.Fatalf\\(\"panic: %v\", r\\)` runs off the test's goroutine: `FailNow` ends this goroutine"
			}
		}()
		_, _ = fetch("x")
	}()
	wg.Wait()
}

func TestPassedIn(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func(tt *testing.T) {
		defer wg.Done()
		if _, err := fetch("y"); err != nil {
			tt.Fatal(err) // want "`tt\\.Fatal\\(err\\)` runs off the test's goroutine: `FailNow` ends this goroutine, not the test"
		}
	}(t)
	wg.Wait()
}

func helperTB(tb testing.TB, addr string) {
	tb.Helper()
	go func() {
		if _, err := dial(addr); err != nil {
			tb.Fatalf("dial %s: %v", addr, err) // want "`tb\\.Fatalf\\(\"dial %s: %v\", addr\\.\\.\\.` runs off the test's goroutine: `FailNow` ends this goroutine"
		}
	}()
}

func check(t *testing.T, url string, wg *sync.WaitGroup) {
	defer wg.Done()
	if _, err := fetch(url); err != nil {
		t.Fatalf("fetch %s: %v", url, err) // ok: reported at the go statement below
	}
}

func TestNamedHelper(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(2)
	go check(t, "a", &wg) // want "`check` runs on a new goroutine and calls `t\\.Fatalf\\(\"fetch %s: %v\", url,\\.\\.\\.`: `FailNow`"
	check(t, "b", &wg)    // ok: called on the test's goroutine
	wg.Wait()
}
