package fixtures

import (
	"context"
	"database/sql"
	"errors"
	"log"
	"sync"
	"time"
)

type Row struct{ Name string }

func queryRow(ctx context.Context, db *sql.DB, id int) (*Row, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second) // want "`return &r, nil` at line \\d+ leaves without calling `cancel`: the context lives"
	var r Row
	err := db.QueryRowContext(ctx, "SELECT name FROM t WHERE id = ?", id).Scan(&r.Name)
	if err != nil {
		cancel()
		return nil, err
	}
	return &r, nil
}

func earlyReturn(parent context.Context, db *sql.DB) error {
	ctx, cancel := context.WithCancel(parent) // want "`return errors\\.New\\(\"no db\"\\)` at line \\d+ leaves without calling `cancel`: the context lives until `parent` is cancelled"
	if db == nil {
		return errors.New("no db")
	}
	defer cancel()
	return db.PingContext(ctx)
}

func conditionalDefer(parent context.Context, db *sql.DB, limit time.Duration) {
	ctx, cancel := context.WithTimeout(parent, limit) // want "`conditionalDefer` can end without calling `cancel`: the context lives until its deadline or `parent` ends"
	if limit > time.Second {
		defer cancel()
	}
	log.Println(db.PingContext(ctx))
}

func switchPaths(parent context.Context, db *sql.DB, mode string) error {
	ctx, cancel := context.WithCancel(parent) // want "`return nil` at line \\d+ leaves without calling `cancel`: the context lives"
	switch mode {
	case "ping":
		defer cancel()
		return db.PingContext(ctx)
	case "stats":
		cancel()
		_ = db.Stats()
	}
	return nil
}

type worker struct {
	mu   sync.Mutex
	busy bool
}

func (w *worker) run(parent context.Context, jobs <-chan int) error {
	ctx, cancel := context.WithCancel(parent) // want "`return nil` at line \\d+ leaves without calling `cancel`: the context lives"
	w.mu.Lock()
	busy := w.busy
	w.mu.Unlock()
	if busy {
		return nil
	}
	defer cancel()
	for j := range jobs {
		if err := process(ctx, j); err != nil {
			return err
		}
	}
	return nil
}

func process(ctx context.Context, j int) error {
	_ = j
	return ctx.Err()
}

func neverCalled(parent context.Context) error {
	var cancel context.CancelFunc
	var ctx context.Context
	ctx, cancel = context.WithTimeout(parent, time.Second) // want "`cancel` from `context\\.WithTimeout` is never called: the context lives"
	return process(ctx, 1)
}

// ok: every path calls cancel before leaving.
func allPaths(parent context.Context, db *sql.DB) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	if err := db.PingContext(ctx); err != nil {
		cancel()
		return err
	}
	cancel()
	return nil
}

// ok: cancel escapes to the caller on the success path; the error path cancels.
func open(parent context.Context, db *sql.DB) (context.Context, func(), error) {
	ctx, cancel := context.WithCancel(parent)
	if err := db.PingContext(ctx); err != nil {
		cancel()
		return nil, nil, err
	}
	return ctx, cancel, nil
}

type session struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// ok: stored in a struct: whoever owns the session cancels it.
func newSession(parent context.Context) *session {
	ctx, cancel := context.WithCancel(parent)
	return &session{ctx: ctx, cancel: cancel}
}

// ok: stored in a field directly.
func (s *session) restart(parent context.Context) {
	s.ctx, s.cancel = context.WithCancel(parent)
}

// ok: a goroutine calls cancel when the work is done.
func background(parent context.Context, done <-chan struct{}) context.Context {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		<-done
		cancel()
	}()
	return ctx
}

// ok: a deferred closure declared before the assignment calls whatever cancel holds.
func deferredClosure(parent context.Context, timeout time.Duration) error {
	ctx := parent
	var cancel context.CancelFunc
	defer func() {
		if cancel != nil {
			cancel()
		}
	}()
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, timeout)
	}
	return process(ctx, 2)
}

// ok: the nil check in the if condition uses cancel on every path.
func nilChecked(parent context.Context, timeout time.Duration) error {
	ctx := parent
	var cancel context.CancelFunc
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, timeout)
	}
	if cancel != nil {
		defer cancel()
	}
	return process(ctx, 3)
}

// ok: passed to a helper that takes ownership.
func handOff(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	register(ctx, cancel)
}

func register(ctx context.Context, cancel context.CancelFunc) {
	_ = ctx
	cancel()
}

// ok: the loop body calls cancel on each pass; the return inside the loop is after it.
func perItem(parent context.Context, ids []int) error {
	for _, id := range ids {
		ctx, cancel := context.WithTimeout(parent, time.Second)
		err := process(ctx, id)
		cancel()
		if err != nil {
			return err
		}
	}
	return nil
}

// ok: the early return happens on a panic path only.
func mustPing(parent context.Context, db *sql.DB) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	if db == nil {
		panic("nil db")
	}
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		log.Fatal(err)
	}
}

// ok: named results are returned by the bare return.
func namedResults(parent context.Context) (ctx context.Context, cancel context.CancelFunc) {
	ctx, cancel = context.WithCancel(parent)
	return
}

// The loop cancels when the input ends, but the error return in the same loop does not.
func loopCarried(parent context.Context, in <-chan int) error {
	ctx, cancel := context.WithCancel(parent) // want "`return errors\\.New\\(\"negati\\.\\.\\.` at line \\d+ \\(and 1 more exit\\) leaves without calling `cancel`"
	for {
		select {
		case v, ok := <-in:
			if !ok {
				cancel()
				return nil
			}
			if v < 0 {
				return errors.New("negative")
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

var cache = map[string]string{}

// ok: the parent carries values only and is never cancelled, so a child without a deadline is
// not attached to anything: the path that skips cancel leaves nothing behind.
func lookupCached(key string, fetch func(context.Context, string) string) string {
	base := context.WithValue(context.TODO(), ctxKey{}, "proxy")
	ctx, cancel := context.WithCancel(base)
	if v, ok := cache[key]; ok {
		return v
	}
	defer cancel()
	return fetch(ctx, key)
}

type ctxKey struct{}
