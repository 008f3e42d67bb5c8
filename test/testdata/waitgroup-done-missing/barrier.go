package fixtures

import (
	"sync"
	"sync/atomic"
)

// ok: a start barrier. Every goroutine but the last waits on the WaitGroup it would count down,
// and the last one to arrive releases them all (hystrix-go's circuit test).
func startTogether(n int, work func()) {
	var arrived int32
	var startingLine, finishLine sync.WaitGroup
	startingLine.Add(1)
	finishLine.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			if atomic.AddInt32(&arrived, 1) == int32(n) {
				startingLine.Done() // ok
			} else {
				startingLine.Wait()
			}
			work()
			finishLine.Done()
		}()
	}
	finishLine.Wait()
}

// Without the Wait on the other path, the goroutines that are not last never count down.
func startOnlyLast(n int, work func()) {
	var arrived int32
	var startingLine sync.WaitGroup
	startingLine.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			if atomic.AddInt32(&arrived, 1) == int32(n) {
				startingLine.Done() // want "the end of the function skips `startingLine.Done\\(\\)`: the counter stays up and `startingLine.Wait\\(\\)` blocks forever"
			}
			work()
		}()
	}
	startingLine.Wait()
}
