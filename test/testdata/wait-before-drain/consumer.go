package fixtures

import "sync"

// The only consumer waits for the group before it reads, or inside its read loop.

func consumerWaits(xs []int) []int {
	results := make(chan int)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			results <- work(x)
		}(x)
	}
	out := make(chan []int)
	go func() {
		wg.Wait() // want "`wg\\.Wait\\(\\)` never returns: its goroutines block on `results <- work\\(x\\)`, which only this"
		var all []int
		for r := range results {
			all = append(all, r)
		}
		out <- all
	}()
	return <-out
}

func consumerSelects(xs []int, quit chan struct{}) {
	events := make(chan int)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			events <- x
		}(x)
	}
	go func() {
		wg.Wait() // want "`wg\\.Wait\\(\\)` never returns: its goroutines block on `events <- x`, which only this"
		for {
			select {
			case e := <-events:
				_ = e
			case <-quit:
				return
			}
		}
	}()
}

func waitOnError(xs []int) []int {
	results := make(chan int)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			results <- work(x)
		}(x)
	}
	var all []int
	for r := range results {
		if r < 0 {
			wg.Wait() // want "`wg\\.Wait\\(\\)` inside the loop reading `results` waits for goroutines blocked on `results <-"
			break
		}
		all = append(all, r)
	}
	return all
}

func waitEachRound(xs []int) int {
	results := make(chan int)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			results <- work(x)
		}(x)
	}
	total := 0
	for i := 0; i < len(xs); i++ {
		total += <-results
		wg.Wait() // want "inside the loop reading `results`"
	}
	return total
}

func waitInSwitch(a, b int) int {
	results := make(chan int)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		results <- work(a)
	}()
	go func() {
		defer wg.Done()
		results <- work(b)
	}()
	for r := range results {
		switch r {
		case 0:
			wg.Wait() // want "inside the loop reading `results`"
			return 0
		}
	}
	return 1
}

// ok: the consumer receives first and waits afterwards.
func consumerReadsFirst(xs []int) int {
	results := make(chan int)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			results <- work(x)
		}(x)
	}
	out := make(chan int)
	go func() {
		total := 0
		for range xs {
			total += <-results
		}
		wg.Wait() // ok: every value was received
		out <- total
	}()
	return <-out
}

// ok: one goroutine per round, its value received before the wait.
func roundByRound(xs []int) int {
	results := make(chan int)
	var wg sync.WaitGroup
	total := 0
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			results <- work(x)
		}(x)
		total += <-results
		wg.Wait() // ok: the only sender of this round has sent
	}
	return total
}

// ok: the wait runs once every value has come in.
func waitWhenAllIn(xs []int) int {
	results := make(chan int)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			results <- work(x)
		}(x)
	}
	total, n := 0, 0
	for r := range results {
		total += r
		n++
		if n == len(xs) {
			wg.Wait() // ok: decided by a counter, not by a received value
			break
		}
	}
	return total
}

// ok: the consumer waits on another group.
func consumerOtherGroup(xs []int) {
	results := make(chan int)
	var wg, setup sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			results <- work(x)
		}(x)
	}
	go func() {
		setup.Wait() // ok: not the senders' group
		for r := range results {
			_ = r
		}
	}()
}

// ok: a buffer for every sender.
func consumerBuffered(xs []int) {
	results := make(chan int, len(xs))
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			results <- work(x)
		}(x)
	}
	go func() {
		wg.Wait() // ok: the sends do not wait
		close(results)
	}()
	for r := range results {
		_ = r
	}
}

// ok: the loop around the wait reads another channel.
func otherLoop(xs []int, ticks chan int) int {
	results := make(chan int)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			results <- work(x)
		}(x)
	}
	go func() {
		for r := range results {
			_ = r
		}
	}()
	n := 0
	for t := range ticks {
		n += t
		if t < 0 {
			wg.Wait() // ok: a goroutine drains results meanwhile
			break
		}
	}
	return n
}
