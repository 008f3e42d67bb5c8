package main

import (
	"fmt"
	"sync/atomic"
	"time"
)

var done int64

// ok: started once, in a goroutine of main (gocraft/work's benchmark monitor): one ticker per process.
func monitor() {
	t := time.Tick(time.Second)
	for range t {
		if atomic.LoadInt64(&done) > 0 {
			break
		}
		fmt.Println("working")
	}
	fmt.Println("done")
}

// report is started once per batch: each run leaves its ticker behind.
func report(batch int) {
	t := time.Tick(time.Second) // want "starts an unstoppable ticker"
	for range t {
		if atomic.LoadInt64(&done) > int64(batch) {
			return
		}
	}
}

func main() {
	go monitor()
	for i := 0; i < 3; i++ {
		go report(i)
		time.Sleep(time.Second)
		atomic.AddInt64(&done, 1)
	}
}
