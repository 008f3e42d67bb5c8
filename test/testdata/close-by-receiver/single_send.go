package fixtures

import (
	"errors"
	"time"
)

// waitResult closes the channel once it has received the one value its caller sends (lnd's
// htlcswitch test helper waitForPaymentResult).
func waitResult(c chan error, d time.Duration) error {
	select {
	case err := <-c:
		close(c) // ok
		return err
	case <-time.After(d):
		return errors.New("not settled in time")
	}
}

// ok: the goroutine sends once, and that value is what waitResult received before its close.
func payAndWait(pay func() error) error {
	errChan := make(chan error)
	go func() {
		errChan <- pay()
	}()
	return waitResult(errChan, time.Second)
}
