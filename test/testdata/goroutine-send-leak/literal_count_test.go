package leaks

import "testing"

func readOne(c string) string { return c }

// ok: the loop over a two-element literal starts two senders, and the test receives twice (nsq).
func TestTwoConsumers(t *testing.T) {
	msgs := make(chan string)
	for _, ch := range []string{"ch1", "ch2"} {
		go func(c string) {
			msgs <- readOne(c)
		}(ch)
	}
	first := <-msgs
	second := <-msgs
	if first == second {
		t.Log("same")
	}
}

func TestThreeSendersTwoReceives(t *testing.T) {
	msgs := make(chan string)
	for _, ch := range []string{"a", "b", "c"} {
		go func(c string) {
			msgs <- readOne(c) // want "blocks forever"
		}(ch)
	}
	<-msgs
	<-msgs
}
