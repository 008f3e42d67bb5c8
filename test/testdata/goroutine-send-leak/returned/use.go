package returned

import "time"

func Reachable(addr string) bool {
	select {
	case ok := <-Probe(addr): // want "once `case <-time.After\\(time.Second\\)` wins, the goroutine `Probe` started blocks forever on `up <- addr != \"\"` \\(async.go:7\\)"
		return ok
	case <-time.After(time.Second):
		return false
	}
}
