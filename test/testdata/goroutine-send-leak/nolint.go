package fixtures

// A `//nolint` directive silences other linters: this rule reports what no vet analyzer does,
// so a directive on the line does not silence it.

func firstOf(urls []string, get func(string) string) string {
	ch := make(chan string)
	for _, u := range urls {
		go func(u string) {
			ch <- get(u) //nolint // want "blocks forever"
		}(u)
	}
	return <-ch
}
