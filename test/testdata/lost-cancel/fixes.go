package fixtures

import (
	"context"
	"net/http"
	"os/exec"
	"time"
)

// The response body is read by the caller after return: cancelling at return would break it,
// so no fix is offered.
func get(url string) (*http.Response, error) {
	ctx, _ := context.WithTimeout(context.Background(), 5*time.Second) // want "`_` discards the cancel function"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return http.DefaultClient.Do(req)
}

// The command keeps running after return; no fix.
func launch(name string) error {
	ctx, _ := context.WithTimeout(context.Background(), time.Hour) // want "`_` discards the cancel function"
	cmd := exec.CommandContext(ctx, name)
	return cmd.Start()
}

// The done channel is watched by someone else; no fix.
func watchUntil(d time.Duration, watch func(<-chan struct{})) {
	ctx, _ := context.WithTimeout(context.Background(), d) // want "`_` discards the cancel function"
	watch(ctx.Done())
}

type routeStats struct{ subscribers []chan context.Context }

func (s *routeStats) Publish(ctx context.Context, route string) {
	for _, sub := range s.subscribers {
		sub <- ctx
	}
}

// The context travels with the published message to the subscribers (Xray's TestRoute): no fix.
func testRoute(s *routeStats, route string) {
	ctx, _ := context.WithTimeout(context.Background(), 4*time.Second) // want "`_` discards the cancel function"
	s.Publish(ctx, route)
}

type poller struct{ ctx context.Context }

// A value derived from the context is stored; no fix.
func (p *poller) arm(parent context.Context) {
	ctx, _ := context.WithCancel(parent) // want "`_` discards the cancel function"
	p.ctx = context.WithValue(ctx, pollerKey{}, p)
}

type pollerKey struct{}

// Plain results and only synchronous use: the fix applies.
func status(parent context.Context, url string) (int, error) {
	ctx, _ := context.WithTimeout(parent, time.Second) // want "`_` discards the cancel function"
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

type Snapshot struct{ Rows int }

type store struct {
	snap Snapshot
	ping func(context.Context) error
}

// A struct result that holds nothing built from the context (the error is only a value): the fix applies.
func (s *store) Snapshot(parent context.Context) (Snapshot, error) {
	ctx, _ := context.WithTimeout(parent, time.Second) // want "`_` discards the cancel function"
	if err := s.ping(ctx); err != nil {
		return Snapshot{}, err
	}
	return s.snap, nil
}

// The returned response is built from the context: no fix.
func (s *store) fetch(parent context.Context, url string) (*http.Response, error) {
	ctx, _ := context.WithTimeout(parent, time.Second) // want "`_` discards the cancel function"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	return resp, err
}

// Named results of a type that can hold the context: no fix.
func (s *store) open(parent context.Context) (snap Snapshot, err error) {
	ctx, _ := context.WithTimeout(parent, time.Second) // want "`_` discards the cancel function"
	err = s.ping(ctx)
	return
}
