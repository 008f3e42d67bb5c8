package fixtures

import (
	"context"
	"errors"
	"time"
)

type Quote struct{ Price float64 }

func askExchange(symbol string) Quote { return Quote{} }

var errSlow = errors.New("exchange too slow")

func latestQuote(symbol string) (Quote, error) {
	ch := make(chan Quote)
	go func() {
		ch <- askExchange(symbol) // want "`ch <- askExchange\\(symbol\\)` blocks forever: latestQuote stops receiving at line 23 \\(`case"
	}()
	select {
	case q := <-ch:
		return q, nil
	case <-time.After(2 * time.Second):
		return Quote{}, errSlow
	}
}

func render(ctx context.Context, page string) (string, error) {
	out := make(chan string)
	go func() {
		out <- expensiveRender(page) // want "render stops receiving at line 36 \\(`case <-ctx.Done\\(\\)`\\)"
	}()
	select {
	case html := <-out:
		return html, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func expensiveRender(page string) string { return page }

// The timeout case does not return; the function carries on without the value.
func warmCache(keys []string) int {
	done := make(chan int)
	go func() {
		done <- preload(keys) // want "warmCache stops receiving at line 54 \\(`case <-timer.C`\\)"
	}()
	timer := time.NewTimer(time.Second)
	loaded := 0
	select {
	case n := <-done:
		loaded = n
	case <-timer.C:
	}
	return loaded
}

func preload(keys []string) int { return len(keys) }

// A non-blocking poll: if the result is not there yet, nobody will ever take it.
func tryResult(job func() error) (error, bool) {
	res := make(chan error)
	go func() {
		res <- job() // want "tryResult stops receiving at line 70 \\(`default`\\)"
	}()
	select {
	case err := <-res:
		return err, true
	default:
		return nil, false
	}
}

// ok: a buffer of one lets the goroutine deliver and exit even after the timeout.
func latestQuoteBuffered(symbol string) (Quote, error) {
	ch := make(chan Quote, 1)
	go func() {
		ch <- askExchange(symbol)
	}()
	select {
	case q := <-ch:
		return q, nil
	case <-time.After(2 * time.Second):
		return Quote{}, errSlow
	}
}

// ok: the goroutine's send also watches ctx.Done(), so it can leave when the caller does.
func renderWatching(ctx context.Context, page string) (string, error) {
	out := make(chan string)
	go func() {
		select {
		case out <- expensiveRender(page):
		case <-ctx.Done():
		}
	}()
	select {
	case html := <-out:
		return html, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// ok: the timeout only logs and the function then waits for the value anyway.
func patientRender(page string) string {
	out := make(chan string)
	go func() {
		out <- expensiveRender(page)
	}()
	select {
	case html := <-out:
		return html
	case <-time.After(time.Second):
		println("render is slow, still waiting")
	}
	return <-out
}

// ok: a ticker case inside a loop only reports progress; the only way out is the value.
func waitWithProgress(page string) string {
	out := make(chan string)
	go func() {
		out <- expensiveRender(page)
	}()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case html := <-out:
			return html
		case <-tick.C:
			println("still rendering")
		}
	}
}

type waitResult struct{ code int }

func waitProcess() *waitResult { return &waitResult{} }

func handleWait(ch chan *waitResult) {
	ch <- waitProcess() // want "`ch <- waitProcess\\(\\)` can run after `close\\(waitCh\\)` and panic: execWithDeadline stops"
}

// The starter closes the channel on its way out (nomad executor): after the timeout the late
// send panics. No buffer is offered, as a buffered channel that is closed panics all the same.
func execWithDeadline(deadline time.Time) (int, error) {
	waitCh := make(chan *waitResult)
	defer close(waitCh)
	go handleWait(waitCh)
	select {
	case r := <-waitCh:
		return r.code, nil
	case <-time.After(time.Until(deadline)):
		return 0, context.DeadlineExceeded
	}
}
