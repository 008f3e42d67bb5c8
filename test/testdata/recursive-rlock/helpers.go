package fixtures

import (
	"fmt"
	"sync"
)

type Index struct {
	mu    sync.RWMutex
	terms map[string][]int
}

func (ix *Index) Has(term string) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	_, ok := ix.terms[term]
	return ok
}

func (ix *Index) Lookup(term string) []int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if !ix.Has(term) { // want "`ix\\.Has\\(term\\)` read-locks `ix\\.mu` again \\(in `Has`\\), held since line 21: a pending writer deadlocks both"
		return nil
	}
	return ix.terms[term]
}

func (ix *Index) CountAll(terms []string) int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n := 0
	for _, t := range terms {
		if ix.Has(t) { // want "`ix.Has\\(t\\)` read-locks `ix.mu` again"
			n++
		}
	}
	return n
}

func (ix *Index) size() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.terms)
}

func (ix *Index) summary() string {
	return fmt.Sprintf("%d terms", ix.size())
}

func (ix *Index) String() string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.summary() // want "`ix\\.summary\\(\\)` read-locks `ix\\.mu` again \\(in `summary` → `size`\\), held since line 52"
}

func (ix *Index) Terms(prefix string) []string {
	ix.mu.RLock()
	var out []string
	for t := range ix.terms {
		out = append(out, t)
	}
	if prefix != "" {
		ix.mu.RLock() // want "second `ix.mu.RLock\\(\\)` with the first held since line 58"
		out = out[:0]
		ix.mu.RUnlock()
	}
	ix.mu.RUnlock()
	return out
}

type Table struct {
	sync.RWMutex
	rows []string
}

func (t *Table) Len() int {
	t.RLock()
	defer t.RUnlock()
	return len(t.rows)
}

func printTable(t *Table) {
	t.RLock()
	defer t.RUnlock()
	for _, r := range t.rows {
		fmt.Println(r)
	}
}

func (t *Table) Dump() {
	t.RLock()
	defer t.RUnlock()
	fmt.Println(t.Len()) // want "`t.Len\\(\\)` read-locks `t` again"
	printTable(t)        // want "`printTable\\(t\\)` read-locks `t` again"
}

var (
	settingsMu sync.RWMutex
	settings   = map[string]string{}
)

func setting(k string) string {
	settingsMu.RLock()
	defer settingsMu.RUnlock()
	return settings[k]
}

func settingOr(k, def string) string {
	settingsMu.RLock()
	defer settingsMu.RUnlock()
	switch v := setting(k); v { // want "`setting\\(k\\)` read-locks `settingsMu` again"
	case "":
		return def
	default:
		return v
	}
}

// ok: the read lock is released before the helper takes its own.
func (ix *Index) LookupUnlocked(term string) []int {
	ix.mu.RLock()
	ids := ix.terms[term]
	ix.mu.RUnlock()
	if !ix.Has(term) { // ok
		return nil
	}
	return ids
}

// ok: the helper does not lock; it expects the caller to hold the lock.
func (ix *Index) hasLocked(term string) bool {
	_, ok := ix.terms[term]
	return ok
}

func (ix *Index) Lookup2(term string) []int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if !ix.hasLocked(term) { // ok
		return nil
	}
	return ix.terms[term]
}

// ok: another index's lock.
func (ix *Index) Overlap(other *Index, term string) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return other.Has(term) // ok
}

// ok: the goroutine takes its read lock independently.
func (ix *Index) Prefetch(term string) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	go ix.Has(term) // ok
}

// ok: each iteration releases its read lock before the next takes one.
func (ix *Index) Poll(terms []string) int {
	n := 0
	for _, t := range terms {
		ix.mu.RLock()
		n += len(ix.terms[t])
		ix.mu.RUnlock()
	}
	return n
}

// ok: both branches release the lock before the second read lock.
func (ix *Index) Refresh(term string) bool {
	ix.mu.RLock()
	if _, ok := ix.terms[term]; ok {
		ix.mu.RUnlock()
	} else {
		ix.mu.RUnlock()
	}
	ix.mu.RLock() // ok
	defer ix.mu.RUnlock()
	return len(ix.terms) > 0
}

// ok: two different RWMutexes.
type Pair struct {
	left, right sync.RWMutex
	l, r        int
}

func (p *Pair) Sum() int {
	p.left.RLock()
	defer p.left.RUnlock()
	p.right.RLock() // ok
	defer p.right.RUnlock()
	return p.l + p.r
}

// ok: the closure runs later, after the read lock is gone.
func (ix *Index) Watch(register func(func() bool)) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	register(func() bool { return ix.Has("x") }) // ok
}
