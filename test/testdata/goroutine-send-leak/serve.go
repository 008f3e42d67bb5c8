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
