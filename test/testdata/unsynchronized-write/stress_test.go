package jobs

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

type cache struct{ m map[int]int }

func (c *cache) Get(k int) (int, bool) { v, ok := c.m[k]; return v, ok }

// Each worker records a failed check in the shared err and stops: two workers race on err only
// when both checks fail, in a test that fails anyway (ristretto's stress test). Information.
func TestStressGet(t *testing.T) {
	c := &cache{m: map[int]int{}}
	var err error
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			for k := 0; k < 10; k++ {
				if v, ok := c.Get(k); !ok {
					err = fmt.Errorf("expected %d but got nil", k) // want "`err = fmt.Errorf\\(\"expecte...` runs in every iteration's goroutine with no lock held: a data race, though only on a run whose checks already fail"
					break
				} else if v != k {
					err = fmt.Errorf("expected %d but got %d", k, v)
					break
				}
			}
			wg.Done()
		}()
	}
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
}

// The same shape, but one write stores what a call returned: the race happens on passing runs
// too. A warning.
func TestStressLoad(t *testing.T) {
	c := &cache{m: map[int]int{}}
	var err error
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, ok := c.Get(i); !ok {
				err = errors.New("missing") // want "`err = errors.New\\(\"missing\"\\)` runs in every iteration's goroutine with no lock held: a data race: the goroutines overwrite each other's value"
				return
			}
			err = load(c)
		}()
	}
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
}

func load(c *cache) error { return nil }

// A single checker goroutine whose failure the test reads without waiting for it: information.
func TestWatch(t *testing.T) {
	c := &cache{m: map[int]int{}}
	var err error
	go func() {
		if _, ok := c.Get(1); !ok {
			err = errors.New("key 1 is missing") // want "`err = errors.New\\(\"key 1 i...` in a goroutine runs concurrently with the read of `err` at line 75: a data race, though only on a run whose checks already fail"
		}
	}()
	if err != nil {
		t.Fatal(err)
	}
}

// juicefs' metadata tests: each goroutine stores the status it just found non-zero, then stops;
// the test fails on any non-zero status after the wait. The goroutines race only on a failing run.
func TestConcurrentWrite(t *testing.T) {
	c := &cache{m: map[int]int{}}
	var errno int
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if st := write(c, i); st != 0 {
				errno = st // want "a data race, though only on a run whose checks already fail"
			}
		}(i)
	}
	wg.Wait()
	if errno != 0 {
		t.Fatal(errno)
	}
}

// The status stored whatever it is: a race on passing runs too.
func TestConcurrentWriteAlways(t *testing.T) {
	c := &cache{m: map[int]int{}}
	var last int
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if st := write(c, i); st == 0 {
				last = st // want "the goroutines overwrite each other's value"
			}
		}(i)
	}
	wg.Wait()
	_ = last
}

func write(c *cache, i int) int { return 0 }
