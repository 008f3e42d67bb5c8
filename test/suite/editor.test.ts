/**
 * What the editor shows beyond the findings: hovers on concurrency constructs where nothing is
 * wrong (src/core/explain.ts), the goroutine CodeLens above functions that start goroutines, and
 * package awareness (a finding that depends on another file of the folder follows that file's
 * edits, on disk and in an editor).
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  closeAll,
  describe as show,
  hovers,
  hoverText,
  openGo,
  openGoReviewed,
  ours,
  quickFixes,
  rangeOf,
  resetSettingsAfterEach,
  ruleOf,
  setSetting,
  waitForDiagnostics,
  waitForNone,
  waitForRule,
  workspaceDir,
} from './helpers';
import { SEND_LEAK, SUBJECTS, WAITGROUP } from './subjects';

/** Correct code full of constructs: no finding, so every hover on it is a construct's. */
const CONSTRUCTS = `package main

import (
	"context"
	"sync"
)

// squares sends the squares of 0..n-1 until ctx is cancelled, then closes the channel.
func squares(ctx context.Context, n int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := 0; i < n; i++ {
			select {
			case out <- i * i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// sumAll adds up what two workers read from in.
func sumAll(in <-chan int) int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	total := 0
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range in {
				mu.Lock()
				total += v
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return total
}
`;

/** The cc-workerpool snippet with its defaults and what it needs: one function, two go statements. */
const POOL = `package main

import (
	"context"
	"sync"
)

type Job int
type Result int

func handle(ctx context.Context, j Job) Result { return Result(j) }

// runPool starts 4 workers that read jobs until jobs is closed or ctx is
// done. The returned channel is closed after the last worker returns.
func runPool(ctx context.Context, jobs <-chan Job) <-chan Result {
	results := make(chan Result)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case job, ok := <-jobs:
					if !ok {
						return
					}
					res := handle(ctx, job)
					select {
					case results <- res:
					case <-ctx.Done():
						return
					}
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	return results
}
`;

/** The text of every hover at the start of the `nth` occurrence of `needle`. */
async function hoverAt(doc: vscode.TextDocument, needle: string, nth = 1): Promise<string[]> {
  return (await hovers(doc.uri, rangeOf(doc, needle, nth).start)).map(hoverText);
}

/** The CodeLenses of a document, with their commands (the provider resolves them at once). */
async function lensesOf(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? [];
}

describe('editor', () => {
  afterEach(closeAll);

  describe('hovers on concurrency constructs', () => {
    it('the code under test has no finding, so the hovers are the constructs\'', async () => {
      const { diags } = await openGoReviewed(CONSTRUCTS);
      assert.deepEqual(diags, [], show(diags));
    });

    it('a `go` keyword: a new goroutine, and how this goroutine ends, with lines', async () => {
      const { doc } = await openGoReviewed(CONSTRUCTS);
      const [text, ...more] = await hoverAt(doc, 'go func()');
      assert.deepEqual(more, [], 'one hover');
      assert.ok(text.startsWith('**`go` statement**: starts a new goroutine'), text);
      assert.ok(
        text.includes('**How this goroutine ends:**\n- stops on `<-ctx.Done()` (line 16)\n- returns (line 17)\n- returns when its body finishes (line 20)'),
        `the exits of the goroutine of squares:\n${text}`,
      );
      const second = (await hoverAt(doc, 'go func()', 2)).join('\n');
      assert.ok(second.includes('- finishes its `for range in` loop when `in` is closed (line 33)'), `the exits of the worker of sumAll:\n${second}`);
    });

    it('`make(chan int)`: an unbuffered channel; `make(chan Price, len(shops))`: a buffered one', async () => {
      const { doc } = await openGoReviewed(CONSTRUCTS);
      const [text] = await hoverAt(doc, 'make(chan int)');
      assert.ok(text?.startsWith('**`make(chan int)`**: unbuffered channel. Each send blocks until a receiver takes the value'), String(text));
      const fixed = (await openGoReviewed(SEND_LEAK.fix.after)).doc;
      const [buffered] = await hoverAt(fixed, 'make(chan Price, len(shops))');
      assert.ok(buffered?.startsWith('**`make(chan Price, len(shops))`**: buffered channel with room for `len(shops)` values.'), String(buffered));
    });

    it('select, a receive-only channel type, WaitGroup and Mutex calls', async () => {
      const { doc } = await openGoReviewed(CONSTRUCTS);
      const expected: [string, string][] = [
        ['select {', '**`select`**: waits until one of its cases can proceed'],
        ['<-chan int {', '**`<-chan int`**: receive-only channel.'],
        ['wg.Add(1)', '**`WaitGroup.Add(n)`**: counts `n` more goroutines to wait for.'],
        ['mu.Lock()', '**`Lock()`**: waits until no one holds the mutex'],
      ];
      for (const [needle, start] of expected) {
        const [text] = await hoverAt(doc, needle);
        assert.ok(text?.startsWith(start), `hover at "${needle}": ${String(text)}`);
      }
    });

    it('no hover on code that is not a concurrency construct', async () => {
      const { doc } = await openGoReviewed(CONSTRUCTS);
      assert.deepEqual(await hoverAt(doc, 'total := 0'), []);
    });

    it('on a finding, the finding\'s hover wins over the construct\'s', async () => {
      const doc = await openGo(SEND_LEAK.source);
      await waitForRule(doc.uri, SEND_LEAK.ruleId);
      const texts = await hoverAt(doc, SEND_LEAK.at);
      assert.equal(texts.length, 1);
      assert.ok(texts[0].startsWith(`**${SEND_LEAK.title}**`), texts[0]);
    });
  });

  describe('goroutine CodeLens', () => {
    resetSettingsAfterEach('codeLens');

    for (const subject of SUBJECTS) {
      it(`${subject.ruleId}: \`${subject.lens}\` above the function, its command going to the leak or else the go statement`, async () => {
        const doc = await openGo(subject.source);
        await waitForRule(doc.uri, subject.ruleId);
        const [lens, ...more] = await lensesOf(doc);
        assert.deepEqual(more, [], 'one lens: one function starts goroutines');
        // the declaration the finding is in: the last top-level func before it
        const fnOffset = subject.source.lastIndexOf('\nfunc ', subject.source.indexOf(subject.at)) + 1;
        const fn = doc.positionAt(fnOffset);
        assert.ok(lens.range.start.isEqual(fn), `the lens sits on line ${fn.line + 1}, not ${lens.range.start.line + 1}:${lens.range.start.character + 1}`);
        assert.equal(lens.command?.title, subject.lens);
        assert.equal(lens.command?.command, 'editor.action.goToLocations');
        const name = /^func (\w+)/.exec(subject.source.slice(fnOffset))?.[1];
        const leaks = subject.lens.includes('may leak');
        assert.equal(lens.command?.tooltip, leaks ? `Go to where goroutines of ${name} may block forever` : `Go to the go statements of ${name}`);
        const [uri, at, locations, mode] = lens.command?.arguments ?? [];
        assert.equal(String(uri), doc.uri.toString());
        assert.ok((at as vscode.Position).isEqual(fn));
        assert.equal(mode, 'goto', 'one place: straight there, not a one-row peek');
        const target = leaks ? doc.positionAt(subject.source.indexOf(subject.at)) : doc.positionAt(subject.source.lastIndexOf('go func', subject.source.indexOf(subject.at)));
        assert.deepEqual(
          (locations as vscode.Location[]).map((l) => [l.uri.toString(), l.range.start.line, l.range.start.character]),
          [[doc.uri.toString(), target.line, target.character]],
        );
      });
    }

    it('the quick fix takes `may leak` off the lens', async () => {
      const doc = await openGo(SEND_LEAK.source);
      const [d] = await waitForRule(doc.uri, SEND_LEAK.ruleId);
      const fix = (await quickFixes(doc.uri, d.range)).find((a) => a.title === SEND_LEAK.fix.title);
      assert.ok(fix?.edit && (await vscode.workspace.applyEdit(fix.edit)));
      await waitForNone(doc.uri);
      assert.deepEqual(
        (await lensesOf(doc)).map((l) => l.command?.title),
        ['1 goroutine · ends on: last line'],
      );
    });

    it('counts every go statement of the function: `2 goroutines` for the worker pool, with no leak', async () => {
      const { doc, diags } = await openGoReviewed(POOL);
      assert.deepEqual(diags, [], show(diags));
      const [lens, ...more] = await lensesOf(doc);
      assert.deepEqual(more, []);
      assert.ok(lens.range.start.isEqual(rangeOf(doc, 'func runPool').start));
      assert.equal(lens.command?.title, '2 goroutines · end on: ctx.Done, return, last line');
      const locations = lens.command?.arguments?.[2] as vscode.Location[];
      assert.deepEqual(
        locations.map((l) => l.range.start.line),
        [rangeOf(doc, 'go func()', 1).start.line, rangeOf(doc, 'go func()', 2).start.line],
      );
    });

    it('a finding that is not a leak (WaitGroup) does not count as `may leak`; one lens per function', async () => {
      const doc = await openGo(WAITGROUP.source + '\n' + CONSTRUCTS.slice(CONSTRUCTS.indexOf('// squares')).replace(/context\.Context/g, 'interface{ Done() <-chan struct{} }'));
      await waitForRule(doc.uri, WAITGROUP.ruleId);
      assert.deepEqual(
        (await lensesOf(doc)).map((l) => [l.range.start.line, l.command?.title]),
        [
          [rangeOf(doc, 'func processAll').start.line, '1 goroutine · ends on: last line'],
          [rangeOf(doc, 'func squares').start.line, '1 goroutine · ends on: ctx.Done, return, last line'],
          [rangeOf(doc, 'func sumAll').start.line, '1 goroutine · ends on: close(in), last line'],
        ],
      );
    });

    it('goconc.codeLens false: no lens', async () => {
      const doc = await openGo(SEND_LEAK.source);
      await waitForRule(doc.uri, SEND_LEAK.ruleId);
      assert.equal((await lensesOf(doc)).length, 1);
      await setSetting('codeLens', false);
      assert.deepEqual(await lensesOf(doc), []);
    });
  });

  describe('package siblings', () => {
    let n = 0;
    /** A fresh folder (one package) with store.go, whose Put calls size() of size.go under s.mu. */
    function storePackage(): { dir: string; a: string; b: string } {
      const dir = `store${++n}`;
      return { dir, a: `${dir}/store.go`, b: `${dir}/size.go` };
    }
    const STORE = `package store

import "sync"

type Store struct {
	mu    sync.Mutex
	items map[string]string
}

func (s *Store) Put(k, v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.size() > 100 {
		s.items = map[string]string{}
	}
	s.items[k] = v
}
`;
    const LOCK = '\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n';
    const SIZE = `package store

func (s *Store) size() int {
${LOCK}	return len(s.items)
}
`;
    const SIZE_UNLOCKED = SIZE.replace(LOCK, '');
    const isDoubleLock = (d: vscode.Diagnostic) => ruleOf(d) === 'double-lock';

    /** Waits for the double-lock finding of store.go at `s.size()`, naming size.go. */
    async function doubleLockIn(doc: vscode.TextDocument): Promise<void> {
      const [d, ...more] = await waitForRule(doc.uri, 'double-lock');
      assert.deepEqual(more, [], show([d, ...more]));
      assert.ok(d.range.isEqual(rangeOf(doc, 's.size()')), `at s.size(): ${show([d])}`);
      assert.match(d.message, /locks `s\.mu` again \(in `size`\)/, 'names the method of the other file that locks again');
      assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    }

    it('double-lock reports in store.go a Lock taken again by a method of size.go; editing size.go in its editor clears it, and undoing brings it back', async () => {
      const p = storePackage();
      const b = await openGo(SIZE, p.b);
      const a = await openGo(STORE, p.a);
      await doubleLockIn(a);
      assert.deepEqual(ours(b.uri).filter(isDoubleLock), [], 'nothing to report in size.go itself');
      // remove size's Lock/Unlock in its (unsaved) editor: store.go is reviewed again after the sibling delay
      const start = b.positionAt(SIZE.indexOf(LOCK));
      const unlock = new vscode.WorkspaceEdit();
      unlock.delete(b.uri, new vscode.Range(start, start.translate(2)));
      assert.ok(await vscode.workspace.applyEdit(unlock));
      assert.equal(b.getText(), SIZE_UNLOCKED);
      await waitForDiagnostics(a.uri, (ds) => !ds.some(isDoubleLock), 'no double-lock in store.go once size() no longer locks');
      const relock = new vscode.WorkspaceEdit();
      relock.insert(b.uri, start, LOCK);
      assert.ok(await vscode.workspace.applyEdit(relock));
      await doubleLockIn(a);
    });

    it('a change of size.go on disk (not open in an editor) clears the finding in store.go', async () => {
      const p = storePackage();
      mkdirSync(join(workspaceDir(), p.dir), { recursive: true });
      writeFileSync(join(workspaceDir(), p.b), SIZE);
      const a = await openGo(STORE, p.a);
      await doubleLockIn(a);
      assert.equal(
        vscode.workspace.textDocuments.some((d) => d.uri.path.endsWith(`/${p.b}`)),
        false,
        'size.go is read from disk',
      );
      const cleared = waitForDiagnostics(a.uri, (ds) => !ds.some(isDoubleLock), 'no double-lock in store.go after size.go changed on disk');
      writeFileSync(join(workspaceDir(), p.b), SIZE_UNLOCKED);
      await cleared;
    });
  });
});
