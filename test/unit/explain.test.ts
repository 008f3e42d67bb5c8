import * as assert from 'node:assert/strict';
import { analyze } from '../../src/core/analyze';
import { RULES_BY_ID } from '../../src/core/rules';
import { explainAt, goroutineLenses, lensTitle } from '../../src/core/present/explain';
import { FileFacts } from '../../src/core/model/facts';
import { GoFile, type GoLanguage } from '../../src/core/syntax/parser';
import { loadGoForTests } from '../helpers';

const SRC = `package p

import (
	"context"
	"sync"
)

func pool(ctx context.Context, jobs <-chan int, out chan<- int) {
	var wg sync.WaitGroup
	results := make(chan int)
	buffered := make(chan int, 4)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j := range jobs {
			select {
			case out <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		for {
			results <- 1
		}
	}()
	go helper()
	ctx2, cancel := context.WithTimeout(ctx, 0)
	defer cancel()
	_ = ctx2
	close(buffered)
	wg.Wait()
	var mu sync.Mutex
	mu.Lock()
}
`;

describe('construct hovers and goroutine summaries', () => {
  let go: GoLanguage;
  let file: GoFile;
  let facts: FileFacts;
  before(async () => {
    go = await loadGoForTests();
    file = new GoFile(go, SRC, 'p.go');
    facts = new FileFacts(file.root!, file.source, 'p.go');
  });
  after(() => file.dispose());

  const at = (needle: string, delta = 0, nth = 0) => {
    let i = -1;
    for (let k = 0; k <= nth; k++) i = SRC.indexOf(needle, i + 1);
    assert.ok(i >= 0, needle);
    return explainAt(facts, i + delta) ?? '';
  };

  it('explains channel directions, make with and without a buffer', () => {
    assert.match(at('<-chan int'), /receive-only/);
    assert.match(at('chan<- int'), /send-only/);
    assert.match(at('make(chan int)'), /unbuffered/);
    assert.match(at('make(chan int, 4)'), /buffered channel with room for `4`/);
  });

  it('says how each goroutine ends, or that no exit was found', () => {
    const first = at('go func', 0, 0);
    assert.match(first, /How this goroutine ends/);
    assert.match(first, /`jobs` is closed/);
    assert.match(first, /ctx.Done\(\)/);
    assert.match(at('go func', 0, 1), /No exit found/);
    assert.match(at('go helper'), /not in this file/);
  });

  it('explains select, send, receive, close, defer, WaitGroup, context and mutex calls', () => {
    assert.match(at('select {'), /picked at random/);
    assert.match(at('out <- j', 4), /Send/);
    assert.match(at('<-ctx.Done()'), /Receive/);
    assert.match(at('close(buffered)'), /only the sender closes|Only the sender closes/);
    assert.match(at('defer cancel'), /when the surrounding function returns/);
    assert.match(at('wg.Add', 3), /before the `go` statement/);
    assert.match(at('wg.Wait', 3), /counter drops to zero/);
    assert.match(at('context.WithTimeout', 8), /cancel function/);
    assert.match(at('ctx.Done()', 4), /closed when the context is cancelled/);
    assert.match(at('mu.Lock', 3), /not reentrant/);
    assert.match(at('sync.Mutex', 5), /Never copy/);
  });

  it('on a goroutine that a finding says can leak, the hover leads with that, and the ways out hold only when nothing blocks it', () => {
    const src = `package p

import "time"

func first(work func() int) int {
	ch := make(chan int)
	go func() {
		ch <- work()
	}()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Second):
		return 0
	}
}
`;
    const f = new GoFile(go, src, 'leak.go');
    try {
      const ff = new FileFacts(f.root!, f.source, 'leak.go');
      const findings = analyze(go, src, { fileName: 'leak.go', rules: [RULES_BY_ID.get('goroutine-send-leak')!] }).findings;
      assert.equal(findings.length, 1);
      const text = explainAt(ff, src.indexOf('go func'), findings) ?? '';
      assert.match(text, /\*\*Can block forever at line 8\*\*: `ch <- work\(\)` blocks forever/);
      assert.match(text, /How this goroutine ends, when nothing blocks it/);
      assert.ok(text.indexOf('Can block forever') < text.indexOf('How this goroutine ends'), 'the leak comes first');
      // Without findings the hover is what it was.
      assert.doesNotMatch(explainAt(ff, src.indexOf('go func')) ?? '', /block forever/);
    } finally {
      f.dispose();
    }
  });

  it('is silent away from concurrency constructs', () => {
    assert.equal(explainAt(facts, SRC.indexOf('package')), undefined);
    assert.equal(explainAt(facts, SRC.indexOf('_ = ctx2')), undefined);
  });

  it('summarises the goroutines a function starts for the CodeLens', () => {
    const lenses = goroutineLenses(facts);
    assert.equal(lenses.length, 1);
    assert.equal(lensTitle(lenses[0], 1), '3 goroutines · end on: close(jobs), ctx.Done, return, last line · 1 with no exit · 1 may leak');
  });
});
