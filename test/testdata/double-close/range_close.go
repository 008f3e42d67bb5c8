package fixtures

import "fmt"

type event struct{ id int }

func produce(e event, reports chan event) { go func() { reports <- e }() }

// ok: one report per channel, and the range ends at the receive after the close
// (confluent-kafka-go's custom delivery channel example).
func deliverEach(events []event) {
	for _, e := range events {
		reports := make(chan event)
		go func() {
			for r := range reports {
				fmt.Println(r.id)
				close(reports) // ok
			}
		}()
		produce(e, reports)
	}
}

// With a buffer, a second value can be waiting: the next pass closes the channel again.
func deliverBuffered(e event) {
	reports := make(chan event, 2)
	reports <- e
	reports <- e
	for r := range reports {
		fmt.Println(r.id)
		close(reports) // want "`close\\(reports\\)` runs on every iteration of the loop, and the second close of the channel panics"
	}
}
