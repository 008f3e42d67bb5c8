//fixture:go 1.20

// Package configwatch reloads a service's configuration from disk and fans changes out to
// subscribers.
package configwatch

import (
	"context"
	"errors"
	"log"
	"sync"
	"sync/atomic"
	"time"
)

var errInvalid = errors.New("configwatch: invalid config")

type Config struct {
	Version int
	Values  map[string]string
}

type Reloader struct {
	current atomic.Value
	load    func(ctx context.Context) (*Config, error)
	once    sync.Once
	subs    []func(*Config)
	applied int
}

func (r *Reloader) apply(updates <-chan *Config) {
	for cfg := range updates { // want "forever"
		r.current.Store(cfg)
		for _, s := range r.subs {
			s(cfg)
		}
	}
}

// Start hands configs to apply, but returns on a load error without closing updates.
func (r *Reloader) Start(ctx context.Context) error {
	updates := make(chan *Config)
	go r.apply(updates)
	cfg, err := r.load(ctx)
	if err != nil {
		return err
	}
	updates <- cfg
	close(updates)
	return nil
}

// ok: the channel is closed by defer on every path.
func (r *Reloader) StartFixed(ctx context.Context) error {
	updates := make(chan *Config)
	defer close(updates)
	go r.apply(updates)
	cfg, err := r.load(ctx)
	if err != nil {
		return err
	}
	updates <- cfg
	return nil
}

// ok: the stored config is read through atomic.Value.
func (r *Reloader) Current() *Config {
	cfg, _ := r.current.Load().(*Config)
	return cfg
}

// ok: lazy init through sync.Once.
func (r *Reloader) init() {
	r.once.Do(func() {
		r.current.Store(&Config{Values: map[string]string{}})
	})
}

// validateAll checks configs in parallel; the goroutines capture the index before Go 1.22.
func validateAll(cfgs []*Config, validate func(*Config) error) []error {
	errs := make([]error, len(cfgs))
	var wg sync.WaitGroup
	for i := 0; i < len(cfgs); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = validate(cfgs[i]) // want "\\bi\\b"
		}()
	}
	wg.Wait()
	return errs
}

// ok: the index is an argument.
func validateAllFixed(cfgs []*Config, validate func(*Config) error) []error {
	errs := make([]error, len(cfgs))
	var wg sync.WaitGroup
	for i := 0; i < len(cfgs); i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = validate(cfgs[i])
		}(i)
	}
	wg.Wait()
	return errs
}

// reloadOnce cancels only when validation fails.
func (r *Reloader) reloadOnce(parent context.Context) (*Config, error) {
	ctx, cancel := context.WithTimeout(parent, 10*time.Second) // want "cancel"
	cfg, err := r.load(ctx)
	if err != nil {
		return nil, err
	}
	if cfg.Version == 0 {
		cancel()
		return nil, errInvalid
	}
	return cfg, nil
}

// ok: a watcher goroutine that ends with ctx, started with a cancel the caller defers.
func (r *Reloader) Watch(parent context.Context, every time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				cfg, err := r.load(ctx)
				if err != nil {
					log.Printf("reload: %v", err)
					continue
				}
				r.current.Store(cfg)
			}
		}
	}()
	return cancel
}

// ok: a counter touched only by the single goroutine that owns it.
func (r *Reloader) countApplied(updates <-chan *Config) int {
	done := make(chan int)
	go func() {
		n := 0
		for range updates {
			n++
		}
		done <- n
	}()
	return <-done
}
