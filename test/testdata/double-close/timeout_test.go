package fixtures

import (
	"sync"
	"testing"
	"time"
)

// The writer closes stop when it finishes; the timeout branch closes it again and then fails the
// test: a double close only in a run that has already failed (nats' jetstream tests). Reported,
// as information.
func TestWriterTimeout(t *testing.T) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(stop)
		for i := 0; i < 200; i++ {
			time.Sleep(time.Millisecond)
		}
	}()
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		close(stop) // want "`close\\(stop\\)` and `close\\(stop\\)` at line 18 both close the channel, and the second close panics"
		t.Fatal("timeout")
	}
}

// The same close on the passing path: both closes run in every run, a warning.
func TestWriterDone(t *testing.T) {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		close(stop)
	}()
	<-done
	close(stop) // want "`close\\(stop\\)` and `close\\(stop\\)` at line 42 both close the channel, and the second close panics"
}
