package fixtures

import (
	"context"
	"log"
	"sync"

	"golang.org/x/sync/errgroup"
)

type Report struct{ Lines int }

func buildReport(name string) Report { return Report{} }

// Nothing ever receives: the send can never complete.
func fireAndForget(name string) {
	done := make(chan Report)
	go func() {
		done <- buildReport(name) // want "`done <- buildReport\\(name\\)` blocks forever: fireAndForget never receives from `done`"
	}()
	log.Printf("report %s scheduled", name)
}

// The buffer is smaller than the number of senders and nothing receives.
func notifyBoth(name string) {
	acks := make(chan bool, 1)
	go func() { acks <- true }() // want "goroutines sending on `acks` can block forever: notifyBoth never receives from `acks`"
	go func() { acks <- false }()
}

// A goroutine literal inside a method, the spawner never reads the result.
type Service struct{ wg sync.WaitGroup }

func (s *Service) Reload(ctx context.Context) {
	errc := make(chan error)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		errc <- reload(ctx) // want "Reload never receives from `errc`"
	}()
}

func reload(ctx context.Context) error { return nil }

// ok: a buffer for the only sender; nobody needs to receive.
func fireAndForgetBuffered(name string) {
	done := make(chan Report, 1)
	go func() {
		done <- buildReport(name)
	}()
}

// ok: errgroup runs the closure; the channel is used inside code we do not follow.
func viaErrgroup(ctx context.Context, names []string) ([]Report, error) {
	g, ctx := errgroup.WithContext(ctx)
	out := make(chan Report)
	for _, n := range names {
		n := n
		g.Go(func() error {
			select {
			case out <- buildReport(n):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}
	go func() {
		g.Wait()
		close(out)
	}()
	var all []Report
	for r := range out {
		all = append(all, r)
	}
	return all, g.Wait()
}

// ok: main returning ends the program, goroutines included.
func main() {
	ch := make(chan int)
	go func() { ch <- 42 }()
}

// ok: a channel made in an outer function and used from a closure that runs later.
func deferredRead() func() Report {
	ch := make(chan Report)
	go func() { ch <- buildReport("late") }()
	return func() Report { return <-ch }
}

// ok: the select receives from two data channels; either goroutine's value may come first and the loop reads both.
func mergeTwo() (Report, Report) {
	a := make(chan Report)
	b := make(chan Report)
	go func() { a <- buildReport("a") }()
	go func() { b <- buildReport("b") }()
	var ra, rb Report
	for i := 0; i < 2; i++ {
		select {
		case ra = <-a:
		case rb = <-b:
		}
	}
	return ra, rb
}
