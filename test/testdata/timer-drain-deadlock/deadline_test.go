package fixtures

import (
	"testing"
	"time"
)

// The deferred drain runs after the timeout case took the timer's value: the failing test hangs
// instead of ending (etcd's listener tests). Reported, as information.
func TestAcceptOrTimeout(t *testing.T) {
	accepted := make(chan struct{}, 1)
	go func() { accepted <- struct{}{} }()
	timer := time.NewTimer(5 * time.Second)
	defer func() {
		if !timer.Stop() {
			<-timer.C // want "after `timer.C` was received at line 21"
		}
	}()
	select {
	case <-accepted:
	case <-timer.C:
		t.Error("timed out")
	}
}
