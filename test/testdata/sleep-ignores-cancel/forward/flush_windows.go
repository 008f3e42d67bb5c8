//go:build windows

package forward

import "time"

const flushDelay = time.Second
