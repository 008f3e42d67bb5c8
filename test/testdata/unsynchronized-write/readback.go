package jobs

import "sync"

func fetch(key string) (string, error) { return key, nil }

func report(err error) {}

// thanos' group cache test: every goroutine assigns the shared err and checks it right after,
// so one can check another's error.
func fetchAll(keys []string) {
	var err error
	var wg sync.WaitGroup
	for _, k := range keys {
		wg.Add(1)
		go func(k string) {
			defer wg.Done()
			_, err = fetch(k) // want "`_, err = fetch\\(k\\)` runs in every iteration's goroutine with no lock held: a data race, and a goroutine can read back another's `err`"
			report(err)
		}(k)
	}
	wg.Wait()
}

// Not read back in the goroutine: one store overwrites another.
func lastError(keys []string) error {
	var err error
	var wg sync.WaitGroup
	for _, k := range keys {
		wg.Add(1)
		go func(k string) {
			defer wg.Done()
			_, err = fetch(k) // want "`_, err = fetch\\(k\\)` runs in every iteration's goroutine with no lock held: a data race: the goroutines overwrite each other's value"
		}(k)
	}
	wg.Wait()
	return err
}
