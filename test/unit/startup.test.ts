/**
 * The server's start (issue 13): the warm-up review a server runs while it waits, and the
 * timeline it logs with its first findings.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyze } from '../../src/core/analyze';
import { RULES } from '../../src/core/rules';
import type { GoLanguage } from '../../src/core/syntax/parser';
import { StartupTimeline } from '../../src/server/startup';
import { warmUp, WARM_UP_SOURCE } from '../../src/server/warmup';
import { loadGoForTests, TESTDATA } from '../helpers';

describe('server start: warm-up review', () => {
  let go: GoLanguage;
  before(async () => {
    go = await loadGoForTests();
  });

  it('runs every rule once when nothing stops it, and none when stopped at once', async () => {
    assert.equal((await warmUp(go, () => false)).rules, RULES.length);
    assert.equal((await warmUp(go, () => true)).rules, 0);
  });

  it('stops between steps: the first is the parse alone, the second one rule', async () => {
    let asked = 0;
    assert.equal((await warmUp(go, () => ++asked > 1)).rules, 0);
    asked = 0;
    assert.equal((await warmUp(go, () => ++asked > 2)).rules, 1);
  });

  it('reviews a sample every rule parses without syntax errors, and leaves later reviews as they were', async () => {
    assert.equal(analyze(go, WARM_UP_SOURCE, { fileName: 'warmup.go' }).syntaxErrors, false);
    const text = WARM_UP_SOURCE.replace('package warmup', 'package other');
    const fixture = join(TESTDATA, 'goroutine-send-leak');
    const before = analyze(go, text, { fileName: join(fixture, 'x.go') }).findings;
    await warmUp(go, () => false);
    assert.deepEqual(analyze(go, text, { fileName: join(fixture, 'x.go') }).findings, before);
    assert.ok(before.length > 0, 'the sample has findings, so the comparison compares something');
  });
});

describe('server start: timeline', () => {
  it('keeps the first time of each step and reports them in order, once', () => {
    const t = new StartupTimeline();
    t.mark('opened');
    t.mark('initialize');
    t.mark('opened');
    const line = t.report('/w/a.go', 12);
    assert.match(line ?? '', /^first review of \/w\/a\.go published \d+ ms after the server's process started \(its own analysis 12 ms\): opened \d+, initialize \d+, published \d+$/);
    assert.equal(t.report('/w/a.go', 3), undefined);
  });
});
