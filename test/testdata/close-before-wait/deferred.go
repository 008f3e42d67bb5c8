package fixtures

import "sync"

func produceSquares(nums []int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out) // want "`defer close\\(out\\)` runs with no `wg\\.Wait\\(\\)` before it: a goroutine can still send `out"
		var wg sync.WaitGroup
		for _, n := range nums {
			wg.Add(1)
			go func(n int) {
				defer wg.Done()
				out <- n * n
			}(n)
		}
	}()
	return out
}

func mergeAll(inputs []<-chan string) <-chan string {
	merged := make(chan string)
	go func() {
		var wg sync.WaitGroup
		defer wg.Wait()
		defer close(merged) // want "`defer close\\(merged\\)` runs before the deferred `wg\\.Wait\\(\\)`: a goroutine can still send"
		for _, in := range inputs {
			wg.Add(1)
			go func(in <-chan string) {
				defer wg.Done()
				for s := range in {
					merged <- s
				}
			}(in)
		}
	}()
	return merged
}

// ok: the Wait is deferred after the close, so it runs first.
func mergeOrdered(inputs []<-chan string) <-chan string {
	merged := make(chan string)
	go func() {
		var wg sync.WaitGroup
		defer close(merged)
		defer wg.Wait()
		for _, in := range inputs {
			wg.Add(1)
			go func(in <-chan string) {
				defer wg.Done()
				for s := range in {
					merged <- s
				}
			}(in)
		}
	}()
	return merged
}

// ok: the function waits for the senders before it returns.
func squaresWaited(nums []int) <-chan int {
	out := make(chan int, len(nums))
	defer close(out)
	var wg sync.WaitGroup
	for _, n := range nums {
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			out <- n * n
		}(n)
	}
	wg.Wait()
	return out
}
