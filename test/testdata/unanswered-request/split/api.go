package engine

import "context"

func (e *Engine) Query(ctx context.Context, stmt string) ([]string, error) {
	r := &execReq{stmt: stmt, rows: make(chan []string, 1)}
	select {
	case e.execc <- r:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return <-r.rows, nil // want "`<-r.rows` blocks forever if `Run` takes this request and returns without replying \\(loop.go:23\\)"
}

// ok: the caller gives up with its own context too.
func (e *Engine) QueryCtx(ctx context.Context, stmt string) ([]string, error) {
	r := &execReq{stmt: stmt, rows: make(chan []string, 1)}
	select {
	case e.execc <- r:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case rows := <-r.rows: // ok
		return rows, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
