package storagecheck

import "context"

type tierKey struct{}

func format(s store) error {
	return selfTest(context.Background(), s)
}

func mount(s store, tier int) error {
	ctx := context.WithValue(context.Background(), tierKey{}, tier)
	if err := selfTest(ctx, s); err != nil {
		return err
	}
	return probe(context.Background(), s)
}

func config(ctx context.Context, s store) error {
	return probe(ctx, s)
}
