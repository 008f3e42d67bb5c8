package pipeline

import "fmt"

func stage(in chan string) {
	for s := range in {
		if s == "" {
			close(in) // want "`stage` only receives from `in` but closes it while its caller `Run` still sends on it \\(source\\.go:9\\): the send panics"
			return
		}
		fmt.Println(s)
	}
}

// ok: a receiver that does not close.
func print(in chan string) {
	for s := range in {
		fmt.Println(s)
	}
}
