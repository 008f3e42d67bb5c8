package server

import (
	"sync"
	"testing"
)

func compute(n int) (int, error) { return n * 2, nil }

// ok: the goroutine reports with t.Error and returns; the test fails without Goexit.
func TestErrorAndReturn(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if _, err := compute(i); err != nil {
				t.Errorf("compute(%d): %v", i, err)
				return
			}
		}(i)
	}
	wg.Wait()
}

// ok: the goroutine sends its error back and the test goroutine calls Fatal.
func TestErrorChannel(t *testing.T) {
	errc := make(chan error, 1)
	go func() {
		_, err := compute(1)
		errc <- err
	}()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// ok: a subtest's function runs on a goroutine of its own and may stop its own t.
func TestSubtests(t *testing.T) {
	for _, n := range []int{1, 2} {
		n := n
		t.Run("case", func(t *testing.T) {
			t.Parallel()
			if _, err := compute(n); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// ok: a goroutine that starts a subtest: the subtest's t is its own.
func TestGoroutineRunsSubtest(t *testing.T) {
	done := make(chan bool)
	go func() {
		defer close(done)
		t.Run("inner", func(st *testing.T) {
			st.Fatal("stops the inner subtest, on its own goroutine")
		})
	}()
	<-done
}

// ok: Cleanup functions run on the test's goroutine after it finishes.
func TestCleanup(t *testing.T) {
	t.Cleanup(func() {
		if _, err := compute(0); err != nil {
			t.Fatal(err)
		}
	})
}

// ok: a function literal called in place runs on the test's goroutine.
func TestInPlace(t *testing.T) {
	func() {
		if _, err := compute(2); err != nil {
			t.Fatal(err)
		}
	}()
}

type fakeT struct{}

func (fakeT) Fatal(args ...interface{}) {}

// ok: Fatal on something that is not a testing type.
func TestNotTesting(t *testing.T) {
	var f fakeT
	done := make(chan bool)
	go func() {
		f.Fatal("not a testing.T")
		close(done)
	}()
	<-done
}

// ok: the goroutine's own logger, not the test's t.
func TestLoggerFatal(t *testing.T) {
	done := make(chan bool)
	go func(t *logger) {
		t.Fatal("logger")
		close(done)
	}(&logger{})
	<-done
}

type logger struct{}

func (*logger) Fatal(args ...interface{}) {}

// ok: the callback is stored and run later by code we cannot see.
func TestCallback(t *testing.T) {
	register(func() {
		t.Fatal("run by register")
	})
}

func register(f func()) { f() }

// ok: the named helper only logs from the goroutine.
func report(t *testing.T, n int, wg *sync.WaitGroup) {
	defer wg.Done()
	t.Logf("n=%d", n)
}

// ok: starting a helper that never stops the test.
func TestNamedLogs(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(1)
	go report(t, 1, &wg)
	wg.Wait()
}
