/**
 * The Go code the suite reviews, with what the extension must make of it. A subject is one
 * finding of one rule: the source, the text the squiggle covers, the exact message, the steps
 * the hover explains and a quick fix with the text it leaves. Tests iterate over SUBJECTS, so a
 * rule added here is checked end to end (diagnostic, hover, fix, severity settings) with no new
 * test code.
 */
export interface Subject {
  ruleId: string;
  /** The rule's title, the first line of the hover. */
  title: string;
  /** A whole Go file with exactly one finding of the rule. */
  source: string;
  /** The text the diagnostic's range covers (its first occurrence in `source`). */
  at: string;
  message: string;
  /** 'Warning' etc.: the rule's default severity. */
  severity: 'Error' | 'Warning' | 'Information' | 'Hint';
  /** The numbered steps the hover shows, in order. */
  steps: string[];
  /** Related information: the text each location covers and its message. */
  related: { at: string; message: string }[];
  /** The quick fix to apply and the whole file after it. */
  fix: { title: string; after: string };
  /** The goroutine CodeLens above the function with the finding, as it reads before the fix. */
  lens: string;
}

export const WAITGROUP: Subject = {
  ruleId: 'waitgroup-add-in-goroutine',
  title: 'WaitGroup.Add called inside the goroutine it counts',
  source: `package main

import "sync"

func process(string) {}

func processAll(items []string) {
	var wg sync.WaitGroup
	for _, it := range items {
		go func(it string) {
			wg.Add(1)
			defer wg.Done()
			process(it)
		}(it)
	}
	wg.Wait()
}
`,
  at: 'wg.Add(1)',
  lens: '1 goroutine · ends on: last line', // a WaitGroup finding is not a leak
  message: '`wg.Add(1)` runs inside the goroutine started at line 10, so `wg.Wait()` can return before it is counted',
  severity: 'Warning',
  steps: [
    'processAll starts the goroutine (line 10); the scheduler has not run it yet.',
    'processAll reaches `wg.Wait()` (line 16) while the counter is still 0, so it returns at once.',
    'The goroutine then runs `wg.Add(1)` (line 11): its work is no longer waited for.',
  ],
  related: [
    { at: 'go func(it string) {\n\t\t\twg.Add(1)\n\t\t\tdefer wg.Done()\n\t\t\tprocess(it)\n\t\t}(it)', message: 'the goroutine is started here' },
    { at: 'wg.Wait()', message: 'this Wait may not wait for it' },
  ],
  fix: {
    title: 'Move `wg.Add(1)` before the go statement',
    after: `package main

import "sync"

func process(string) {}

func processAll(items []string) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it string) {
			defer wg.Done()
			process(it)
		}(it)
	}
	wg.Wait()
}
`,
  },
};

/**
 * The README's example and the one the UI tests click through: one goroutine per shop sends on an
 * unbuffered channel, and the function gives up on a `time.After` timeout while some of them
 * have not sent yet. The fix buffers the channel for every sender.
 */
export const SEND_LEAK: Subject = {
  ruleId: 'goroutine-send-leak',
  title: 'Goroutine blocks forever sending on a channel nobody reads any more',
  source: `package main

import "time"

type Price struct {
	Shop  string
	Cents int
}

func quote(shop string) Price { return Price{Shop: shop} }

// quoteAll asks every shop at once and keeps the answers that arrive within two seconds.
func quoteAll(shops []string) []Price {
	ch := make(chan Price)
	for _, shop := range shops {
		go func(shop string) {
			ch <- quote(shop)
		}(shop)
	}
	timeout := time.After(2 * time.Second)
	var prices []Price
	for range shops {
		select {
		case p := <-ch:
			prices = append(prices, p)
		case <-timeout:
			return prices
		}
	}
	return prices
}
`,
  at: 'ch <- quote(shop)',
  lens: '1 goroutine · ends on: last line · 1 may leak',
  message: '`ch <- quote(shop)` blocks forever: quoteAll stops receiving at line 26 (`case <-timeout`)',
  severity: 'Warning',
  steps: [
    'quoteAll makes `ch` at line 14 with `make(chan Price)`: it has no buffer, so every send waits for a receiver.',
    'It starts the goroutine at line 16, once per iteration of the loop at line 15.',
    '`case <-timeout` (line 26) is ready first, so quoteAll stops waiting for `ch`.',
    'The goroutine reaches `ch <- quote(shop)` (line 17); nobody will receive again, so it blocks forever and keeps everything it references alive.',
  ],
  related: [
    { at: 'go func(shop string) {\n\t\t\tch <- quote(shop)\n\t\t}(shop)', message: 'the goroutine is started here' },
    { at: 'make(chan Price)', message: '`ch` is made here' },
    // the whole select case, up to the start of the line after its body
    { at: 'case <-timeout:\n\t\t\treturn prices\n', message: 'receiving stops here' },
  ],
  fix: {
    title: 'Buffer `ch` with capacity len(shops)',
    after: `package main

import "time"

type Price struct {
	Shop  string
	Cents int
}

func quote(shop string) Price { return Price{Shop: shop} }

// quoteAll asks every shop at once and keeps the answers that arrive within two seconds.
func quoteAll(shops []string) []Price {
	ch := make(chan Price, len(shops))
	for _, shop := range shops {
		go func(shop string) {
			ch <- quote(shop)
		}(shop)
	}
	timeout := time.After(2 * time.Second)
	var prices []Price
	for range shops {
		select {
		case p := <-ch:
			prices = append(prices, p)
		case <-timeout:
			return prices
		}
	}
	return prices
}
`,
  },
};

/** Every subject; each is checked by diagnostics, hover, quick-fix and settings tests. */
export const SUBJECTS: Subject[] = [WAITGROUP, SEND_LEAK];

/**
 * Rules whose test/testdata fixtures are replayed in the editor (every `// want` must become a
 * diagnostic, every golden must come out of applying the quick fixes one by one). Add a rule
 * here once its fixtures are final.
 */
export const FIXTURE_RULES: string[] = ['waitgroup-add-in-goroutine', 'goroutine-send-leak'];

/**
 * The golden replay is slow (a review per fix applied, about 1.3 s per golden section): for the
 * rules listed here only these golden files are replayed, chosen to cover every kind of fix the
 * rule has; the unit tests check all of them. A rule of FIXTURE_RULES not listed replays all.
 */
export const GOLDEN_FILES: Record<string, string[]> = {
  // capacities len(x) and constant, and the ctx.Done() select wrap
  'goroutine-send-leak': ['fanout.go.golden'],
};
