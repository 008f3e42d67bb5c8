package testsend

import "testing"

func TestDrain(t *testing.T) {
	r := newRequeuer()
	r.start()
	r.drain()
	r.stop()
}
