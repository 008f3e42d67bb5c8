//fixture:go 1.20

package kubelet

import (
	"errors"
	"time"
)

type probeResult int

const (
	probeSuccess probeResult = iota
	probeFailure
	probeUnknown
)

var errProbeTimeout = errors.New("kubelet: probe timed out")

type probeWorker struct {
	pod     *Pod
	period  time.Duration
	timeout time.Duration
	stopCh  chan struct{}
	trigger chan struct{}
	exec    func(*Pod) probeResult
	results map[UID]probeResult
}

func newProbeWorker(pod *Pod, exec func(*Pod) probeResult) *probeWorker {
	return &probeWorker{
		pod:     pod,
		period:  10 * time.Second,
		timeout: time.Second,
		stopCh:  make(chan struct{}),
		trigger: make(chan struct{}, 1),
		exec:    exec,
		results: make(map[UID]probeResult),
	}
}

// probeOnce runs the probe with a deadline; on timeout the probe goroutine is stuck on done.
func (w *probeWorker) probeOnce() (probeResult, error) {
	done := make(chan probeResult)
	go func() {
		done <- w.exec(w.pod) // want "blocks forever"
	}()
	select {
	case r := <-done:
		return r, nil
	case <-time.After(w.timeout):
		return probeUnknown, errProbeTimeout
	}
}

// ok: buffered result channel.
func (w *probeWorker) probeOnceFixed() (probeResult, error) {
	done := make(chan probeResult, 1)
	go func() {
		done <- w.exec(w.pod)
	}()
	select {
	case r := <-done:
		return r, nil
	case <-time.After(w.timeout):
		return probeUnknown, errProbeTimeout
	}
}

// ok: the loop ends on stopCh; the ticker is stopped on the way out.
func (w *probeWorker) run() {
	ticker := time.NewTicker(w.period)
	defer ticker.Stop()
	for {
		select {
		case <-w.stopCh:
			return
		case <-ticker.C:
		case <-w.trigger:
		}
		r, _ := w.probeOnceFixed()
		w.results[w.pod.UID] = r
	}
}

// ok: a stop that tolerates being called twice.
func (w *probeWorker) stop() {
	select {
	case <-w.stopCh:
	default:
		close(w.stopCh)
	}
}

// ok: non-blocking trigger into a one-slot channel.
func (w *probeWorker) manualTrigger() {
	select {
	case w.trigger <- struct{}{}:
	default:
	}
}
