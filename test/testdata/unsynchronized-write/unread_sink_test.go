package fixtures

import (
	"errors"
	"testing"
)

type metric struct{ name string }

type collector interface {
	Update(ch chan<- metric) error
}

func gatherAndCompare() error { return errors.New("mismatch") }

// ok: Update sends on a channel nothing reads, so it blocks at its first send and the write of
// err never happens; the test checks through another path (node_exporter's collector tests).
func TestCollectorUnread(t *testing.T, c collector) {
	var err error
	sink := make(chan metric)
	go func() {
		err = c.Update(sink) // ok
		if err != nil {
			panic(err)
		}
		close(sink)
	}()
	err = gatherAndCompare()
	if err != nil {
		t.Fatal(err)
	}
}

func drain(ch <-chan metric) {
	for range ch {
	}
}

// When something drains the channel, Update returns and its err races with the test's own.
func TestCollectorDrained(t *testing.T, c collector) {
	var err error
	sink := make(chan metric)
	go drain(sink)
	go func() {
		err = c.Update(sink) // want "`err = c.Update\\(sink\\)` in a goroutine runs concurrently with the write of `err` at line 48: a data race"
		close(sink)
	}()
	err = gatherAndCompare()
	if err != nil {
		t.Fatal(err)
	}
}
