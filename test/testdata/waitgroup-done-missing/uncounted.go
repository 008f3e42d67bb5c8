package fixtures

import (
	"io"
	"sync"
)

func mirrorWrite(w io.Writer) {}

func mirrorRead(r io.Reader) {}

// ok: the Add counts every terminal but the first, whose goroutine only writes and is not waited
// for; the others count down when their input ends (incus' exec mirrors).
func mirror(ttys []io.ReadWriter) {
	var wgEOF sync.WaitGroup
	wgEOF.Add(len(ttys) - 1)
	for i := range ttys {
		go func(i int) {
			if i == 0 {
				mirrorWrite(ttys[i])
			} else {
				mirrorRead(ttys[i])
				wgEOF.Done()
			}
		}(i)
	}
	wgEOF.Wait()
}

// Every terminal counted, the first never counted down: Wait blocks forever.
func mirrorAll(ttys []io.ReadWriter) {
	var wgEOF sync.WaitGroup
	wgEOF.Add(len(ttys))
	for i := range ttys {
		go func(i int) {
			if i == 0 {
				mirrorWrite(ttys[i])
			} else {
				mirrorRead(ttys[i])
				wgEOF.Done() // want "the end of the function skips `wgEOF.Done\\(\\)`"
			}
		}(i)
	}
	wgEOF.Wait()
}
