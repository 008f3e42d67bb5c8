package server

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func load(key string) (string, error) { return key, nil }

func TestConcurrentLoads(t *testing.T) {
	var wg sync.WaitGroup
	for _, key := range []string{"a", "b", "c"} {
		wg.Add(1)
		go func(key string) {
			defer wg.Done()
			v, err := load(key)
			require.NoError(t, err) // want "`require\\.NoError\\(t, err\\)` runs off the test's goroutine: its `t\\.FailNow` ends this goroutine, not the test"
			assert.Equal(t, key, v)
		}(key)
	}
	wg.Wait()
}

// ok: assert only records the failure; require runs on the test's goroutine.
func TestAssertInGoroutine(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, err := load("x")
		assert.NoError(t, err)
	}()
	wg.Wait()
	_, err := load("y")
	require.NoError(t, err)
}

// An errgroup-style starter counts too: the literal runs on another goroutine.
func TestServeAndDial(t *testing.T) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, err := load("conn")
		require.NoError(t, err, "dial") // want "`require\\.NoError\\(t, err, \"dial\"\\)` runs off the test's goroutine: its `t\\.FailNow` ends this goroutine, not the test"
	}()
	<-done
}

// ok: a literal called in place runs on the test's goroutine.
func TestInPlace(t *testing.T) {
	func() {
		_, err := load("z")
		require.NoError(t, err)
	}()
}

// ok: t.Run's function is a test goroutine of its own, where FailNow is right.
func TestSubtests(t *testing.T) {
	t.Run("sub", func(t *testing.T) {
		_, err := load("s")
		require.NoError(t, err)
	})
}

func TestEqualInLoop(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			v, _ := load("k")
			require.Equal(t, "k", v) // want "`require\\.Equal\\(t, \"k\", v\\)` runs off the test's goroutine: its `t\\.FailNow` ends this goroutine, not the test"
		}(i)
	}
	wg.Wait()
}

func TestTrue(t *testing.T) {
	done := make(chan bool)
	go func() {
		_, err := load("a")
		require.True(t, err == nil) // want "`require\\.True\\(t, err == nil\\)` runs off the test's goroutine: its `t\\.FailNow` ends this goroutine, not the test"
		done <- true
	}()
	<-done
}

func BenchmarkLoad(b *testing.B) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, err := load("b")
		require.NoError(b, err) // want "`require\\.NoError\\(b, err\\)` runs off the test's goroutine: its `b\\.FailNow` ends this goroutine, not the test"
	}()
	<-done
}

func checkAsync(tb testing.TB) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		v, _ := load("tb")
		require.NotEmpty(tb, v) // want "`tb.FailNow`"
	}()
	<-done
}

func TestDeferredInGoroutine(t *testing.T) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			_, err := load("d")
			require.NoError(t, err) // want "`require\\.NoError\\(t, err\\)` runs off the test's goroutine: its `t\\.FailNow` ends this goroutine, not the test"
		}()
	}()
	<-done
}

func TestLen(t *testing.T) {
	results := make(chan []string, 1)
	go func() {
		v, _ := load("l")
		require.Len(t, []string{v}, 1) // want "`require\\.Len\\(t, \\[\\]string\\{v\\}, 1\\)` runs off the test's goroutine: its `t\\.FailNow` ends this goroutine, not the test"
		results <- []string{v}
	}()
	<-results
}

func helper(t *testing.T) {
	_, err := load("h")
	require.NoError(t, err)
}

// ok: a helper called on the test's goroutine.
func TestHelper(t *testing.T) {
	helper(t)
}

// ok: cleanups run on the test's goroutine.
func TestCleanup(t *testing.T) {
	t.Cleanup(func() {
		_, err := load("c")
		require.NoError(t, err)
	})
}

// ok: the error travels back and require runs on the test's goroutine.
func TestErrorBack(t *testing.T) {
	errs := make(chan error, 1)
	go func() {
		_, err := load("e")
		errs <- err
	}()
	require.NoError(t, <-errs)
}

// ok: a goroutine that does not use require.
func TestNoRequire(t *testing.T) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = load("n")
	}()
	<-done
	require.True(t, true)
}

// ok: a local value named require is not testify's package.
func TestShadowed(t *testing.T) {
	type checker struct{ NoError func(*testing.T, error) }
	require := checker{NoError: func(*testing.T, error) {}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		require.NoError(t, nil)
	}()
	<-done
}
