package helpers

import (
	"testing"
	"time"

	"example.com/internal/testutil"
)

// ok: testutil.FatalStack ends the test like t.Fatal (etcd's kvstore test), so the second close
// runs only on the path where the first one did not.
func TestCompactRace(t *testing.T) {
	stopc, donec := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(donec)
		<-stopc
	}()
	select {
	case <-donec:
	case <-time.After(20 * time.Second):
		close(stopc)
		testutil.FatalStack(t, "timeout")
	}
	close(stopc) // ok
}

// A helper that only fails when asked to returns: reported.
func TestCompactRaceIf(t *testing.T) {
	stopc, donec := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(donec)
		<-stopc
	}()
	select {
	case <-donec:
	case <-time.After(20 * time.Second):
		close(stopc)
		testutil.FatalIf(t, true, "timeout")
	}
	close(stopc) // want "`close\\(stopc\\)` closes the channel again after `close\\(stopc\\)` at line 37: closing a closed channel panics"
}
