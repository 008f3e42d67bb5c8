package fixtures

import (
	"errors"
	"net/http"
	"os"
)

type Config struct{ Name string }

func parse(b []byte) (Config, error) { return Config{}, nil }
func validate(c Config) error        { return nil }
func checksum(path string) string    { return path }

// An error path between starting the goroutine and receiving from it.
func loadConfig(path string) (Config, string, error) {
	sum := make(chan string)
	go func() {
		sum <- checksum(path) // want "`sum <- checksum\\(path\\)` blocks forever: loadConfig can return at line 23 before receiving"
	}()
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, "", err
	}
	cfg, err := parse(b)
	if err != nil {
		return Config{}, "", err
	}
	return cfg, <-sum, nil
}

// The receive sits in only one branch of the code after the goroutine starts.
func handleUpload(w http.ResponseWriter, r *http.Request) {
	scanned := make(chan bool)
	go func() {
		scanned <- virusScan(r) // want "`scanned <- virusScan\\(r\\)` blocks forever: handleUpload can return at line 40 before"
	}()
	if r.ContentLength > 1<<20 {
		http.Error(w, "too large", http.StatusRequestEntityTooLarge)
		return
	}
	if !<-scanned {
		http.Error(w, "infected", http.StatusBadRequest)
	}
}

func virusScan(r *http.Request) bool { return true }

// A validation error inside the spawn loop returns after earlier iterations started goroutines.
func uploadAll(paths []string) error {
	errs := make(chan error)
	for _, p := range paths {
		if p == "" {
			return errors.New("empty path")
		}
		go func(p string) {
			errs <- upload(p) // want "`errs <- upload\\(p\\)` blocks forever: uploadAll can return at line 54 before receiving"
		}(p)
	}
	for range paths {
		if err := <-errs; err != nil {
			println(err.Error())
		}
	}
	return nil
}

func upload(p string) error { return nil }

// A method whose body runs off its end on one path.
type Indexer struct{ docs []string }

func (ix *Indexer) Refresh(force bool) {
	counts := make(chan int)
	go func() {
		counts <- len(ix.docs) // want "Refresh can finish at line 83 without receiving"
	}()
	if !force {
		println("skipping refresh")
	} else {
		println("refreshed", <-counts)
	}
}

// ok: the receive comes first on every path that returns.
func loadConfigSafe(path string) (Config, string, error) {
	sum := make(chan string)
	go func() {
		sum <- checksum(path)
	}()
	s := <-sum
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, s, err
	}
	cfg, err := parse(b)
	return cfg, s, err
}

// ok: both branches receive.
func pick(fast bool) string {
	ch := make(chan string)
	go func() { ch <- checksum("x") }()
	if fast {
		v := <-ch
		return v
	}
	return "slow:" + <-ch
}

// ok: the receive is in the if's initializer, before the early return.
func firstError(path string) error {
	errc := make(chan error)
	go func() {
		_, err := os.ReadFile(path)
		errc <- err
	}()
	if err := <-errc; err != nil {
		return err
	}
	return validate(Config{Name: path})
}

// ok: the error path sends and returns; the goroutine sends one value at most, and it is received.
func readOrFail(path string) ([]byte, error) {
	type reply struct {
		b   []byte
		err error
	}
	out := make(chan reply)
	go func() {
		b, err := os.ReadFile(path)
		if err != nil {
			out <- reply{err: err}
			return
		}
		out <- reply{b: b}
	}()
	r := <-out
	return r.b, r.err
}

// ok: a conditional receive whose condition may match the goroutine's own; the syntax cannot tell.
func maybeWait(wait bool) {
	done := make(chan struct{})
	go func() {
		if wait {
			done <- struct{}{}
		}
	}()
	if wait {
		<-done
	}
}

type pathInfo struct {
	path string
	err  error
}

func globAll(patterns []string, glob func(string) ([]string, error), list chan<- pathInfo) {
	defer close(list)
	for _, p := range patterns {
		items, err := glob(p)
		if err != nil {
			list <- pathInfo{err: err} // ok
			return
		}
		for _, item := range items {
			list <- pathInfo{path: item}
		}
	}
}

// ok: the walker sends an error only as its last message, so leaving on a received error
// strands no sender (telegraf's cgroup walker).
func firstFiles(patterns []string, glob func(string) ([]string, error)) ([]string, error) {
	list := make(chan pathInfo)
	go globAll(patterns, glob, list)
	var out []string
	for file := range list {
		if file.err != nil {
			return nil, file.err
		}
		out = append(out, file.path)
	}
	return out, nil
}

func newHasher(kind int) (func([]byte) []byte, error) { return nil, nil }

func startWriter() ([]byte, error) { return nil, nil }

// Two failures must coincide for errs (nomad raftutil): the goroutine sends on it only when its
// writer fails to start, and the function returns early only when its hasher fails to build.
// Reported as information (test/unit/severity.test.ts); out is a warning.
func compressBoth(kind int) ([]byte, error) {
	errs := make(chan error)
	out := make(chan []byte)
	go func() {
		b, err := startWriter()
		if err != nil {
			errs <- err // want "`errs <- err` blocks forever: compressBoth can return at line 210 before receiving"
			return
		}
		out <- b // want "`out <- b` blocks forever: compressBoth can return at line 210 before receiving"
	}()
	h, err := newHasher(kind)
	if err != nil {
		return nil, err
	}
	select {
	case err := <-errs:
		return nil, err
	case b := <-out:
		return h(b), nil
	}
}

func globFiles(patterns []string, glob func(string) ([]string, error), list chan<- pathInfo) {
	defer close(list)
	for _, p := range patterns {
		items, err := glob(p)
		if err != nil {
			list <- pathInfo{err: err} // want "`list <- pathInfo\\{err: err\\}` blocks forever: readAll can return at line 247 from its receive loop while the goroutine keeps sending"
			return
		}
		for _, item := range items {
			list <- pathInfo{path: item}
		}
	}
}

// Leaving the range on a failure of the function's own (reading a received path) strands the
// walker with the paths it has not sent yet: only the close ends this loop, so nothing counted the
// senders (telegraf's cgroup walker when os.ReadFile fails).
func readAll(patterns []string, glob func(string) ([]string, error), read func(string) ([]byte, error)) ([][]byte, error) {
	list := make(chan pathInfo)
	go globFiles(patterns, glob, list)
	var out [][]byte
	for file := range list {
		if file.err != nil {
			return nil, file.err
		}
		raw, err := read(file.path)
		if err != nil {
			return nil, err
		}
		out = append(out, raw)
	}
	return out, nil
}
