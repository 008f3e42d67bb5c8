package container

import (
	"bufio"
	"io"
	"strings"
)

type streams struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// attach copies both directions and returns on the first error, leaving the other copier blocked.
func attach(cin io.Writer, cout io.Reader, s streams) error {
	errs := make(chan error)
	go func() {
		_, err := io.Copy(cin, s.stdin)
		errs <- err // want "block forever"
	}()
	go func() {
		_, err := io.Copy(s.stdout, cout)
		errs <- err
	}()
	if err := <-errs; err != nil {
		return err
	}
	return <-errs
}

// ok: both results are always received.
func attachFixed(cin io.Writer, cout io.Reader, s streams) error {
	errs := make(chan error, 2)
	go func() {
		_, err := io.Copy(cin, s.stdin)
		errs <- err
	}()
	go func() {
		_, err := io.Copy(s.stdout, cout)
		errs <- err
	}()
	err1 := <-errs
	err2 := <-errs
	if err1 != nil {
		return err1
	}
	return err2
}

// headLines reads the first n lines of a log; it closes the channel the scanner goroutine sends on.
func headLines(r io.Reader, n int) []string {
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var out []string
	for l := range lines {
		out = append(out, l)
		if len(out) == n {
			close(lines) // want "receiver|sender|sends on"
			break
		}
	}
	return out
}

// ok: the producer owns and closes the channel; the reader drains a done signal instead.
func headLinesFixed(r io.Reader, n int) []string {
	lines := make(chan string)
	done := make(chan struct{})
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-done:
				return
			}
		}
	}()
	defer close(done)
	var out []string
	for l := range lines {
		out = append(out, strings.TrimSpace(l))
		if len(out) == n {
			break
		}
	}
	return out
}
