package storagecheck

import (
	"context"
	"time"
)

type store interface {
	Put(ctx context.Context, key string) error
}

// ok: every caller, all of them in the package's other file, passes context.Background() or a
// value added to it: nothing can cancel ctx (juicefs' storage test at format and mount).
func selfTest(ctx context.Context, s store) error {
	var err error
	for i := 0; i < 3; i++ {
		if err = s.Put(ctx, "testing/probe"); err == nil {
			break
		}
		time.Sleep(time.Second * time.Duration(i*3+1)) // ok
	}
	return err
}

// One caller in the other file passes a context its own caller may cancel.
func probe(ctx context.Context, s store) error {
	var err error
	for i := 0; i < 3; i++ {
		if err = s.Put(ctx, "testing/probe"); err == nil {
			break
		}
		time.Sleep(time.Second * time.Duration(i*3+1)) // want "`time\\.Sleep\\(time\\.Second \\* time\\.\\.\\.` in a loop ignores `ctx`"
	}
	return err
}
