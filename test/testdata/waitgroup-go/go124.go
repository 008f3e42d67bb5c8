//fixture:go 1.24

package fixtures

import "sync"

// ok: before Go 1.25 there is no WaitGroup.Go.
func olderGo(work func()) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		work()
	}()
	wg.Wait()
}
