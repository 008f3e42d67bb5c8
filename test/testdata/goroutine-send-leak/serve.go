package fixtures

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Serve's error is sent only when it is not http.ErrServerClosed, and Run shuts the server down
// once it stops receiving: the send blocks only if serving fails on its own in the same instant
// (tailscale's API proxy). Reported, as information.
func Run(ctx context.Context, hs *http.Server, ln net.Listener) error {
	errs := make(chan error)
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs <- fmt.Errorf("serving: %w", err) // want "`errs <- fmt\\.Errorf\\(\"servi\\.\\.\\.` blocks forever: Run stops receiving at line 23 \\(`case"
		}
	}()
	select {
	case <-ctx.Done():
	case err := <-errs:
		hs.Close()
		return err
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return hs.Shutdown(shutdownCtx)
}

// Every error of Serve is sent, and nothing stops the server when ctx ends: a warning.
func RunUnfiltered(ctx context.Context, hs *http.Server, ln net.Listener) error {
	errs := make(chan error)
	go func() {
		errs <- hs.Serve(ln) // want "`errs <- hs\\.Serve\\(ln\\)` blocks forever: RunUnfiltered stops receiving at line 40 \\(`case"
	}()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case err := <-errs:
		return err
	}
}

// A first select waits a moment for an early failure, a second one until ctx ends; then the
// server is shut down and the function returns (navidrome). The send is filtered the same way:
// information, and the stop named is where the function gave up for good.
func RunAfterStartup(ctx context.Context, server *http.Server, listener net.Listener) error {
	errC := make(chan error)
	go func() {
		err := server.Serve(listener)
		if !errors.Is(err, http.ErrServerClosed) {
			errC <- err // want "`errC <- err` blocks forever: RunAfterStartup stops receiving at line 66 \\(`case <-ctx\\.Done\\(\\)`\\)"
		}
	}()
	select {
	case err := <-errC:
		return fmt.Errorf("starting server: %w", err)
	case <-time.After(50 * time.Millisecond):
	}
	select {
	case err := <-errC:
		return fmt.Errorf("running server: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil {
		return err
	}
	return nil
}

// The same, but the server is shut down only when the second select sees an error: when ctx ends
// nothing stops it, and a later failure of Serve blocks the goroutine. A warning.
func RunStopOnError(ctx context.Context, server *http.Server, listener net.Listener) error {
	errC := make(chan error)
	go func() {
		err := server.Serve(listener)
		if !errors.Is(err, http.ErrServerClosed) {
			errC <- err // want "`errC <- err` blocks forever: RunStopOnError stops receiving at line 95 \\(`case <-ctx\\.Done\\(\\)`\\)"
		}
	}()
	select {
	case err := <-errC:
		return fmt.Errorf("starting server: %w", err)
	case <-time.After(50 * time.Millisecond):
	}
	select {
	case err := <-errC:
		server.Close()
		return fmt.Errorf("running server: %w", err)
	case <-ctx.Done():
	}
	return nil
}

// A deferred Close stops the server at the return: information.
func RunDeferredClose(ctx context.Context, server *http.Server, listener net.Listener) error {
	defer server.Close()
	errC := make(chan error)
	go func() {
		if err := server.Serve(listener); err != http.ErrServerClosed {
			errC <- err // want "`errC <- err` blocks forever: RunDeferredClose stops receiving at line 112 \\(`case <-ctx\\.Done\\(\\)`\\)"
		}
	}()
	select {
	case err := <-errC:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
