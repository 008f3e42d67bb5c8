package fixtures

import "sync"

// Exported functions may be called from other packages: no fix is offered.
func Wait(wg sync.WaitGroup) { // want "parameter `wg sync\\.WaitGroup` gets a copy of a `sync\\.WaitGroup`: its `Done` never"
	wg.Wait()
}

func helper(wg sync.WaitGroup, other func(sync.WaitGroup)) { // want "parameter `wg sync\\.WaitGroup` gets a copy of a `sync\\.WaitGroup`: its `Done` never"
	other(wg) // want "`wg` is passed by value to `other`"
}

func callHelper() {
	var wg sync.WaitGroup
	helper(wg, func(sync.WaitGroup) {})
}

// ok: the pointer is passed along.
func forward(wg *sync.WaitGroup, next func(*sync.WaitGroup)) {
	next(wg)
}
