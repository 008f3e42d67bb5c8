package fixtures

import (
	"testing"
	"time"

	"github.com/stretchr/testify/suite"
)

type markSuite struct {
	suite.Suite
}

func TestMarkSuite(t *testing.T) { suite.Run(t, new(markSuite)) }

type marker struct {
	unblock chan struct{}
	started chan struct{}
}

// ok: the timeout branch closes unblock and ends the test with the suite's FailNow (temporal's
// SDK tests), so the close after the select runs only where the first did not.
func (s *markSuite) TestSecondMark() {
	m := &marker{unblock: make(chan struct{}), started: make(chan struct{})}
	go func() { <-m.unblock }()
	select {
	case <-m.started:
	case <-time.After(time.Second):
		close(m.unblock)
		s.FailNow("second mark blocked behind the first")
	}
	close(m.unblock) // ok
}

// Fail only records the failure: the close after the select runs after the first one too.
func (s *markSuite) TestSecondMarkGoesOn() {
	m := &marker{unblock: make(chan struct{}), started: make(chan struct{})}
	go func() { <-m.unblock }()
	select {
	case <-m.started:
	case <-time.After(time.Second):
		close(m.unblock)
		s.Fail("second mark blocked behind the first")
	}
	close(m.unblock) // want "`close\\(m.unblock\\)` closes the channel again after `close\\(m.unblock\\)` at line 42: closing a closed channel panics"
}
