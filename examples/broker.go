// Demonstrates: send-to-stopped-loop, timer-drain-deadlock
//
// A message broker whose run loop batches messages and stops when Close is called.
package examples

import "time"

type message struct {
	topic string
	body  []byte
}

type Broker struct {
	in    chan message
	quit  chan struct{}
	every time.Duration
}

func NewBroker(every time.Duration) *Broker {
	b := &Broker{in: make(chan message), quit: make(chan struct{}), every: every}
	go b.run()
	return b
}

func (b *Broker) run() {
	var batch []message
	t := time.NewTimer(b.every)
	for {
		select {
		case m := <-b.in:
			batch = append(batch, m)
			if !t.Stop() {
				<-t.C // hangs when the timer case below already took the value
			}
			t.Reset(b.every)
		case <-t.C:
			flush(batch)
			batch = nil
		case <-b.quit:
			return
		}
	}
}

// Publish hands a message to the run loop; after Close it waits forever.
func (b *Broker) Publish(topic string, body []byte) {
	b.in <- message{topic: topic, body: body}
}

func (b *Broker) Close() { close(b.quit) }

func flush(batch []message) {}
