package pkg

import (
	"context"
	"testing"
)

func TestSubmit(t *testing.T) {
	s := NewServer() // want "`NewServer` starts `run`, which loops until `Stop`: this test never calls `s.Stop\\(\\)`, so `run` outlives it"
	s.Submit(1)
}

func TestSubmitTwice(t *testing.T) {
	s := NewServer() // want "`NewServer` starts `run`"
	s.Submit(1)
	s.Submit(2)
}

func TestConstructOnly(t *testing.T) {
	s := NewServer() // want "this test never calls `s.Stop\\(\\)`"
	_ = s.reqc
}

func TestWithError(t *testing.T) {
	s, err := newServerErr(false) // want "`newServerErr` starts `run`"
	if err != nil {
		t.Fatal(err)
	}
	s.Submit(3)
}

func TestPool(t *testing.T) {
	p := NewPool() // want "`NewPool` starts `loop`, which loops until `Close`"
	p.Go(func() {})
}

func TestPoolNoJobs(t *testing.T) {
	p := NewPool() // want "this test never calls `p.Close\\(\\)`"
	_ = p
}

func TestTwoServers(t *testing.T) {
	a := NewServer() // want "never calls `a.Stop\\(\\)`"
	b := NewServer()
	defer b.Stop()
	a.Submit(1)
	b.Submit(1)
}

func TestInLoop(t *testing.T) {
	for i := 0; i < 3; i++ {
		s := NewServer() // want "never calls `s.Stop\\(\\)`"
		s.Submit(i)
	}
}

// ok: stopped with defer.
func TestStopped(t *testing.T) {
	s := NewServer() // ok
	defer s.Stop()
	s.Submit(1)
}

// ok: stopped at the end.
func TestStoppedAtEnd(t *testing.T) {
	p := NewPool() // ok
	p.Go(func() {})
	p.Close()
}

// ok: the cleanup stops it.
func TestCleanup(t *testing.T) {
	s := NewServer() // ok
	t.Cleanup(s.Stop)
	s.Submit(1)
}

// ok: a cleanup closure stops it.
func TestCleanupClosure(t *testing.T) {
	p := NewPool() // ok
	t.Cleanup(func() { p.Close() })
}

// ok: handed to a helper, which may stop it.
func TestHelper(t *testing.T) {
	s := NewServer() // ok
	exercise(t, s)
}

func exercise(t *testing.T, s *Server) {
	defer s.Stop()
	s.Submit(1)
}

// ok: the loop ends with the test's context.
func TestWatcher(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := NewWatcher(ctx) // ok
	_ = w
}

// ok: nothing runs in the background.
func TestPlain(t *testing.T) {
	p := NewPlain() // ok
	_ = p
}

// ok: benchmarks and helpers are not tests of their own.
func BenchmarkSubmit(b *testing.B) {
	s := NewServer() // ok
	s.Submit(1)
}

// ok: Shutdown calls Stop.
func TestShutdown(t *testing.T) {
	s := NewServer() // ok
	s.Submit(1)
	if err := s.Shutdown(); err != nil {
		t.Fatal(err)
	}
}
