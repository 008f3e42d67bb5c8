package copies

import "sync"

type criWorker struct {
	id int
	wg *sync.WaitGroup
}

// ok: `wg: &wg` stores a pointer; the key only names the field (containerd-stress).
func startWorkers(n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		w := &criWorker{
			id: i,
			wg: &wg,
		}
		go w.run()
	}
	wg.Wait()
}

func (w *criWorker) run() { defer w.wg.Done() }
