package fixtures

// pulsar's ListWithContext without its early return: two result channels read in a loop until
// four results have come. The case of the other channel does not stop the loop; the count does.

func getList(out chan<- []string) {
	out <- nil // ok
}

func listCounted() ([]string, []string) {
	var persistent, other []string
	pc := make(chan []string)
	oc := make(chan []string)
	go getList(pc)
	go getList(pc)
	go getList(oc)
	go getList(oc)
	left := 4
	for {
		select {
		case p := <-pc:
			left--
			persistent = append(persistent, p...)
		case o := <-oc:
			left--
			other = append(other, o...)
		}
		if left == 0 {
			break
		}
	}
	return persistent, other
}

// Without the loop, the first result to come wins and the other sender is left.
func firstOfTwo(get func() string) string {
	a := make(chan string)
	b := make(chan string)
	go func() {
		a <- get() // want "blocks forever"
	}()
	go func() {
		b <- get() // want "blocks forever"
	}()
	select {
	case s := <-a:
		return s
	case s := <-b:
		return s
	}
}
