package fixtures

import "sync"

func worker(id int, wg *sync.WaitGroup) {
	wg.Add(1) // want "`wg.Add\\(1\\)` runs inside the goroutine started at line 13, so `wg.Wait\\(\\)` \\(line 15\\) can return"
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
	p.wg.Add(1) // want "`p.wg.Add\\(1\\)` runs inside the goroutine started at line 31, so `s.wg.Wait\\(\\)` \\(line 36\\)"
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
