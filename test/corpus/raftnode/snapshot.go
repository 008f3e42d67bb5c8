//fixture:go 1.20

package raftnode

import (
	"errors"
	"io"
	"sync"
)

type Snapshot struct {
	Index  uint64
	Chunks [][]byte
}

type peer interface {
	WriteHeader(s *Snapshot) error
	WriteChunk(b []byte) error
}

var errEmptySnapshot = errors.New("raftnode: empty snapshot")

// sendSnapshot streams the body in the background while the header is written: when the
// header fails, nobody ever reads errc.
func sendSnapshot(p peer, s *Snapshot) error {
	errc := make(chan error)
	go func() {
		for _, c := range s.Chunks {
			if err := p.WriteChunk(c); err != nil {
				errc <- err // want "blocks forever"
				return
			}
		}
		errc <- nil
	}()
	if err := p.WriteHeader(s); err != nil {
		return err
	}
	return <-errc
}

// ok: one slot is enough for the single value the goroutine sends.
func sendSnapshotFixed(p peer, s *Snapshot) error {
	errc := make(chan error, 1)
	go func() {
		for _, c := range s.Chunks {
			if err := p.WriteChunk(c); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	if err := p.WriteHeader(s); err != nil {
		return err
	}
	return <-errc
}

// checksumChunks hashes the chunks in parallel and closes the result channel too early.
func checksumChunks(s *Snapshot, sum func([]byte) uint32) []uint32 {
	sums := make(chan uint32, len(s.Chunks))
	var wg sync.WaitGroup
	for _, c := range s.Chunks {
		wg.Add(1)
		go func(c []byte) {
			defer wg.Done()
			sums <- sum(c)
		}(c)
	}
	close(sums) // want "close\\(sums\\)"
	wg.Wait()
	var out []uint32
	for v := range sums {
		out = append(out, v)
	}
	return out
}

// ok: the channel is closed only after every sender is done.
func checksumChunksFixed(s *Snapshot, sum func([]byte) uint32) []uint32 {
	sums := make(chan uint32)
	var wg sync.WaitGroup
	for _, c := range s.Chunks {
		wg.Add(1)
		go func(c []byte) {
			defer wg.Done()
			sums <- sum(c)
		}(c)
	}
	go func() {
		wg.Wait()
		close(sums)
	}()
	var out []uint32
	for v := range sums {
		out = append(out, v)
	}
	return out
}

// ok: a pipe's writer goroutine ends when the reader closes its end.
func snapshotReader(s *Snapshot) (io.ReadCloser, error) {
	if len(s.Chunks) == 0 {
		return nil, errEmptySnapshot
	}
	pr, pw := io.Pipe()
	go func() {
		for _, c := range s.Chunks {
			if _, err := pw.Write(c); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.Close()
	}()
	return pr, nil
}
