package container

import (
	"context"
	"errors"
	"io"
	"time"
)

type execConfig struct {
	ID      string
	Cmd     []string
	Timeout time.Duration
}

type Daemon struct {
	attachExec func(ctx context.Context, id string, w io.Writer) error
	startExec  func(ctx context.Context, cfg execConfig) (int, error)
	output     chan []byte
}

var errExecFailed = errors.New("container: exec failed")

// ContainerExecStart starts an exec; the attach does not follow the request's context.
func (d *Daemon) ContainerExecStart(ctx context.Context, cfg execConfig, w io.Writer) error {
	if err := d.attachExec(context.Background(), cfg.ID, w); err != nil { // want "context.Background\\(\\)"
		return err
	}
	_, err := d.startExec(ctx, cfg)
	return err
}

// ok: the caller's context is passed down.
func (d *Daemon) ContainerExecStartFixed(ctx context.Context, cfg execConfig, w io.Writer) error {
	if err := d.attachExec(ctx, cfg.ID, w); err != nil {
		return err
	}
	_, err := d.startExec(ctx, cfg)
	return err
}

// execWithTimeout never calls cancel.
func (d *Daemon) execWithTimeout(parent context.Context, cfg execConfig) (int, error) {
	ctx, cancel := context.WithCancel(parent) // want "cancel"
	timer := time.AfterFunc(cfg.Timeout, func() {})
	defer timer.Stop()
	code, err := d.startExec(ctx, cfg)
	if err != nil {
		return -1, err
	}
	if code != 0 {
		return code, errExecFailed
	}
	_ = cancel
	return 0, nil
}

// ok: timeout context released by defer.
func (d *Daemon) execWithTimeoutFixed(parent context.Context, cfg execConfig) (int, error) {
	ctx, cancel := context.WithTimeout(parent, cfg.Timeout)
	defer cancel()
	return d.startExec(ctx, cfg)
}

// idleWatch resets an idle timeout on every chunk, allocating a new timer per chunk.
func (d *Daemon) idleWatch(idle time.Duration, onIdle func()) {
	for {
		select {
		case b, ok := <-d.output:
			if !ok {
				return
			}
			_ = b
		case <-time.After(idle): // want "time.After"
			onIdle()
		}
	}
}

// ok: one timer, reset after each chunk.
func (d *Daemon) idleWatchFixed(idle time.Duration, onIdle func()) {
	t := time.NewTimer(idle)
	defer t.Stop()
	for {
		select {
		case b, ok := <-d.output:
			if !ok {
				return
			}
			_ = b
			if !t.Stop() {
				<-t.C
			}
			t.Reset(idle)
		case <-t.C:
			onIdle()
			t.Reset(idle)
		}
	}
}
