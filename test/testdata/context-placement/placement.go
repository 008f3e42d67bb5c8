package fixtures

import (
	"context"
	"io"
	"net/http"
	"sync"
)

func lookup(id string, ctx context.Context) (string, error) { // want "`ctx context\\.Context` is parameter 2 of `lookup`: Go convention passes the context first"
	return id, ctx.Err()
}

type client struct{ hc *http.Client }

func (c *client) Get(url string, headers map[string]string, ctx context.Context) (*http.Response, error) { // want "is parameter 3 of `Get`"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return c.hc.Do(req)
}

type Fetcher interface {
	Fetch(key string, ctx context.Context) ([]byte, error) // want "is parameter 2 of `Fetch`"
}

func copyAll(dst io.Writer, src io.Reader, _ context.Context) error { // want "`_ context.Context` is parameter 3 of `copyAll`"
	_, err := io.Copy(dst, src)
	return err
}

type job struct {
	ctx  context.Context // want "struct `job` stores a `context\\.Context` in field `ctx`: pass it to each call instead, for a deadline per call"
	name string
}

type request struct {
	mu      sync.Mutex
	reqCtx  context.Context // want "field `reqCtx`"
	payload []byte
}

func spawn(ctx context.Context) {
	state := struct {
		ctx  context.Context // want "this struct stores a `context.Context` in field `ctx`"
		done bool
	}{ctx: ctx}
	_ = state
}

type handler struct {
	parent, child context.Context // want "field `parent`" "field `child`"
}

// ok: the context comes first.
func fetch(ctx context.Context, id string) (string, error) {
	return id, ctx.Err()
}

// ok: a method with the context right after the receiver.
func (c *client) Head(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, url, nil)
	if err != nil {
		return err
	}
	_, err = c.hc.Do(req)
	return err
}

// ok: a function literal's parameters follow the signature it is passed to.
var onEvent = func(name string, ctx context.Context) { _ = ctx }

// ok: only one parameter.
func watch(ctx context.Context) { <-ctx.Done() }

// ok: embedding context.Context is how a type wraps a context.
type valueCtx struct {
	context.Context
	key, val any
}

// ok: the struct owns a context together with its cancel function (a component's lifetime).
type service struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// ok: a pointer to a request is not a context.
type wrapper struct {
	req *http.Request
}

// ok: no context parameters at all.
func plain(a, b int) int { return a + b }

// ok: an operation object that hands its context out through Context().
type call struct {
	ctx    context.Context
	method string
}

func (c *call) Context() context.Context { return c.ctx }

// ok: a type that implements context.Context by delegating.
type detached struct {
	parent context.Context
}

func (d detached) Value(key any) any { return d.parent.Value(key) }
