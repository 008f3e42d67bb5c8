package split

import "fmt"

// The atomic side is in stats.go.
func (p *pool) String() string {
	return fmt.Sprintf("active=%d", p.active) // want "`p.active` is read without sync/atomic, while `acquire` uses `atomic.AddInt32` on it \\(stats.go:9\\)"
}
