package fixtures

import (
	"sync"
	"testing"
)

// triggerRaceFixture races on purpose: the test that runs it checks that the race detector
// fires (dd-trace-go's quarantine fixtures). Information, with no fix.
func triggerRaceFixture() {
	var value int
	var wg sync.WaitGroup
	wg.Add(2)
	for range 2 {
		go func() {
			defer wg.Done()
			value++ // want "`value\\+\\+` runs in every iteration's goroutine with no lock held: a data race that loses updates; the test seems to race on purpose"
		}()
	}
	wg.Wait()
}

func runFixture(t *testing.T, kind string) {
	switch kind {
	case "race":
		var value int
		var wg sync.WaitGroup
		for i := 0; i < 2; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				value++ // want "a data race that loses updates; the test seems to race on purpose"
			}()
		}
		wg.Wait()
	case "tracing":
		var value int
		var wg sync.WaitGroup
		for i := 0; i < 2; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				value++ // want "`value\\+\\+` runs in every iteration's goroutine with no lock held: a data race that loses updates$"
			}()
		}
		wg.Wait()
	}
}

// A function named for a trace, not a race: the race is a bug of the test.
func TestTraceCounts(t *testing.T) {
	var value int
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			value++ // want "a data race that loses updates$"
		}()
	}
	wg.Wait()
}
