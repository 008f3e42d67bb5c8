package release

import "testing"

// ok: expire defers the unlock getMutex returns, so the second call finds the mutex free.
func TestExpireTwice(t *testing.T) {
	l := &locker{locks: map[string]int{"a": 1}}
	l.expire()
	l.expire() // ok
}

func TestSizeTwice(t *testing.T) {
	l := &locker{locks: map[string]int{}}
	l.size()
	if l.size() != 0 { // want "`l.size\\(\\)` locks `l.mu` again"
		t.Fatal("not empty")
	}
}
