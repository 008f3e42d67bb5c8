// Demonstrates: waitgroup-add-in-goroutine, close-before-wait
//
// resizeAll starts one goroutine per image. The WaitGroup is incremented inside
// each goroutine, so Wait can return before any of them is counted, and the
// results channel is closed while workers may still send on it.
package examples

import "sync"

type image struct{ name string }

func resize(img image) string { return img.name + "@2x" }

func resizeAll(images []image) []string {
	var wg sync.WaitGroup
	results := make(chan string, len(images))
	for _, img := range images {
		go func(img image) {
			wg.Add(1)
			defer wg.Done()
			results <- resize(img)
		}(img)
	}
	close(results)
	wg.Wait()

	var out []string
	for r := range results {
		out = append(out, r)
	}
	return out
}
