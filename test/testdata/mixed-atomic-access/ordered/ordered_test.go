package fixtures

import "testing"

func TestReset(t *testing.T) {
	m := &Meter{}
	m.reset()
	if m.Next() != 1 {
		t.Fatal("sequence does not start at 1")
	}
}
