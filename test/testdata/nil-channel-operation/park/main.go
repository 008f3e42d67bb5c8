package main

import "time"

func client(id int) {
	for {
		time.Sleep(time.Second)
		_ = id
	}
}

// ok: the receive on a nil channel parks main for good while the clients run, as `select {}`
// would (goim's benchmark client).
func main() {
	for i := 0; i < 10; i++ {
		go client(i)
	}
	var exit chan bool
	<-exit // ok
}

// Anywhere else, waiting on a channel nothing makes is a bug.
func wait() {
	var done chan struct{}
	go client(0)
	<-done // want "on the nil channel `done`: it is never made or assigned"
}
