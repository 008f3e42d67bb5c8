// Demonstrates: goroutine-send-leak, lost-cancel
//
// firstResponse asks several mirrors and keeps the first answer. The other
// goroutines block forever on their send, because nobody receives after the
// first value arrives or after the timeout.
package examples

import (
	"context"
	"errors"
	"net/http"
	"time"
)

func firstResponse(urls []string) (*http.Response, error) {
	responses := make(chan *http.Response)
	for _, u := range urls {
		go func(u string) {
			resp, err := http.Get(u)
			if err != nil {
				return
			}
			responses <- resp
		}(u)
	}
	select {
	case r := <-responses:
		return r, nil
	case <-time.After(2 * time.Second):
		return nil, errors.New("no mirror answered in time")
	}
}

func fetchWithDeadline(parent context.Context, url string) (*http.Response, error) {
	ctx, _ := context.WithTimeout(parent, 5*time.Second)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return http.DefaultClient.Do(req)
}
