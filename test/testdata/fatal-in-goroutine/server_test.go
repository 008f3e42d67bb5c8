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
				t.Fatalf("fetch %s: %v", url, err) // want "`t.Fatalf\\(\"fetch %s: %v\", url, err\\)` runs on the goroutine started at line 21, not on the goroutine of `TestFetchAll`"
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
			t.FailNow() // want "`t.FailNow\\(\\)` runs on the goroutine started at line 37"
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
		t.Fatal("worker gave up") // want "`t.Fatal\\(\"worker gave up\"\\)` runs on the goroutine"
	}()
	<-done
}

func BenchmarkParallelFetch(b *testing.B) {
	for i := 0; i < b.N; i++ {
		errc := make(chan error, 1)
		go func() {
			_, err := fetch("x")
			if err != nil {
				b.Fatal(err) // want "`b.Fatal\\(err\\)` runs on the goroutine started at line 67, not on the goroutine of `BenchmarkParallelFetch`"
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
			t.Skip("no database") // want "`t.Skip\\(\"no database\"\\)` runs on the goroutine started at line 80.*`SkipNow` ends only the goroutine"
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
				t.Fatalf("fetch: %v", err) // want "runs on the goroutine `g.Go` starts at line 93"
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
				t.Fatalf("panic: %v", r) // want "`t.Fatalf\\(\"panic: %v\", r\\)` runs on the goroutine started at line 106"
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
			tt.Fatal(err) // want "`tt.Fatal\\(err\\)` runs on the goroutine started at line 121, not on the goroutine of the test"
		}
	}(t)
	wg.Wait()
}

func helperTB(tb testing.TB, addr string) {
	tb.Helper()
	go func() {
		if _, err := dial(addr); err != nil {
			tb.Fatalf("dial %s: %v", addr, err) // want "`tb.Fatalf\\(\"dial %s: %v\", addr, err\\)` runs on the goroutine started at line 132, not on the goroutine of `helperTB`"
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
	go check(t, "a", &wg) // want "`go check\\(t, \"a\", &wg\\)` runs `check` on a new goroutine, and `check` calls `t.Fatalf\\(\"fetch %s: %v\", url, err\\)` \\(line 142\\)"
	check(t, "b", &wg)    // ok: called on the test's goroutine
	wg.Wait()
}
