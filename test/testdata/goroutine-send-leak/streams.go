package fixtures

import (
	"bufio"
	"context"
	"io"
	"strings"
	"time"
)

// A producer that sends every line; the consumer stops at the first match.
func containsWord(r io.Reader, word string) bool {
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text() // want "`lines <- sc\\.Text\\(\\)` blocks forever: containsWord stops receiving at line 25 while the"
		}
		close(lines)
	}()
	found := false
	for l := range lines {
		if strings.Contains(l, word) {
			found = true
			break
		}
	}
	return found
}

// An endless generator read a fixed number of times.
func firstTicks(n int) []time.Time {
	ticks := make(chan time.Time)
	go func() {
		for {
			ticks <- time.Now() // want "`ticks <- time\\.Now\\(\\)` blocks forever: firstTicks receives only 5 values but the goroutine"
			time.Sleep(time.Millisecond)
		}
	}()
	var out []time.Time
	for i := 0; i < 5; i++ {
		out = append(out, <-ticks)
	}
	return out
}

// A consumer loop that gives up on cancellation while the producer keeps sending.
func drainUntilCancel(ctx context.Context, src []int) int {
	vals := make(chan int)
	go func() {
		for _, v := range src {
			vals <- v // want "drainUntilCancel stops receiving at line 64 \\(`case <-ctx.Done\\(\\)`\\)"
		}
		close(vals)
	}()
	sum := 0
	for {
		select {
		case v, ok := <-vals:
			if !ok {
				return sum
			}
			sum += v
		case <-ctx.Done():
			return sum
		}
	}
}

// ok: the consumer reads until the producer closes the channel.
func countLines(r io.Reader) int {
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	n := 0
	for range lines {
		n++
	}
	return n
}

// ok: the producer ends with a sentinel the consumer stops on; it has nothing left to send.
func untilSentinel(items []string) []string {
	ch := make(chan string)
	go func() {
		for _, it := range items {
			ch <- it
		}
		ch <- ""
	}()
	var out []string
	for {
		s := <-ch
		if s == "" {
			return out
		}
		out = append(out, s)
	}
}

// ok: the producer watches ctx on every send.
func generate(ctx context.Context) []int {
	nums := make(chan int)
	go func() {
		for i := 0; ; i++ {
			select {
			case nums <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var out []int
	for i := 0; i < 3; i++ {
		out = append(out, <-nums)
	}
	return out
}

// ok: the receive loop has a comma-ok check; a closed channel means the producer is done.
func readAll(src []int) []int {
	vals := make(chan int)
	go func() {
		for _, v := range src {
			vals <- v
		}
		close(vals)
	}()
	var out []int
	for {
		v, ok := <-vals
		if !ok {
			return out
		}
		out = append(out, v)
	}
}
