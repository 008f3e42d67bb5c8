package fixtures

import (
	"context"
	"time"
)

// loki's metastore test: the maintainers silenced vet's lostcancel on this line with
// golangci-lint's directive; the same finding of ours is dropped with it.

type Getter interface {
	Get(ctx context.Context, id string) error
}

func withVetSilenced(parent context.Context, g Getter) error {
	ctx, _ := context.WithTimeout(parent, time.Second) //nolint:govet
	return g.Get(ctx, "a")
}

func withEveryLinterSilenced(parent context.Context, g Getter) error {
	ctx, _ := context.WithTimeout(parent, time.Second) //nolint
	return g.Get(ctx, "a")
}

func withSeveralNamed(parent context.Context, g Getter) error {
	ctx, _ := context.WithTimeout(parent, time.Second) //nolint:errcheck,govet // a test helper
	return g.Get(ctx, "a")
}

//nolint:govet // the whole helper
func helperSilenced(parent context.Context, g Getter) error {
	ctx, _ := context.WithTimeout(parent, time.Second)
	return g.Get(ctx, "a")
}

func otherLinterSilenced(parent context.Context, g Getter) error {
	ctx, _ := context.WithTimeout(parent, time.Second) //nolint:errcheck // want "discards the cancel function"
	return g.Get(ctx, "a")
}

// golangci-lint reads a spaced `// nolint: govet` too: it trims the leading slashes and spaces
// (v2ray's routing command).
func spacedDirective(parent context.Context, g Getter) error {
	ctx, _ := context.WithTimeout(parent, time.Second) // nolint: govet
	return g.Get(ctx, "a")
}

// A word that only starts like the directive is none.
func nolintlintIsNoDirective(parent context.Context, g Getter) error {
	ctx, _ := context.WithTimeout(parent, time.Second) // nolintlint:govet // want "discards the cancel function"
	return g.Get(ctx, "a")
}

// `nolint:` with no name silences nothing.
func emptyListSilencesNothing(parent context.Context, g Getter) error {
	ctx, _ := context.WithTimeout(parent, time.Second) //nolint: // want "discards the cancel function"
	return g.Get(ctx, "a")
}
