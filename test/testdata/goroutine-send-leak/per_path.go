package fixtures

import (
	"context"
	"errors"
	"time"
)

type Row struct{ ID int }

func query(q string) ([]Row, error) { return nil, nil }

// Shape: a goroutine with one result channel per path, the caller selects on both and on a
// way to give up. Whichever send the goroutine reaches blocks once the caller has left.
func queryCtx(ctx context.Context, q string) ([]Row, error) {
	rowsc := make(chan []Row)
	errc := make(chan error)
	go func() {
		rows, err := query(q)
		if err != nil {
			errc <- err // want "`errc <- err` blocks forever: queryCtx stops receiving at line 31 \\(`case <-ctx\\.Done\\(\\)`\\)"
			return
		}
		rowsc <- rows // want "`rowsc <- rows` blocks forever: queryCtx stops receiving at line 31 \\(`case <-ctx\\.Done\\(\\)`\\)"
	}()
	select {
	case rows := <-rowsc:
		return rows, nil
	case err := <-errc:
		return nil, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func queryTimeout(q string) ([]Row, error) {
	rowsc := make(chan []Row)
	errc := make(chan error)
	go func() {
		rows, err := query(q)
		switch {
		case err != nil:
			errc <- err // want "queryTimeout stops receiving at line 53 \\(`case <-time.After\\(5 \\* time.Second\\)`\\)"
		default:
			rowsc <- rows // want "queryTimeout stops receiving at line 53"
		}
	}()
	select {
	case err := <-errc:
		return nil, err
	case rows := <-rowsc:
		return rows, nil
	case <-time.After(5 * time.Second):
		return nil, errors.New("query timed out")
	}
}

func runQuery(q string, rowsc chan<- []Row, errc chan<- error) {
	rows, err := query(q)
	if err != nil {
		errc <- err // want "`errc <- err` blocks forever: queryWorker stops receiving at line 76 \\(`case <-ctx\\.Done\\(\\)`\\)"
		return
	}
	rowsc <- rows // want "`rowsc <- rows` blocks forever: queryWorker stops receiving at line 76 \\(`case"
}

func queryWorker(ctx context.Context, q string) ([]Row, error) {
	rowsc := make(chan []Row)
	errc := make(chan error)
	go runQuery(q, rowsc, errc)
	select {
	case rows := <-rowsc:
		return rows, nil
	case err := <-errc:
		return nil, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Only the unbuffered channel can strand the goroutine.
func queryHalfBuffered(ctx context.Context, q string) ([]Row, error) {
	rowsc := make(chan []Row, 1)
	errc := make(chan error)
	go func() {
		rows, err := query(q)
		if err != nil {
			errc <- err // want "`errc <- err` blocks forever: queryHalfBuffered stops receiving at line 98 \\(`case"
			return
		}
		rowsc <- rows // ok: the buffer always has room for the one value
	}()
	select {
	case rows := <-rowsc:
		return rows, nil
	case err := <-errc:
		return nil, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Error first, then the data: a timeout on the error strands the goroutine at its first send;
// once the error has been received, the data is always read.
func queryErrorFirst(q string) ([]Row, error) {
	rowsc := make(chan []Row)
	errc := make(chan error)
	go func() {
		rows, err := query(q)
		errc <- err // want "queryErrorFirst stops receiving at line 121"
		if err != nil {
			return
		}
		rowsc <- rows // ok: read right after a nil error
	}()
	select {
	case err := <-errc:
		if err != nil {
			return nil, err
		}
	case <-time.After(time.Second):
		return nil, errors.New("timed out")
	}
	return <-rowsc, nil
}

// Look-alikes that cannot block.

func queryBuffered(ctx context.Context, q string) ([]Row, error) {
	rowsc := make(chan []Row, 1)
	errc := make(chan error, 1)
	go func() {
		rows, err := query(q)
		if err != nil {
			errc <- err // ok: buffered
			return
		}
		rowsc <- rows // ok: buffered
	}()
	select {
	case rows := <-rowsc:
		return rows, nil
	case err := <-errc:
		return nil, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func querySelectSends(ctx context.Context, q string) ([]Row, error) {
	rowsc := make(chan []Row)
	errc := make(chan error)
	go func() {
		rows, err := query(q)
		if err != nil {
			select {
			case errc <- err: // ok: gives up with the caller
			case <-ctx.Done():
			}
			return
		}
		select {
		case rowsc <- rows: // ok: gives up with the caller
		case <-ctx.Done():
		}
	}()
	select {
	case rows := <-rowsc:
		return rows, nil
	case err := <-errc:
		return nil, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func queryNoGiveUp(q string) ([]Row, error) {
	rowsc := make(chan []Row)
	errc := make(chan error)
	go func() {
		rows, err := query(q)
		if err != nil {
			errc <- err // ok: the caller waits for one of the two
			return
		}
		rowsc <- rows // ok: the caller waits for one of the two
	}()
	select {
	case rows := <-rowsc:
		return rows, nil
	case err := <-errc:
		return nil, err
	}
}

func queryErrorFirstNoTimeout(q string) ([]Row, error) {
	rowsc := make(chan []Row)
	errc := make(chan error)
	go func() {
		rows, err := query(q)
		errc <- err // ok: always received first
		if err != nil {
			return
		}
		rowsc <- rows // ok: received after a nil error
	}()
	if err := <-errc; err != nil {
		return nil, err
	}
	return <-rowsc, nil
}

func queryCloseOnSuccess(ctx context.Context, q string, out *[]Row) error {
	done := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		rows, err := query(q)
		if err != nil {
			errc <- err // ok: buffered
			return
		}
		*out = rows
		close(done)
	}()
	select {
	case <-done:
		return nil
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// The caller drains both channels in the background when it gives up.
func queryDrained(ctx context.Context, q string) ([]Row, error) {
	rowsc := make(chan []Row)
	errc := make(chan error)
	go func() {
		rows, err := query(q)
		if err != nil {
			errc <- err // ok: drained after a cancellation
			return
		}
		rowsc <- rows // ok: drained after a cancellation
	}()
	select {
	case rows := <-rowsc:
		return rows, nil
	case err := <-errc:
		return nil, err
	case <-ctx.Done():
		go func() {
			select {
			case <-rowsc:
			case <-errc:
			}
		}()
		return nil, ctx.Err()
	}
}
