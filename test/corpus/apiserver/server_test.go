//fixture:go 1.20

package apiserver

import (
	"context"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

func startServer(t *testing.T) (*Server, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer()
	go func() {
		if err := s.Serve(l); err != nil && err != http.ErrServerClosed {
			t.Fatalf("serve: %v", err) // want "Fatalf"
		}
	}()
	return s, l.Addr().String()
}

// ok: the serve error is reported with t.Error, which is safe from any goroutine.
func startServerFixed(t *testing.T) (*Server, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer()
	go func() {
		if err := s.Serve(l); err != nil && err != http.ErrServerClosed {
			t.Errorf("serve: %v", err)
		}
	}()
	return s, l.Addr().String()
}

func TestConcurrentGets(t *testing.T) {
	s, addr := startServerFixed(t)
	defer s.Shutdown()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get("http://" + addr + "/x")
			if err != nil {
				t.Fatalf("get: %v", err) // want "Fatalf"
			}
			resp.Body.Close()
		}()
	}
	wg.Wait()
}

// ok: each goroutine returns its error; the test goroutine decides.
func TestConcurrentGetsFixed(t *testing.T) {
	s, addr := startServerFixed(t)
	defer s.Shutdown()
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			resp, err := http.Get("http://" + addr + "/x")
			if err == nil {
				resp.Body.Close()
			}
			errs <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// ok: the result channel is buffered, so the goroutine finishes even after the timeout.
func TestWaitReady(t *testing.T) {
	s, _ := startServerFixed(t)
	defer s.Shutdown()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- s.WaitReady(ctx)
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("WaitReady did not return")
	}
}

// ok: a subtest is not a goroutine the test started itself; Fatal is fine there.
func TestPut(t *testing.T) {
	for _, tc := range []struct{ key, value string }{{"a", "1"}, {"b", "2"}} {
		t.Run(tc.key, func(t *testing.T) {
			s := NewServer()
			s.ready = true
			if err := s.Put(tc.key, tc.value); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// ok: parallel subtests with the loop variable copied.
func TestPutParallel(t *testing.T) {
	for _, key := range []string{"a", "b", "c"} {
		key := key
		t.Run(key, func(t *testing.T) {
			t.Parallel()
			s := NewServer()
			s.ready = true
			if err := s.Put(key, "v"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestPutParallelCaptured runs parallel subtests that capture the loop variable before Go 1.22.
func TestPutParallelCaptured(t *testing.T) {
	for _, key := range []string{"a", "b", "c"} {
		t.Run(key, func(t *testing.T) {
			t.Parallel()
			s := NewServer()
			s.ready = true
			if err := s.Put(key, "v"); err != nil { // want "key"
				t.Error(err)
			}
		})
	}
}
