package engine

import "context"

type execReq struct {
	stmt string
	rows chan []string
}

// Engine runs statements on one goroutine; it stops with the context it was started with.
type Engine struct {
	execc chan *execReq
	db    map[string][]string
	ready bool
}

func (e *Engine) Run(ctx context.Context) {
loop:
	for {
		select {
		case r := <-e.execc:
			if !e.ready {
				break loop
			}
			r.rows <- e.db[r.stmt]
		case <-ctx.Done():
			return
		}
	}
	e.db = nil
}
