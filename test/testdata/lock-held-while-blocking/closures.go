package fixtures

import "sync"

// Agent runs its sync loop with an exit hook that its starter passes in.
type Agent struct {
	mu      sync.Mutex
	synced  int
	stopc   chan struct{}
	stopped chan struct{}
}

func (a *Agent) Start() {
	a.stopc = make(chan struct{})
	a.stopped = make(chan struct{})
	go a.syncLoop(func() {
		a.mu.Lock()
		a.synced = 0
		a.mu.Unlock()
	})
}

func (a *Agent) syncLoop(onExit func()) {
	<-a.stopc
	onExit()
	close(a.stopped)
}

func (a *Agent) Stop() {
	a.mu.Lock()
	defer a.mu.Unlock()
	close(a.stopc)
	<-a.stopped // want "`<-a\\.stopped` waits while holding `a\\.mu`, but the closer `Agent\\.syncLoop` \\(via the function passed to it\\) needs it first"
}

// ok: StopFixed lets go of the lock before it waits for the loop.
func (a *Agent) StopFixed() {
	a.mu.Lock()
	close(a.stopc)
	a.mu.Unlock()
	<-a.stopped // ok
}

// Scheduler's workers call back into a method value before they are counted out.
type Scheduler struct {
	mu    sync.Mutex
	done  int
	wg    sync.WaitGroup
	queue chan func()
}

func (s *Scheduler) finish() {
	s.mu.Lock()
	s.done++
	s.mu.Unlock()
}

func (s *Scheduler) Run(n int) {
	for i := 0; i < n; i++ {
		s.wg.Add(1)
		go s.worker(s.finish)
	}
}

func (s *Scheduler) worker(after func()) {
	defer s.wg.Done()
	for job := range s.queue {
		job()
	}
	after()
}

func (s *Scheduler) Drain() {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.queue)
	s.wg.Wait() // want "`s\\.wg\\.Wait\\(\\)` waits while holding `s\\.mu`, but the `Done` caller `Scheduler\\.worker` \\(via the function passed to it\\) needs it first"
}

// Prober's callers pass different hooks: which one runs is not known, and neither locks mu.
type Prober struct {
	mu      sync.Mutex
	results chan bool
	ok      int
}

func (p *Prober) probe(report func(bool)) {
	report(true)
	p.results <- true
}

func (p *Prober) StartQuiet() { go p.probe(func(bool) {}) }

func (p *Prober) StartCounting() {
	go p.probe(func(v bool) {
		if v {
			p.ok++
		}
	})
}

// ok: no hook a caller passes takes mu.
func (p *Prober) Await() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return <-p.results // ok
}
