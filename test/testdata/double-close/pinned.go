package fixtures

//fixture:go 1.22

import "sync"

func apply(version int) {}

// ok: the goroutine that closes applied starts in one pass only, when i reaches n/4
// (cloudflared's orchestrator test): the channel is closed once.
func updateOnce(n int) {
	applied := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		if i == n/4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				apply(2)
				close(applied)
			}()
		}
		if i == n/2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-applied
				apply(3)
			}()
		}
	}
	wg.Wait()
}

// Here the test holds for every pass after the first quarter: one goroutine each, each closing.
func updateFromQuarter(n int) {
	applied := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		if i >= n/4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				apply(2)
				close(applied) // want "`close\\(applied\\)` runs in every goroutine the loop starts"
			}()
		}
	}
	wg.Wait()
}

// The value compared with changes inside the loop: the test can hold on several passes.
func updateWhenDue(n int) {
	applied := make(chan struct{})
	due := 0
	for i := 0; i < n; i++ {
		if i == due {
			due += 2
			go func() {
				apply(2)
				close(applied) // want "`close\\(applied\\)` runs in every goroutine the loop starts"
			}()
		}
	}
}

// ok: a range over a constant count gives each value once (Go 1.22's `for i := range n`).
func updateOnceInRange() {
	const requests = 200
	applied := make(chan struct{})
	for i := range requests {
		if i == requests/4 {
			go func() {
				apply(2)
				close(applied)
			}()
		}
	}
	<-applied
}

// Values received from a channel may repeat: the test can hold on several passes.
func updateOnSignal(versions chan int) {
	applied := make(chan struct{})
	for v := range versions {
		if v == 2 {
			go func() {
				apply(v)
				close(applied) // want "`close\\(applied\\)` runs in every goroutine the loop starts"
			}()
		}
	}
}
