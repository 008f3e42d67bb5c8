package main

import (
	"flag"
	"time"
)

func main() {
	every := flag.Duration("every", time.Minute, "refresh interval")
	flag.Parse()
	if *every <= 0 {
		println("bad -every")
		return
	}
	d, err := newDiscoverer(*every)
	if err != nil {
		return
	}
	for i := 0; i < 3; i++ {
		if d.poll() {
			break
		}
	}
	d.run()
}
