package fixtures

import "sync"

// Main is the package's evaluator, with a mutex.
type Main struct {
	mu    sync.Mutex
	count int
}

// ok: inside ChangeExec, Main is the type parameter (terraform's stack evaluator), not the struct.
func ChangeExec[Main any](setup func(Main)) func(Main) {
	return func(m Main) {
		setup(m)
	}
}

// Registry keeps values of its type argument.
type Registry[Main any] struct {
	mu    sync.Mutex
	items []Main
}

// ok: the receiver names Main as the type argument.
func (r *Registry[Main]) Put(m Main) {
	r.mu.Lock()
	r.items = append(r.items, m)
	r.mu.Unlock()
}

// Outside the generic code Main is the struct, and the parameter copies its mutex.
func describe(m Main) int { // want "parameter `m Main` receives a copy of `Main.mu` \\(sync.Mutex\\)"
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.count
}
