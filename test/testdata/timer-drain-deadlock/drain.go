package fixtures

import "time"

type msg struct{ n int }

type batcher struct {
	in    chan msg
	quit  chan struct{}
	every time.Duration
	timer *time.Timer
}

func (b *batcher) flush()      {}
func (b *batcher) add(m msg)   {}
func work() bool               { return true }
func handle(now time.Time) int { return now.Second() }

// The select takes the timer's value, and the next message drains it again.
func (b *batcher) run() {
	t := time.NewTimer(b.every)
	for {
		select {
		case <-t.C:
			b.flush()
		case m := <-b.in:
			b.add(m)
			if !t.Stop() {
				<-t.C // want "`<-t.C` blocks forever after `t.C` was received at line 24: `Stop\\(\\)` returned false"
			}
			t.Reset(b.every)
		case <-b.quit:
			return
		}
	}
}

// A plain receive earlier in the same function.
func waitThenStop(d time.Duration) {
	t := time.NewTimer(d)
	<-t.C
	work()
	if !t.Stop() {
		<-t.C // want "after `t.C` was received at line 41"
	}
}

// The deferred drain of golang/go#27169: it runs after the receive.
func deferredDrain(d time.Duration, done chan struct{}) {
	t := time.NewTimer(d)
	defer func() {
		if !t.Stop() {
			<-t.C // want "after `t.C` was received at line 58"
		}
	}()
	select {
	case <-done:
	case <-t.C:
	}
}

// A timer in a struct field.
func (b *batcher) loop() {
	for {
		select {
		case <-b.timer.C:
			b.flush()
		case m := <-b.in:
			b.add(m)
			if !b.timer.Stop() {
				<-b.timer.C // want "`<-b.timer.C` blocks forever after `b.timer.C` was received at line 66"
			}
			b.timer.Reset(b.every)
		}
	}
}

// The drain at the top of the loop, the receive further down: the next round blocks.
func (b *batcher) topOfLoop() {
	t := time.NewTimer(b.every)
	for range b.in {
		if !t.Stop() {
			<-t.C // want "after `t.C` was received at line 87"
		}
		t.Reset(b.every)
		select {
		case <-t.C:
			b.flush()
		case <-b.quit:
			return
		}
	}
}

// The value is assigned: it is received all the same.
func (b *batcher) assigned() int {
	t := time.NewTimer(b.every)
	total := 0
	for {
		select {
		case now := <-t.C:
			total += handle(now)
		case m := <-b.in:
			if !t.Stop() {
				<-t.C // want "after `t.C` was received at line 101"
			}
			t.Reset(time.Duration(m.n))
		case <-b.quit:
			return total
		}
	}
}

// One branch re-arms the timer after receiving, the other does not.
func (b *batcher) oneBranch(again bool) {
	t := time.NewTimer(b.every)
	for {
		select {
		case <-t.C:
			if again {
				t.Reset(b.every)
			}
		case <-b.in:
			if !t.Stop() {
				<-t.C // want "after `t.C` was received at line 119"
			}
			t.Reset(b.every)
		}
	}
}

// A non-blocking receive that took the value counts too.
func poll(t *time.Timer) {
	select {
	case <-t.C:
	default:
	}
	if !t.Stop() {
		<-t.C // want "after `t.C` was received at line 135"
	}
}

// Builtins on the way (append, len) do not re-arm the timer.
func (b *batcher) batching() []msg {
	t := time.NewTimer(b.every)
	var batch []msg
	for {
		select {
		case m := <-b.in:
			batch = append(batch, m)
			if !t.Stop() {
				<-t.C // want "after `t.C` was received at line 155"
			}
			t.Reset(b.every)
		case <-t.C:
			batch = batch[:0]
		case <-b.quit:
			return batch
		}
	}
}

// The flag is set in the case that receives from the timer, but the receive of the previous pass
// reaches the drain: nothing re-arms the timer after it when the pass ends early.
func pollLoopEarly(queue chan []byte, send func([]byte) bool) {
	pollTimer := time.NewTimer(time.Second)
	for {
		var p []byte
		expired := false
		select {
		case p = <-queue:
		case <-pollTimer.C:
			expired = true
		}
		if !send(p) {
			continue
		}
		if !expired {
			if !pollTimer.Stop() {
				<-pollTimer.C // want "blocks forever after `pollTimer.C` was received"
			}
		}
		pollTimer.Reset(time.Second)
	}
}
