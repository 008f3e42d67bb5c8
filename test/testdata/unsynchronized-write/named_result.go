//fixture:go 1.21

package jobs

import "golang.org/x/sync/errgroup"

func writeChunk(n int) error { return nil }

// ok: each closure's named result `err` is its own variable, not the outer `err` (rclone multipart).
func upload(parts int) (err error) {
	var g errgroup.Group
	for i := 0; i < parts; i++ {
		i := i
		g.Go(func() (err error) {
			err = writeChunk(i)
			return err
		})
	}
	err = g.Wait()
	return err
}
