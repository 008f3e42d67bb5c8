package jobs

import "sync"

// juicefs' readdir: two workers fill attributes through a helper that locks and unlocks its own
// mutex, then store a failure in the shared err with no lock held.

type meta struct {
	mu    sync.Mutex
	attrs map[int]int
}

func (m *meta) fill(batch []int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, b := range batch {
		m.attrs[b] = b
	}
	return nil
}

func (m *meta) readdir(batches [][]int) error {
	var err error
	work := make(chan []int, 10)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				if e := m.fill(b); e != nil {
					err = e // want "runs in every iteration's goroutine"
					break
				}
			}
		}()
	}
	for _, b := range batches {
		work <- b
	}
	close(work)
	wg.Wait()
	return err
}

// A helper that returns holding the lock: the write after it is guarded.
func (m *meta) lockAll() { m.mu.Lock() }

func (m *meta) unlockAll() { m.mu.Unlock() }

func (m *meta) count(batches [][]int) int {
	total := 0
	var wg sync.WaitGroup
	for _, b := range batches {
		wg.Add(1)
		go func(b []int) {
			defer wg.Done()
			m.lockAll()
			total += len(b) // ok
			m.unlockAll()
		}(b)
	}
	wg.Wait()
	return total
}

// The helper locks and unlocks only when it has something to update (juicefs' openfiles.Update
// under kvMeta.fillAttr): still nothing of the caller's is released or held.
type openFiles struct {
	sync.Mutex
	files map[int]int
}

func (of *openFiles) update(ino int) {
	if of.files != nil {
		of.Lock()
		of.files[ino]++
		of.Unlock()
	}
}

type kvMeta struct {
	of *openFiles
}

func (m *kvMeta) fill(batch []int) error {
	for _, b := range batch {
		m.of.update(b)
	}
	return nil
}

func (m *kvMeta) readdir(batches [][]int) error {
	var err error
	work := make(chan []int, 10)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				if e := m.fill(b); e != nil {
					err = e // want "runs in every iteration's goroutine"
					break
				}
			}
		}()
	}
	for _, b := range batches {
		work <- b
	}
	close(work)
	wg.Wait()
	return err
}
