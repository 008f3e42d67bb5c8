package returned

// Probe starts the check on its own goroutine and hands back its channel.
func Probe(addr string) <-chan bool {
	up := make(chan bool)
	go func() {
		up <- addr != ""
	}()
	return up
}
