package fixtures

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
)

func index(string) {}

func handshake(net.Conn) error { return nil }

func serveConn(net.Conn) {}

func indexFiles(paths []string) error {
	docs := make(chan string)
	go func() {
		for d := range docs { // want "`for d := range docs` in the goroutine waits forever when `indexFiles`"
			index(d)
		}
	}()
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		docs <- string(data)
	}
	close(docs)
	return nil
}

func readLines(r io.Reader) []string {
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if sc.Text() == "EOF" {
				return
			}
			lines <- sc.Text()
		}
		close(lines)
	}()
	var out []string
	for l := range lines { // want "`for l := range lines` waits forever when the closing goroutine returns"
		out = append(out, l)
	}
	return out
}

func watchConn(conn net.Conn) error {
	quit := make(chan struct{})
	go func() {
		<-quit // want "`<-quit` in the goroutine blocks forever when `watchConn` returns at line"
		conn.Close()
	}()
	if err := handshake(conn); err != nil {
		return err
	}
	serveConn(conn)
	close(quit)
	return nil
}

type item struct{ id int }

type syncer struct {
	pending []item
}

func (s *syncer) apply(in <-chan item) {
	for it := range in { // want "`for it := range in` in goroutine `apply` waits forever when `push`"
		_ = it
	}
}

func (s *syncer) push(out chan<- item) error {
	for _, it := range s.pending {
		if it.id < 0 {
			return errors.New("bad item")
		}
		out <- it
	}
	close(out)
	return nil
}

func (s *syncer) Run() error {
	ch := make(chan item)
	go s.apply(ch)
	return s.push(ch)
}

type pipeline struct {
	results chan int
	total   int
}

func (p *pipeline) collect() {
	for r := range p.results { // want "`for r := range p\\.results` in goroutine `collect` waits forever when"
		p.total += r
	}
}

func (p *pipeline) run(inputs []int) error {
	p.results = make(chan int)
	go p.collect()
	for _, in := range inputs {
		if in < 0 {
			return errors.New("negative input")
		}
		p.results <- in * 2
	}
	close(p.results)
	return nil
}

// ok: the channel is closed by a defer registered before any return.
func deferredClose(paths []string) error {
	docs := make(chan string)
	defer close(docs)
	go func() {
		for d := range docs {
			index(d)
		}
	}()
	for _, p := range paths {
		if p == "" {
			return errors.New("empty path")
		}
		docs <- p
	}
	return nil
}

// ok: every early return closes the channel first.
func closeOnEveryPath(paths []string) error {
	docs := make(chan string)
	go func() {
		for d := range docs {
			index(d)
		}
	}()
	for _, p := range paths {
		if p == "" {
			close(docs)
			return errors.New("empty path")
		}
		docs <- p
	}
	close(docs)
	return nil
}

// ok: the early return happens before the consumer goroutine exists.
func validateFirst(paths []string) error {
	if len(paths) == 0 {
		return errors.New("nothing to do")
	}
	docs := make(chan string)
	go func() {
		for d := range docs {
			index(d)
		}
	}()
	for _, p := range paths {
		docs <- p
	}
	close(docs)
	return nil
}

// ok: the consumer stops by itself on a sentinel value.
func sentinel(words []string) {
	ch := make(chan string)
	go func() {
		for w := range ch {
			if w == "" {
				return
			}
			index(w)
		}
	}()
	for _, w := range words {
		ch <- w
	}
	ch <- ""
}

// ok: the watcher also gives up when the connection's context is done.
func watchWithCancel(conn net.Conn, done <-chan struct{}) error {
	quit := make(chan struct{})
	go func() {
		select {
		case <-quit:
		case <-done:
		}
		conn.Close()
	}()
	if err := handshake(conn); err != nil {
		return err
	}
	close(quit)
	return nil
}

// ok: the goroutine is only started on one branch, and we cannot tie it to the return.
func maybeAsync(paths []string, async bool) error {
	docs := make(chan string)
	if async {
		go func() {
			for d := range docs {
				index(d)
			}
		}()
	}
	for _, p := range paths {
		if p == "" {
			return errors.New("empty path")
		}
		docs <- p
	}
	close(docs)
	return nil
}

// ok: the channel is handed to a function declared elsewhere, which may close it.
func handOff(paths []string, sink func(chan string)) error {
	docs := make(chan string)
	go func() {
		for d := range docs {
			index(d)
		}
	}()
	sink(docs)
	for _, p := range paths {
		if p == "" {
			return errors.New("empty path")
		}
	}
	return nil
}

// ok: the producer goroutine closes with defer, so all of its paths close.
func deferInProducer(paths []string) {
	docs := make(chan string)
	go func() {
		for d := range docs {
			index(d)
		}
	}()
	go func() {
		defer close(docs)
		for _, p := range paths {
			docs <- p
		}
	}()
}
