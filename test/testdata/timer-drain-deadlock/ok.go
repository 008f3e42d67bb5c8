package fixtures

import "time"

type ticker struct {
	in    chan msg
	every time.Duration
	timer *time.Timer
}

func (b *ticker) flush()    {}
func (b *ticker) add(m msg) {}
func (b *ticker) rearm()    { b.timer.Reset(b.every) }

// ok: the timer is re-armed right after its value is received.
func (b *ticker) resetAfterFire() {
	t := time.NewTimer(b.every)
	for {
		select {
		case <-t.C:
			b.flush()
			t.Reset(b.every)
		case m := <-b.in:
			b.add(m)
			if !t.Stop() {
				<-t.C // ok
			}
			t.Reset(b.every)
		}
	}
}

// ok: the drain does not block.
func (b *ticker) nonBlockingDrain() {
	t := time.NewTimer(b.every)
	for {
		select {
		case <-t.C:
			b.flush()
		case <-b.in:
			if !t.Stop() {
				select {
				case <-t.C: // ok
				default:
				}
			}
			t.Reset(b.every)
		}
	}
}

// ok: nothing receives from the timer before the drain, so a false Stop means the value is waiting.
func stopEarly(d time.Duration, done chan struct{}) {
	t := time.NewTimer(d)
	<-done
	if !t.Stop() {
		<-t.C // ok
	}
}

// ok: the fired timer is replaced by a new one.
func (b *ticker) newTimerAfterFire() {
	t := time.NewTimer(b.every)
	for {
		select {
		case <-t.C:
			b.flush()
			t = time.NewTimer(b.every)
		case <-b.in:
			if !t.Stop() {
				<-t.C // ok
			}
			t.Reset(b.every)
		}
	}
}

// ok: a helper of the package re-arms it.
func (b *ticker) helperRearms() {
	for {
		select {
		case <-b.timer.C:
			b.flush()
			b.rearm()
		case <-b.in:
			if !b.timer.Stop() {
				<-b.timer.C // ok
			}
			b.timer.Reset(b.every)
		}
	}
}

// ok: after the receive the function returns; the drain is on other paths only.
func (b *ticker) returnAfterFire() {
	t := time.NewTimer(b.every)
	for {
		select {
		case <-t.C:
			b.flush()
			return
		case <-b.in:
			if !t.Stop() {
				<-t.C // ok
			}
			t.Reset(b.every)
		}
	}
}

// ok: a flag records that the value was taken, and the drain checks it first.
func (b *ticker) firedFlag() {
	t := time.NewTimer(b.every)
	fired := false
	for {
		select {
		case <-t.C:
			fired = true
			b.flush()
		case <-b.in:
			if !fired && !t.Stop() {
				<-t.C // ok
			}
			fired = false
			t.Reset(b.every)
		}
	}
}

// ok: another timer was received from.
func twoTimers(a, z *time.Timer) {
	<-a.C
	if !z.Stop() {
		<-z.C // ok
	}
}

// ok: the deferred drain runs where nothing has received from the timer.
func deferredOnly(d time.Duration, done chan struct{}) {
	t := time.NewTimer(d)
	defer func() {
		if !t.Stop() {
			<-t.C // ok
		}
	}()
	<-done
}

type packet struct{ p []byte }

// ok: the case that receives from the timer sets expired, and the drain runs only when expired
// is false; the flag is declared false again on every pass (Xray's DNS tunnel client).
func pollLoop(queue, poll chan *packet, send func(*packet), closed func() bool) {
	pollTimer := time.NewTimer(time.Second)
	for {
		var p *packet
		expired := false
		select {
		case p = <-queue:
		case <-poll:
		case <-pollTimer.C:
			expired = true
		}
		if expired {
			p = &packet{}
		} else {
			if !pollTimer.Stop() {
				<-pollTimer.C
			}
		}
		pollTimer.Reset(time.Second)
		send(p)
		if closed() {
			return
		}
	}
}
