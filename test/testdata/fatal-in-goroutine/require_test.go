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
			require.NoError(t, err) // want "`require.NoError\\(t, err\\)` calls `t.FailNow` when it fails, and it runs on the goroutine started at line 17"
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
