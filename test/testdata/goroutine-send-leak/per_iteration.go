package fixtures

import (
	"context"
	"log"
	"time"
)

type Server struct{ Addr string }

func (s Server) Ping() error { return nil }

// A fresh channel per server; when the timeout wins, the loop moves on and the pinger is stranded.
func healthCheck(servers []Server) []string {
	var healthy []string
	for _, s := range servers {
		res := make(chan error)
		go func() {
			res <- s.Ping() // want "`res <- s\\.Ping\\(\\)` blocks forever: healthCheck stops receiving at line 26 \\(`case"
		}()
		select {
		case err := <-res:
			if err == nil {
				healthy = append(healthy, s.Addr)
			}
		case <-time.After(500 * time.Millisecond):
			log.Printf("%s: no answer", s.Addr)
		}
	}
	return healthy
}

// The same with an explicit continue on the timeout.
func healthCheckContinue(ctx context.Context, servers []Server) int {
	up := 0
	for _, s := range servers {
		res := make(chan error)
		go func(s Server) {
			res <- s.Ping() // want "healthCheckContinue stops receiving at line 46 \\(`case <-ctx.Done\\(\\)`\\)"
		}(s)
		select {
		case err := <-res:
			if err != nil {
				continue
			}
		case <-ctx.Done():
			continue
		}
		up++
	}
	return up
}

// A skip between starting the goroutine and reading its answer.
func pingUntrusted(servers []Server, trusted map[string]bool) {
	for _, s := range servers {
		res := make(chan error)
		go func(s Server) { res <- s.Ping() }(s) // want "`res <- s\\.Ping\\(\\)` blocks forever: pingUntrusted can skip to the next iteration at line 60"
		if !trusted[s.Addr] {
			continue
		}
		if err := <-res; err != nil {
			log.Print(err)
		}
	}
}

// ok: a buffer of one per iteration; the pinger always finishes.
func healthCheckBuffered(servers []Server) []string {
	var healthy []string
	for _, s := range servers {
		res := make(chan error, 1)
		go func() {
			res <- s.Ping()
		}()
		select {
		case err := <-res:
			if err == nil {
				healthy = append(healthy, s.Addr)
			}
		case <-time.After(500 * time.Millisecond):
		}
	}
	return healthy
}

// ok: every iteration waits for its own answer before going on.
func pingInTurn(servers []Server) int {
	failed := 0
	for _, s := range servers {
		res := make(chan error)
		go func() { res <- s.Ping() }()
		if err := <-res; err != nil {
			failed++
			continue
		}
	}
	return failed
}
