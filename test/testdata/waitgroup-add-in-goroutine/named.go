package fixtures

import "sync"

func worker(id int, wg *sync.WaitGroup) {
	wg.Add(1) // want "`wg.Add\\(1\\)` runs inside the goroutine started at line 13, so `wg.Wait\\(\\)` can return"
	defer wg.Done()
	_ = id
}

func startNamed() {
	var wg sync.WaitGroup
	go worker(1, &wg)
	go worker(2, &wg)
	wg.Wait()
}

type pool struct {
	wg   sync.WaitGroup
	jobs chan int
}

func (p *pool) loop() {
	p.wg.Add(1) // want "`p.wg.Add\\(1\\)` runs inside the goroutine started at line 31, so `s.wg.Wait\\(\\)`"
	defer p.wg.Done()
	for range p.jobs {
	}
}

func (s *pool) Start() {
	go s.loop()
}

func (s *pool) Stop() {
	close(s.jobs)
	s.wg.Wait()
}

func run(wg *sync.WaitGroup) {
	wg.Add(1) // want "`wg.Add\\(1\\)` runs inside the goroutine started at line 46"
	defer wg.Done()
}

func startOnce() {
	wg := sync.WaitGroup{}
	go run(&wg)
	wg.Wait()
}

// ok: the named worker only calls Done; the caller adds first.
func goodWorker(wg *sync.WaitGroup) {
	defer wg.Done()
}

func startGood() {
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go goodWorker(&wg)
	}
	wg.Wait()
}

// ok: a helper that adds synchronously (not as a goroutine) before starting one.
func spawn(wg *sync.WaitGroup, f func()) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		f()
	}()
}

func useSpawn() {
	var wg sync.WaitGroup
	spawn(&wg, func() {})
	wg.Wait()
}

type server struct {
	wg sync.WaitGroup
}

func (s *server) handle(conn int) {
	s.wg.Add(1) // want "`s.wg.Add\\(1\\)` runs inside the goroutine started at line 91"
	defer s.wg.Done()
	_ = conn
}

func (s *server) serve(conns []int) {
	for _, c := range conns {
		go s.handle(c)
	}
	s.wg.Wait()
}

type logTarget struct {
	mu    sync.RWMutex
	logCh chan string
	wg    sync.WaitGroup
}

// ok: the Add happens under mu only while logCh is set, and Cancel clears logCh under mu before
// it waits (minio kafka target): either the Add is counted or the goroutine never adds.
func (t *logTarget) startLogger() {
	t.mu.RLock()
	logCh := t.logCh
	if logCh != nil {
		t.wg.Add(1)
		defer t.wg.Done()
	}
	t.mu.RUnlock()
	if logCh == nil {
		return
	}
	for range logCh {
	}
}

func (t *logTarget) Init() {
	t.logCh = make(chan string)
	go t.startLogger()
}

func (t *logTarget) Cancel() {
	t.mu.Lock()
	close(t.logCh)
	t.logCh = nil
	t.mu.Unlock()
	t.wg.Wait()
}

type lockedOnly struct {
	mu sync.Mutex
	wg sync.WaitGroup
}

// The mutex alone orders nothing: the goroutine may take it after Stop has released it.
func (l *lockedOnly) work() {
	l.mu.Lock()
	l.wg.Add(1) // want "runs inside the goroutine started at line \\d+"
	l.mu.Unlock()
	defer l.wg.Done()
}

func (l *lockedOnly) Start() {
	go l.work()
}

func (l *lockedOnly) Stop() {
	l.mu.Lock()
	l.mu.Unlock()
	l.wg.Wait()
}

type stream struct {
	wg       sync.WaitGroup
	closingc chan int
	pending  []int
}

// ok: each helper goroutine counts the goroutine it starts right after its Add, and the helper is
// joined by cancelPending's own WaitGroup before cancelPending returns (etcd watch client).
func (s *stream) cancelPending(stopc <-chan struct{}) {
	var wg sync.WaitGroup
	wg.Add(len(s.pending))
	for _, id := range s.pending {
		go func(id int) {
			defer wg.Done()
			select {
			case <-stopc:
			default:
				s.wg.Add(1)
				go func() {
					defer s.wg.Done()
					s.closingc <- id
				}()
			}
		}(id)
	}
	wg.Wait()
}

func (s *stream) close() {
	s.wg.Wait()
}

// The helper counts its nested goroutine, but nothing joins the helper: Wait may come first.
func (s *stream) cancelLater(stopc <-chan struct{}) {
	for _, id := range s.pending {
		go func(id int) {
			<-stopc
			s.wg.Add(1) // want "runs inside the goroutine started at line \\d+"
			go func() {
				defer s.wg.Done()
				s.closingc <- id
			}()
		}(id)
	}
}
