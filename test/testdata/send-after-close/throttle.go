package fixtures

// Throttle stands for a group of another library (badger's y.Throttle): Do before each
// goroutine, Done(err) as it leaves, Finish waits for them all. Its workings are not in view.
type Throttle interface {
	Do() error
	Done(err error)
	Finish() error
}

func check(v int) error { return nil }

// ok: every sender leaves with th.Done, and th.Finish runs before the close (dgraph's index tests).
func checkAll(th Throttle, values []int) []error {
	ch := make(chan error, len(values))
	for _, v := range values {
		th.Do()
		go func(v int) {
			defer th.Done(nil)
			if err := check(v); err != nil {
				ch <- err
			}
		}(v)
	}
	th.Finish()
	close(ch)
	var errs []error
	for err := range ch {
		errs = append(errs, err)
	}
	return errs
}

// The same senders, with the close before anything is waited for.
func checkAllEarly(th Throttle, values []int) []error {
	ch := make(chan error, len(values))
	for _, v := range values {
		go func(v int) {
			defer th.Done(nil)
			if err := check(v); err != nil {
				ch <- err
			}
		}(v)
	}
	close(ch) // want "`close\\(ch\\)` does not wait for the goroutine that sends `ch <- err`"
	var errs []error
	for err := range ch {
		errs = append(errs, err)
	}
	return errs
}
