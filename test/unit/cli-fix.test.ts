import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unifiedDiff } from '../../src/cli/diff';
import type { CliFinding } from '../../src/cli/engine';
import { applySafeFixes } from '../../src/cli/fix';
import { lastStats } from '../../src/cli/run';
import { BUG, BUG_FIXED, CLEAN, goconc, tree, WG_RULE } from './cli-helpers';

const NO_CACHE = '--no-cache';

/** Two Adds in one goroutine: both fixes insert at the same place, so only one may be applied. */
const TWO_ADDS = `package p

import "sync"

func f() {
	var wg sync.WaitGroup
	go func() {
		wg.Add(1)
		wg.Add(1)
		defer wg.Done()
		defer wg.Done()
	}()
	wg.Wait()
}
`;

const TWO_ADDS_FIXED = `package p

import "sync"

func f() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		wg.Add(1)
		defer wg.Done()
		defer wg.Done()
	}()
	wg.Wait()
}
`;

const BUG_DIFF = `--- a/bug.go
+++ b/bug.go
@@ -4,8 +4,8 @@
 
 func f() {
 	var wg sync.WaitGroup
+	wg.Add(1)
 	go func() {
-		wg.Add(1)
 		defer wg.Done()
 	}()
 	wg.Wait()
`;

describe('cli: --fix and --fix --diff', function () {
  this.timeout(60000);

  it('--fix writes the safe fixes, prints what remains and exits by it', async () => {
    const t = tree({ 'bug.go': BUG, 'sub/bug.go': BUG, 'clean.go': CLEAN });
    try {
      const r = await goconc([NO_CACHE, '--fix', '--rules', WG_RULE, '.'], { cwd: t.dir });
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, '');
      assert.equal(r.err, 'goconc: fixed 2 findings in 2 files\n');
      assert.equal(readFileSync(join(t.dir, 'bug.go'), 'utf8'), BUG_FIXED);
      assert.equal(readFileSync(join(t.dir, 'sub', 'bug.go'), 'utf8'), BUG_FIXED);
      assert.equal(readFileSync(join(t.dir, 'clean.go'), 'utf8'), CLEAN);
      const again = await goconc([NO_CACHE, '--fix', '--rules', WG_RULE, '.'], { cwd: t.dir });
      assert.deepEqual(again, { code: 0, out: '', err: '' });
    } finally {
      t.remove();
    }
  });

  it('never applies two overlapping fixes at once; re-analyses between rounds', async () => {
    const t = tree({ 'a.go': TWO_ADDS });
    try {
      const before = JSON.parse((await goconc([NO_CACHE, '--format', 'json', '--rules', WG_RULE, '.'], { cwd: t.dir })).out);
      assert.equal(before.findings.length, 2, 'both Adds are reported, and both fixes insert before the go statement');
      const r = await goconc([NO_CACHE, '--fix', '--rules', WG_RULE, '.'], { cwd: t.dir });
      assert.equal(r.code, 0);
      // One fix applied; the re-analysis sees the goroutine counted and reports nothing more.
      assert.equal(readFileSync(join(t.dir, 'a.go'), 'utf8'), TWO_ADDS_FIXED);
      assert.equal(lastStats!.fixed, 1);
      assert.equal(lastStats!.analysed, 2, 'analysed once, then again after the fix round');
    } finally {
      t.remove();
    }
  });

  it('--fix --diff prints a unified diff that git apply takes, and writes nothing', async () => {
    const t = tree({ 'bug.go': BUG, 'clean.go': CLEAN });
    try {
      const r = await goconc([NO_CACHE, '--fix', '--diff', '--rules', WG_RULE, '.'], { cwd: t.dir });
      assert.equal(r.code, 0, 'exit status as after the fixes');
      assert.equal(r.out, BUG_DIFF);
      assert.equal(r.err, 'goconc: --diff: would fix 1 finding in 1 file\n');
      assert.equal(readFileSync(join(t.dir, 'bug.go'), 'utf8'), BUG);
      const git = spawnSync('git', ['apply', '--check', '-'], { cwd: t.dir, input: r.out, encoding: 'utf8' });
      if (!git.error) assert.equal(git.status, 0, git.stderr);
      const clean = await goconc([NO_CACHE, '--fix', '--diff', 'clean.go'], { cwd: t.dir });
      assert.deepEqual(clean, { code: 0, out: '', err: '' });
    } finally {
      t.remove();
    }
  });

  it('--fix prints the findings it cannot fix, in the format asked for', async () => {
    const unfixable = BUG.replace('wg.Add(1)', 'wg.Add(n)').replace('func f()', 'func f(n int)');
    const t = tree({ 'a.go': unfixable });
    try {
      const r = await goconc([NO_CACHE, '--fix', '--format', 'json', '--rules', WG_RULE, '.'], { cwd: t.dir });
      assert.equal(r.code, 1);
      assert.equal(JSON.parse(r.out).findings.length, 1);
      assert.equal(readFileSync(join(t.dir, 'a.go'), 'utf8'), unfixable);
    } finally {
      t.remove();
    }
  });

  it('--fix writes only under the paths given: a link to a file elsewhere is left alone', async () => {
    const outside = tree({ 'bug.go': BUG });
    const t = tree({});
    try {
      symlinkSync(join(outside.dir, 'bug.go'), join(t.dir, 'link.go'));
      const r = await goconc([NO_CACHE, '--fix', '--rules', WG_RULE, '.'], { cwd: t.dir });
      assert.match(r.err, /not writing link\.go: it resolves to .*bug\.go, outside the paths given/);
      assert.equal(readFileSync(join(outside.dir, 'bug.go'), 'utf8'), BUG);
    } finally {
      t.remove();
      outside.remove();
    }
  });

  it('--fix does not touch a file that is not valid UTF-8', async () => {
    const t = tree({});
    try {
      const bytes = Buffer.concat([Buffer.from(BUG.replace('func f() {', 'func f() { // \u0000')), Buffer.from([0xff, 0xfe, 0x0a])]);
      writeFileSync(join(t.dir, 'a.go'), bytes);
      const r = await goconc([NO_CACHE, '--fix', '--rules', WG_RULE, '.'], { cwd: t.dir });
      assert.match(r.err, /not fixing a\.go: it is not valid UTF-8/);
      assert.ok(readFileSync(join(t.dir, 'a.go')).equals(bytes));
    } finally {
      t.remove();
    }
  });

  it('picks non-conflicting safe fixes only', () => {
    const finding = (edits: [number, number, string][], safe = true) =>
      ({ fixes: [{ title: 't', safe, edits: edits.map(([start, end, newText]) => ({ start, end, newText })) }] }) as unknown as CliFinding;
    const text = '0123456789';
    assert.deepEqual(applySafeFixes(text, [finding([[1, 3, 'ab']]), finding([[2, 4, 'xy']]), finding([[5, 6, 'Z']])]), { text: '0ab34Z6789', applied: 2 });
    assert.deepEqual(applySafeFixes(text, [finding([[3, 3, 'a']]), finding([[3, 3, 'b']])]), { text: '012a3456789', applied: 1 });
    assert.deepEqual(applySafeFixes(text, [finding([[2, 4, '']]), finding([[4, 4, '!']])]), { text: '0145 6789'.replace(' ', ''), applied: 1 });
    assert.equal(applySafeFixes(text, [finding([[1, 2, 'x']], false)]), undefined);
    assert.deepEqual(applySafeFixes(text, [finding([[0, 1, 'A'], [9, 10, 'J']])]), { text: 'A12345678J', applied: 1 });
  });

  it('writes unified diffs like diff -u', () => {
    assert.equal(unifiedDiff('x', 'a\n', 'a\n'), '');
    assert.equal(unifiedDiff('x', 'a\nb\nc\n', 'a\nB\nc\n'), '--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
    assert.equal(unifiedDiff('x', '', 'new\n'), '--- a/x\n+++ b/x\n@@ -0,0 +1 @@\n+new\n');
    assert.equal(unifiedDiff('x', 'a\nb', 'a\nb\n'), '--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n');
    const long = Array.from({ length: 30 }, (_, i) => `line ${i}\n`);
    const changed = [...long];
    changed[2] = 'two\n';
    changed[25] = 'twenty-five\n';
    const d = unifiedDiff('x', long.join(''), changed.join(''));
    assert.deepEqual(
      d.split('\n').filter((l) => l.startsWith('@@')),
      ['@@ -1,6 +1,6 @@', '@@ -23,7 +23,7 @@'],
    );
    // Near changes share a hunk.
    changed[8] = 'eight\n';
    assert.deepEqual(
      unifiedDiff('x', long.join(''), changed.join(''))
        .split('\n')
        .filter((l) => l.startsWith('@@')),
      ['@@ -1,12 +1,12 @@', '@@ -23,7 +23,7 @@'],
    );
  });
});
