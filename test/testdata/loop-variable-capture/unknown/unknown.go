package unknown

import "fmt"

// ok: the Go version is unknown, so the rule stays silent.
func printAll(xs []int, done chan<- bool) {
	for _, x := range xs {
		go func() {
			fmt.Println(x)
			done <- true
		}()
	}
}
