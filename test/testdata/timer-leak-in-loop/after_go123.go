package fixtures

//fixture:go 1.23

import (
	"log"
	"time"
)

func relayNew(msgs <-chan string, idle time.Duration) {
	for {
		select {
		case m := <-msgs:
			log.Println(m)
		case <-time.After(idle): // want "`time\\.After\\(idle\\)` allocates a timer per loop pass; collected since Go 1\\.23"
			log.Println("idle")
		}
	}
}

// ok: since Go 1.23 an unstopped ticker is collected once unreferenced.
func everySecond(stop <-chan struct{}) {
	tick := time.Tick(time.Second)
	for {
		select {
		case <-stop:
			return
		case <-tick:
			log.Println("tick")
		}
	}
}
