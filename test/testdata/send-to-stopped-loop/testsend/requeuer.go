package testsend

// gocraft/work's requeuer: drain hands the loop a request and waits for the answer. Only the
// package's tests call drain, between start and stop; the program never does, so no send of drain
// can reach a loop that has returned.

type requeuer struct {
	stopChan  chan struct{}
	drainChan chan struct{}
	drained   chan struct{}
}

func newRequeuer() *requeuer {
	return &requeuer{stopChan: make(chan struct{}), drainChan: make(chan struct{}), drained: make(chan struct{})}
}

// Pool starts and stops its requeuer; it never drains it.
type Pool struct {
	r *requeuer
}

func (p *Pool) Start() {
	p.r = newRequeuer()
	p.r.start()
}

func (p *Pool) Stop() {
	p.r.stop()
}

func (r *requeuer) start() {
	go r.loop()
}

func (r *requeuer) stop() {
	r.stopChan <- struct{}{}
}

func (r *requeuer) drain() {
	r.drainChan <- struct{}{} // ok
	<-r.drained
}

func (r *requeuer) loop() {
	for {
		select {
		case <-r.stopChan:
			return
		case <-r.drainChan:
			r.drained <- struct{}{}
		}
	}
}

// The same loop, whose flush the program calls through an exported method: any caller may come
// after Stop.
type batcher struct {
	stopChan  chan struct{}
	flushChan chan struct{}
}

func newBatcher() *batcher {
	b := &batcher{stopChan: make(chan struct{}), flushChan: make(chan struct{})}
	go b.loop()
	return b
}

func (b *batcher) Stop() {
	b.stopChan <- struct{}{}
}

func (b *batcher) Flush() {
	b.flush()
}

func (b *batcher) flush() {
	b.flushChan <- struct{}{} // want "blocks forever once `loop` has returned"
}

func (b *batcher) loop() {
	for {
		select {
		case <-b.stopChan:
			return
		case <-b.flushChan:
		}
	}
}
