package fixtures

import (
	"context"
	"time"
)

type dhcpClient struct{}

func (dhcpClient) Request(ctx context.Context) (time.Duration, error) { return time.Minute, nil }

func (dhcpClient) Renew(ctx context.Context) (time.Duration, error) { return time.Minute, nil }

// incus' DHCP client: a 30-second deadline for the first lease, then renewals for the life of the
// process under a context nothing cancels. The loop does not run under the deadline's context.
func runDHCP(client dhcpClient) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	renewal, err := client.Request(ctx)
	if err != nil {
		return err
	}
	for {
		time.Sleep(renewal) // ok
		renewal, err = client.Renew(context.Background())
		if err != nil {
			return err
		}
	}
}

// The renewals run under the deadline too: once it passes, each sleep still runs to its end.
func runDHCPBounded(client dhcpClient) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	renewal, err := client.Request(ctx)
	if err != nil {
		return err
	}
	for {
		time.Sleep(renewal) // want "`time.Sleep\\(renewal\\)` in a loop ignores `ctx`"
		renewal, err = client.Renew(ctx)
		if err != nil {
			return err
		}
	}
}
