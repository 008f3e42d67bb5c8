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
  message: '`wg.Add(1)` runs inside the goroutine started at line 10, so `wg.Wait()` (line 16) can return before it is counted',
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

/** Every subject; each is checked by diagnostics, hover, quick-fix and settings tests. */
export const SUBJECTS: Subject[] = [WAITGROUP];

/**
 * Rules whose test/testdata fixtures are replayed in the editor (every `// want` must become a
 * diagnostic, every golden must come out of applying the quick fixes one by one). Add a rule
 * here once its fixtures are final.
 */
export const FIXTURE_RULES: string[] = ['waitgroup-add-in-goroutine'];
