package split

// The loop and the sender live in different files.
func (h *hub) join(name string) {
	h.joins <- name // want "`h.joins <- name` blocks forever once `run` has returned on `<-h.done` \\(loop.go:17\\)"
}

func (h *hub) rejoin(names []string) {
	for _, n := range names {
		h.joins <- n // want "`h.joins <- n` blocks forever once `run` has returned"
	}
}
