package teststop

import "testing"

func TestClose(t *testing.T) {
	c := &client{handlers: []*handler{newHandler()}}
	c.close()
}
