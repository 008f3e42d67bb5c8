//go:build linux

package forward

import "time"

const flushDelay = 20 * time.Second
