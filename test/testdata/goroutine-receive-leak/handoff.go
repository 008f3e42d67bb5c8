package fixtures

import (
	"errors"
	"os"
)

type Doc struct{ Body []byte }

// Error first, then the data: the goroutine returns without sending the data only after a
// non-nil error, and the caller reads the data only after a nil one.

func loadDoc(path string) (Doc, error) {
	docc := make(chan Doc)
	errc := make(chan error)
	go func() {
		b, err := os.ReadFile(path)
		errc <- err
		if err != nil {
			return
		}
		docc <- Doc{Body: b}
	}()
	if err := <-errc; err != nil {
		return Doc{}, err
	}
	return <-docc, nil // ok: read only after a nil error, which the goroutine follows with the doc
}

func loadDocCase(path string, quit chan struct{}) (Doc, error) {
	docc := make(chan Doc)
	errc := make(chan error)
	go func() {
		b, err := os.ReadFile(path)
		errc <- err
		if err == nil {
			docc <- Doc{Body: b}
		}
	}()
	select {
	case err := <-errc:
		if err != nil {
			return Doc{}, err
		}
	case <-quit:
		return Doc{}, errors.New("quit")
	}
	return <-docc, nil // ok: the goroutine sends the doc exactly when the error was nil
}

func loadFlag(path string) []byte {
	datac := make(chan []byte)
	okc := make(chan bool)
	go func() {
		b, err := os.ReadFile(path)
		ok := err == nil
		okc <- ok
		if !ok {
			return
		}
		datac <- b
	}()
	if ok := <-okc; !ok {
		return nil
	}
	return <-datac // ok: the flag said the data follows
}

// The caller does not look at the error, or the goroutine changes its mind after sending it.

func loadIgnoringError(path string) Doc {
	docc := make(chan Doc)
	errc := make(chan error)
	go func() {
		b, err := os.ReadFile(path)
		errc <- err
		if err != nil {
			return
		}
		docc <- Doc{Body: b}
	}()
	<-errc
	return <-docc // want "`<-docc` blocks forever when the sending goroutine returns"
}

func loadRechecked(path string) (Doc, error) {
	docc := make(chan Doc)
	errc := make(chan error)
	go func() {
		b, err := os.ReadFile(path)
		errc <- err
		if err == nil && len(b) == 0 {
			err = errors.New("empty")
		}
		if err != nil {
			return
		}
		docc <- Doc{Body: b}
	}()
	if err := <-errc; err != nil {
		return Doc{}, err
	}
	return <-docc, nil // want "returns at line 96"
}

func loadOtherSender(path string, errc chan error) (Doc, error) {
	docc := make(chan Doc)
	go func() {
		b, err := os.ReadFile(path)
		errc <- err
		if err != nil {
			return
		}
		docc <- Doc{Body: b}
	}()
	if err := <-errc; err != nil {
		return Doc{}, err
	}
	return <-docc, nil // want "returns at line 112"
}
