//fixture:go 1.22

package notify

import "sync"

// ok: since Go 1.22 every iteration has its own u.
func notifyNew(users []User) {
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = send(u.Email)
		}()
	}
	wg.Wait()
}
