package fixtures

import (
	"context"
	"time"
)

type retryCode struct {
	code  string
	sleep time.Duration
}

var retryCodes = []retryCode{{"busy", time.Second}}

// The loop only looks the code up and the sleep runs once per call, but the caller retries and
// the pause doubles with every try: minutes that a cancelled ctx still waits out (rclone's
// filefabric backend).
func shouldRetry(ctx context.Context, code string, try int) bool {
	if ctx.Err() != nil {
		return false
	}
	for _, rc := range retryCodes {
		if code == rc.code {
			time.Sleep(rc.sleep << (try - 1)) // want "in a loop ignores `ctx`"
			return true
		}
	}
	return false
}
