package fixtures

import (
	"os"
	"sync"
	"testing"
)

func work() error { return nil }

// ok: the test is skipped before anything starts (ollama's max-queue test, parked with t.Skip).
func TestSkippedCounts(t *testing.T) {
	t.Skip("needs to be re-evaluated")

	var err error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		err = work() // ok
	}()
	err = work()
	wg.Wait()
	_ = err
}

// Skipped only without the environment: otherwise the race runs.
func TestSometimesSkipped(t *testing.T) {
	if os.Getenv("INTEGRATION") == "" {
		t.Skip("integration only")
	}

	var err error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		err = work() // want "`err = work\\(\\)` in a goroutine runs concurrently with the write of `err` at line 40: a data race"
	}()
	err = work()
	wg.Wait()
	_ = err
}

// ok: the helpers run only from a test that skips itself first (netbird's relay benchmarks,
// parked with t.SkipNow()), through one helper or two.
func TestTransferBenchmark(t *testing.T) {
	t.SkipNow() // a benchmark, not run on CI
	transfer(t, 4)
}

func transfer(t *testing.T, pairs int) {
	var err error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		err = work() // ok
	}()
	err = work()
	wg.Wait()
	_ = err
	transferEach(pairs)
}

func transferEach(pairs int) {
	var err error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		err = work() // ok
	}()
	err = work()
	wg.Wait()
	_ = err
}

// A helper that a running test calls too: its race runs.
func TestTransferOnce(t *testing.T) {
	shared(t)
}

func TestTransferSkipped(t *testing.T) {
	t.SkipNow()
	shared(t)
}

func shared(t *testing.T) {
	var err error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		err = work() // want "`err = work\\(\\)` in a goroutine runs concurrently with the write of `err` at line 97: a data race"
	}()
	err = work()
	wg.Wait()
	_ = err
}
