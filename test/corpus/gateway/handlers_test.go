//fixture:go 1.22

package gateway

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

type fakeBackend struct {
	mu    sync.Mutex
	calls int
	delay time.Duration
}

func (f *fakeBackend) Call(ctx context.Context, path string) ([]byte, error) {
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
	select {
	case <-time.After(f.delay):
		return []byte(path), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// ok: subtests run the checks; the goroutines only report with t.Error.
func TestGatewayConcurrent(t *testing.T) {
	g := &Gateway{backends: map[string]Backend{"a": &fakeBackend{}}, timeout: time.Second}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := httptest.NewRecorder()
			g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x?backend=a", nil))
			if rec.Code != http.StatusOK {
				t.Errorf("status %d", rec.Code)
			}
		}()
	}
	wg.Wait()
}

// ok: time.Sleep in a test loop waiting for a condition, no ctx involved.
func TestShutdownWaits(t *testing.T) {
	g := &Gateway{}
	g.inflight.Add(1)
	go func() {
		time.Sleep(10 * time.Millisecond)
		g.inflight.Done()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := g.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}

// ok: the subtests' t.Fatal runs on the subtest goroutine, which t.Run manages.
func TestProbe(t *testing.T) {
	for _, delay := range []time.Duration{0, 2 * time.Second} {
		t.Run(delay.String(), func(t *testing.T) {
			g := &Gateway{backends: map[string]Backend{"a": &fakeBackend{delay: delay}}}
			status, err := g.probe(context.Background(), "a")
			if err != nil {
				t.Fatal(err)
			}
			if status == "" {
				t.Fatal("empty status")
			}
		})
	}
}

func TestProbeTimeoutAsync(t *testing.T) {
	g := &Gateway{backends: map[string]Backend{"a": &fakeBackend{delay: time.Hour}}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		status, err := g.probe(context.Background(), "a")
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			t.FailNow() // want "FailNow"
		}
		if status != "timeout" {
			t.Errorf("status %q", status)
		}
	}()
	<-done
}
