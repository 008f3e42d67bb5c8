package forward

import "time"

// The pauses and the retry count are declared here, in another file of the package than the
// loops that use them (pd's forwarding client).
const (
	maxRetries    = 6
	retryInterval = 500 * time.Millisecond
	backoff       = 2 * time.Second
	pollInterval  = 30 * time.Second
)

const slowRetries = 50
