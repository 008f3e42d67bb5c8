package fixtures

import "time"

// ok: each close is of the channel the last notification handed over (lnd's gossiper test,
// where `case offline = <-notifyOffline:` takes a fresh channel before the second close).
func reconnectTwice(notifyOffline <-chan chan struct{}) {
	var offline chan struct{}
	select {
	case offline = <-notifyOffline:
	case <-time.After(time.Second):
		return
	}
	close(offline)
	select {
	case offline = <-notifyOffline:
	case <-time.After(time.Second):
		return
	}
	close(offline) // ok
}

// A notification received into another variable leaves the channel as it was: the second close panics.
func reconnectOnce(offline chan struct{}, notifyOffline <-chan chan struct{}) {
	var next chan struct{}
	close(offline)
	select {
	case next = <-notifyOffline:
	case <-time.After(time.Second):
		return
	}
	_ = next
	close(offline) // want "`close\\(offline\\)` closes the channel again after `close\\(offline\\)` at line 26: closing a closed channel panics"
}
