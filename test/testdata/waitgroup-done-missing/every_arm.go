package fixtures

import (
	"errors"
	"sync"
)

// temporal's registry test: each arm of a switch with a default calls Done, so every path
// through the goroutine does, though no one Done comes before the end on all of them.

type notFound struct{}

func (notFound) Error() string { return "not found" }

func lookup(id int) error {
	if id == 0 {
		return notFound{}
	}
	return errors.New("other")
}

func typeSwitchEveryArm(ids []int) {
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func(id int) {
			switch lookup(id).(type) {
			case nil:
				wg.Done() // ok
			case notFound:
				wg.Done() // ok
			default:
				wg.Done() // ok
			}
		}(id)
	}
	wg.Wait()
}

func ifElseEveryArm(ids []int) {
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func(id int) {
			if err := lookup(id); err != nil {
				wg.Done() // ok
				return
			} else {
				wg.Done() // ok
			}
		}(id)
	}
	wg.Wait()
}

// No default: a value no case names reaches the end without Done.
func switchWithoutDefault(ids []int) {
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func(id int) {
			switch id {
			case 0:
				wg.Done()
			case 1:
				wg.Done() // want "the end of the function skips"
			}
		}(id)
	}
	wg.Wait()
}

// The early return in one arm comes before that arm's Done.
func returnBeforeDone(ids []int) {
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func(id int) {
			if err := lookup(id); err != nil {
				if id > 10 {
					return
				}
				wg.Done()
			} else {
				wg.Done() // want "the `return` at line 81 skips"
			}
		}(id)
	}
	wg.Wait()
}
