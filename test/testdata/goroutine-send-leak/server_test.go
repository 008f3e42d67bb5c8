package fixtures

import (
	"net"
	"testing"
	"time"
)

func serveOnce(l net.Listener) error { return nil }

// ok: the timeout fails the test; a goroutine left behind by a failing test is not the bug.
func TestServeOnce(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	errc := make(chan error)
	go func() { errc <- serveOnce(l) }()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("server did not stop")
	}
}

// ok: t.Error on the timeout path is also a failed test.
func TestServeOnceError(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	errc := make(chan error)
	go func() { errc <- serveOnce(l) }()
	select {
	case <-errc:
	case <-time.After(5 * time.Second):
		t.Errorf("server did not stop after %v", 5*time.Second)
	}
}

// A helper that returns early on a setup error while the goroutine still has a value to deliver.
func dialAndServe(t *testing.T, addr string) net.Conn {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn)
	go func() {
		c, _ := l.Accept()
		accepted <- c // want "`accepted <- c` blocks forever: dialAndServe can return at line 51 before receiving"
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		return nil
	}
	c.Close()
	return <-accepted
}

// The receive loop leaves through t.Fatalf on a bad value: the other senders stay blocked for the
// rest of the test run (reported as information in tests, like the same loop leaving by return).
func TestAllPositive(t *testing.T) {
	ch := make(chan int)
	for i := 0; i < 3; i++ {
		go func(i int) { ch <- i }(i) // want "`ch <- i` blocks forever: TestAllPositive can return at line 67 from its receive loop"
	}
	for i := 0; i < 3; i++ {
		v := <-ch
		if v < 0 {
			t.Fatalf("bad %d", v)
		}
	}
}

// The same loop leaving by t.Errorf and return.
func TestAllPositiveReturn(t *testing.T) {
	ch := make(chan int)
	for i := 0; i < 3; i++ {
		go func(i int) { ch <- i }(i) // want "`ch <- i` blocks forever: TestAllPositiveReturn can return at line 82 from its receive"
	}
	for i := 0; i < 3; i++ {
		v := <-ch
		if v < 0 {
			t.Errorf("bad %d", v)
			return
		}
	}
}
