import * as assert from 'node:assert/strict';
import { analyze, analyzePackage } from '../../src/core/analyze';
import { FileFacts } from '../../src/core/model/facts';
import { constantDuration, durationBound, loopSleepTotal } from '../../src/core/model/durations';
import { RULES_BY_ID } from '../../src/core/rules';
import { GoFile, type GoLanguage, type Node } from '../../src/core/syntax/parser';
import { descendants, isPackageCall, ancestor, callArgs } from '../../src/core/syntax/nodes';
import { loadGoForTests, TESTDATA } from '../helpers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const SRC = `package p

import (
	"context"
	"math/rand"
	"time"
)

const maxRetries = 3

func counted(ctx context.Context, f func(context.Context) error) {
	for attempt := range 3 {
		time.Sleep(time.Duration(100*attempt) * time.Millisecond)
	}
	for i := 1; i <= maxRetries; i++ {
		time.Sleep(time.Duration(100*i*i) * time.Millisecond)
	}
	for i := 0; i < 6; i++ {
		time.Sleep(time.Duration(i) * time.Second)
	}
}

func capped(ctx context.Context, f func(context.Context) error) {
	poll := 100 * time.Millisecond
	for f(ctx) != nil {
		time.Sleep(poll)
		poll = min(2*poll, time.Second)
	}
}

func growing(ctx context.Context, f func(context.Context) error) {
	poll := 100 * time.Millisecond
	for f(ctx) != nil {
		time.Sleep(poll)
		poll = 2 * poll
	}
}

func configured(ctx context.Context, f func(context.Context) error, d time.Duration) {
	for f(ctx) != nil {
		time.Sleep(d)
	}
}

func jitter(ctx context.Context, f func(context.Context) error) {
	for f(ctx) != nil {
		time.Sleep(time.Duration(rand.Int63n(int64(time.Second))))
		time.Sleep(100*time.Millisecond + time.Duration(rand.Int63n(int64(time.Second))))
	}
}

func constant(ctx context.Context, f func(context.Context) error) {
	for f(ctx) != nil {
		time.Sleep(maxRetries * 100 * time.Millisecond)
	}
}

func fractions(ctx context.Context, f func(context.Context) error, r *rand.Rand, m interface{ Float64() float64 }, c struct{ rand *rand.Rand }) {
	for f(ctx) != nil {
		time.Sleep(time.Duration(r.Float64() * float64(3*time.Second)))
		time.Sleep(time.Duration(m.Float64() * float64(time.Second)))
		time.Sleep(time.Second + time.Duration(c.rand.Int63n(1000))*time.Millisecond)
	}
}

func doubling(f func() error) {
	const tries = 8
	delay := 10 * time.Millisecond
	err := f()
	n := 0
	for err != nil && n < tries {
		n++
		time.Sleep(delay)
		delay *= 2
		err = f()
	}
	grow := 100 * time.Millisecond
	for i := 0; i < 4; i++ {
		grow = grow * 3
		time.Sleep(grow)
	}
	unbounded := time.Second
	for f() != nil {
		time.Sleep(unbounded)
		unbounded *= 2
	}
	outer := time.Second
	for j := 0; j < 3; j++ {
		for k := 0; k < 3; k++ {
			time.Sleep(outer)
			outer *= 2
		}
	}
}

func windows(f func() error, deadline time.Time) {
	for f() != nil {
		start := time.Now()
		end := start.Add(2 * time.Second)
		time.Sleep(time.Until(end))
		time.Sleep(time.Until(deadline))
	}
}
`;

describe('model/durations', () => {
  let go: GoLanguage;
  let sleeps: Node[];
  let file: FileFacts;
  let parsed: GoFile;
  before(async () => {
    go = await loadGoForTests();
    parsed = new GoFile(go, SRC, 'p.go');
    file = new FileFacts(parsed.root!, parsed.source, 'p.go');
    sleeps = descendants(parsed.root!, 'call_expression').filter((c) => isPackageCall(c, 'time', 'Sleep'));
  });
  after(() => parsed.dispose());
  const arg = (i: number) => callArgs(sleeps[i])[0];
  const loop = (i: number) => ancestor(sleeps[i], 'for_statement')!;

  it('bounds a loop counter multiple by the counter\'s last value', () => {
    assert.equal(durationBound(arg(0), file), 200e6);
    assert.equal(durationBound(arg(1), file), 900e6);
    assert.equal(durationBound(arg(2), file), 5e9);
  });

  it('sums a counted loop\'s pauses over its rounds', () => {
    assert.equal(loopSleepTotal(loop(0), arg(0), file), 300e6);
    assert.equal(loopSleepTotal(loop(1), arg(1), file), 1400e6);
    assert.equal(loopSleepTotal(loop(2), arg(2), file), 15e9);
  });

  it('bounds a local capped by min(...) and leaves growing or configured ones unbounded', () => {
    assert.equal(durationBound(arg(3), file), 1e9);
    assert.equal(durationBound(arg(4), file), undefined);
    assert.equal(durationBound(arg(5), file), undefined);
    assert.equal(loopSleepTotal(loop(3), arg(3), file), undefined);
  });

  it('bounds random jitter by its limit, and sums', () => {
    assert.equal(durationBound(arg(6), file), 1e9);
    assert.equal(durationBound(arg(7), file), 1.1e9);
    assert.equal(constantDuration(arg(6), file), undefined);
    // A random source's Float64() is less than 1; another value's is not bounded.
    assert.equal(durationBound(arg(9), file), 3e9);
    assert.equal(durationBound(arg(10), file), undefined);
    assert.equal(durationBound(arg(11), file), 2e9);
  });

  it('bounds a back-off that grows by a constant factor once per counted round, and only then', () => {
    // kopia's mmap retry: 10ms doubled after each of at most 8 sleeps.
    assert.equal(durationBound(arg(12), file), 1.28e9);
    // Grown before the sleep: four growths.
    assert.equal(durationBound(arg(13), file), 8.1e9);
    // Rounds not counted, or the local outlives an outer loop: not bounded.
    assert.equal(durationBound(arg(14), file), undefined);
    assert.equal(durationBound(arg(15), file), undefined);
  });

  it('bounds time.Until of a moment made with time.Now().Add(d) by d, and no other', () => {
    assert.equal(durationBound(arg(16), file), 2e9);
    assert.equal(durationBound(arg(17), file), undefined);
  });

  it('a constant duration needs constants only: a counter or a reassigned local is not one', () => {
    assert.equal(constantDuration(arg(0), file), undefined);
    assert.equal(constantDuration(arg(2), file), undefined);
    assert.equal(constantDuration(arg(3), file), undefined);
    assert.equal(constantDuration(callArgs(sleeps[8])[0], file), 300e6);
  });

  it('sleep-ignores-cancel reports short, bounded delays as information and the rest as warnings', () => {
    const rules = [RULES_BY_ID.get('sleep-ignores-cancel')!];
    const got = analyze(go, SRC, { rules, fileName: 'p.go' }).findings.map((f) => `${f.range.start.line + 1} ${f.severity}`);
    assert.deepEqual(got, ['13 info', '16 info', '19 warning', '26 info', '34 warning', '41 warning', '47 info', '48 info', '60 info', '61 warning', '62 info']);
  });

  it('a constant declared in the enclosing function hides others of the same name', () => {
    const src = `package p

import "time"

const pause = time.Minute

func a() {
	const retryDelay = 50 * time.Millisecond
	time.Sleep(retryDelay)
}

func b() {
	const retryDelay = 200 * time.Millisecond
	time.Sleep(retryDelay)
	time.Sleep(pause)
}

func c() {
	time.Sleep(retryDelay)
}
`;
    const f = new GoFile(go, src, 'c.go');
    try {
      const ff = new FileFacts(f.root!, f.source, 'c.go');
      const args = descendants(f.root!, 'call_expression').filter((x) => isPackageCall(x, 'time', 'Sleep')).map((x) => callArgs(x)[0]);
      assert.deepEqual(args.map((x) => constantDuration(x, ff)), [50e6, 200e6, 60e9, undefined]);
    } finally {
      f.dispose();
    }
  });

  it('bounds an unexported package variable by its value and every assignment in the file', () => {
    const src = `package p

import "time"

var menuDelay time.Duration

var growing = time.Millisecond

var Exported = time.Millisecond

func setup(slow bool) {
	menuDelay = 0
	if slow {
		menuDelay = 10 * time.Millisecond
	}
	growing = 2 * growing
}

func use() {
	time.Sleep(menuDelay)
	time.Sleep(growing)
	time.Sleep(Exported)
}
`;
    const f = new GoFile(go, src, 'v.go');
    try {
      const ff = new FileFacts(f.root!, f.source, 'v.go');
      const args = descendants(f.root!, 'call_expression').filter((x) => isPackageCall(x, 'time', 'Sleep')).map((x) => callArgs(x)[0]);
      assert.deepEqual(args.map((x) => durationBound(x, ff)), [10e6, undefined, undefined]);
    } finally {
      f.dispose();
    }
  });

  it('bounds a counter by an earlier exit that caps it, unless it changes after the exit', () => {
    const src = `package p

import (
	"errors"
	"time"
)

func accept(next func() error) error {
	failures := 0
	const maxFailures = 8
	for {
		if err := next(); err == nil {
			failures = 0
			continue
		}
		failures++
		if failures > maxFailures {
			return errors.New("giving up")
		}
		time.Sleep(time.Duration(failures) * time.Second)
	}
}

func strict(next func() error) {
	tries := 0
	for next() != nil {
		tries++
		if tries >= 4 || next == nil {
			break
		}
		time.Sleep(time.Duration(tries) * time.Second)
	}
}

func bumpedAfter(next func() error) {
	n := 0
	for next() != nil {
		if n > 5 {
			return
		}
		n += 10
		time.Sleep(time.Duration(n) * time.Second)
	}
}

func notLeaving(next func() error) {
	n := 0
	for next() != nil {
		n++
		if n > 5 {
			println("many")
		}
		time.Sleep(time.Duration(n) * time.Second)
	}
}
`;
    const f = new GoFile(go, src, 'g.go');
    try {
      const ff = new FileFacts(f.root!, f.source, 'g.go');
      const args = descendants(f.root!, 'call_expression').filter((x) => isPackageCall(x, 'time', 'Sleep')).map((x) => callArgs(x)[0]);
      assert.deepEqual(args.map((x) => durationBound(x, ff)), [8e9, 3e9, undefined, undefined]);
    } finally {
      f.dispose();
    }
  });

  it('sleep-ignores-cancel: a capped back-off in a loop that checks ctx on every round is information; uncapped, long or skipping the check, a warning', () => {
    const text = readFileSync(join(TESTDATA, 'sleep-ignores-cancel', 'backoff.go'), 'utf8');
    const got = analyze(go, text, { rules: [RULES_BY_ID.get('sleep-ignores-cancel')!], fileName: 'backoff.go' }).findings.map((f) => `${f.range.start.line + 1} ${f.severity}`);
    assert.deepEqual(got, ['26 info', '44 warning', '57 warning', '75 warning', '88 info', '109 info', '125 warning', '136 info', '149 info']);
  });

  it('sleep-ignores-cancel: a goroutine that nothing waits for (no Done, close or send of its own) is information', () => {
    const src = `package p

import (
	"context"
	"sync"
	"time"
)

func background(ctx context.Context, every time.Duration, poll func(context.Context) error) {
	go func() {
		for poll(ctx) == nil {
			time.Sleep(every)
		}
	}()
}

func joined(ctx context.Context, every time.Duration, poll func(context.Context) error, wg *sync.WaitGroup) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		for poll(ctx) == nil {
			time.Sleep(every)
		}
	}()
}

func reports(ctx context.Context, every time.Duration, poll func(context.Context) error, errs chan<- error) {
	go func() {
		for {
			if err := poll(ctx); err != nil {
				errs <- err
				return
			}
			time.Sleep(every)
		}
	}()
}
`;
    const rules = [RULES_BY_ID.get('sleep-ignores-cancel')!];
    const got = analyze(go, src, { rules, fileName: 'p.go' }).findings.map((f) => `${f.range.start.line + 1} ${f.severity}`);
    assert.deepEqual(got, ['12 info', '22 warning', '34 warning']);
  });

  it('sleep-ignores-cancel: a goroutine whose only signal closes an unexported field that no file of the program reads (only a test) is information', () => {
    const dir = join(TESTDATA, 'sleep-ignores-cancel', 'streamer');
    const files = ['streamer.go', 'streamer_test.go'].map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
    const rules = [RULES_BY_ID.get('sleep-ignores-cancel')!];
    const got = analyzePackage(go, files, { rules })[0].findings.map((f) => `${f.range.start.line + 1} ${f.severity}`);
    assert.deepEqual(got, ['31 info', '47 warning']);
    // Alone, the file cannot tell whether a sibling reads the field: a warning.
    const alone = analyze(go, files[0].text, { rules, fileName: 'streamer.go' }).findings.map((f) => `${f.range.start.line + 1} ${f.severity}`);
    assert.deepEqual(alone, ['31 warning', '47 warning']);
  });
});
