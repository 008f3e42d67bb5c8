/**
 * The editor's per-function summary cache (SummaryCache) must give exactly what summarising the
 * file afresh gives, after any edit: inside one function, between functions (lines move), in a
 * signature or a type (the skeleton changes), and when another file of the package changes.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileFacts } from '../../src/core/model/facts';
import { PackageIndex, SummaryCache, summarizeFile } from '../../src/core/model/package';
import { GoFile, type GoLanguage } from '../../src/core/syntax/parser';
import { loadGoForTests } from '../helpers';

const ROOT = join(__dirname, '..', '..', '..', '..');

function fixtures(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const rule of ['double-lock', 'goroutine-send-leak', 'send-to-stopped-loop', 'lock-held-while-blocking', 'cond-signal-missing']) {
    const dir = join(ROOT, 'test', 'testdata', rule);
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.go')).sort()) out.push({ name: `${rule}/${f}`, text: readFileSync(join(dir, f), 'utf8') });
  }
  return out;
}

/** A small deterministic generator (the test must fail the same way twice). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/**
 * A method that breaks (`funcx (t *T) m()`) while a function after it calls it: while the file
 * does not parse, `g` is summarised against a file without `T.m`; once it parses, that summary
 * must not be taken for `g` again, though its text is the same.
 */
const brokenOnPurpose = [
  {
    name: 'broken.go',
    text: [
      'package p',
      '',
      'import "sync"',
      '',
      'type T struct{ mu sync.Mutex }',
      '',
      'func (t *T) m() {',
      '\tt.mu.Lock()',
      '}',
      '',
      'func g(t *T) {',
      '\tt.m()',
      '\tt.mu.Unlock()',
      '}',
      '',
    ].join('\n'),
  },
];

describe('per-function summary cache', function () {
  this.timeout(60000);
  let go: GoLanguage;
  before(async () => {
    go = await loadGoForTests();
  });

  const fresh = (file: GoFile) => summarizeFile(new FileFacts(file.root!, file.source, file.name));

  it('equals a fresh summary after edits inside functions, between them, in signatures and in parameter names', () => {
    const random = rng(7);
    let hits = 0;
    let edits = 0;
    let renames = 0;
    for (const { name, text } of fixtures()) {
      const file = new GoFile(go, text, name);
      const cache = new SummaryCache();
      try {
        assert.deepEqual(summarizeFile(new FileFacts(file.root!, file.source, name), cache), fresh(file));
        for (let i = 0; i < 8; i++) {
          const t = file.text;
          // A blank line after some newline (moves what follows), a space after some `{` (inside
          // a body or a type), a letter after some `(` (a signature or a call), or a letter after
          // a parameter's name in a signature (`func f(chx chan int)`).
          const kind = i % 4;
          const at: number[] = [];
          if (kind === 3) for (const m of t.matchAll(/(?<=^func [^\n{]*[(,] ?)[a-z_]\w*(?= )/gm)) at.push(m.index! + m[0].length);
          else {
            const anchor = kind === 0 ? '\n' : kind === 1 ? '{' : '(';
            for (let k = t.indexOf(anchor); k >= 0; k = t.indexOf(anchor, k + 1)) at.push(k + 1);
          }
          if (at.length === 0) continue;
          const offset = at[Math.floor(random() * at.length)];
          // Summaries made while the file did not parse are not kept (see SummaryCache.begin).
          const parsedBefore = !file.root!.hasError;
          file.update([{ rangeOffset: offset, rangeLength: 0, text: kind === 0 ? '\n' : kind === 1 ? ' ' : 'x' }]);
          edits++;
          const before = cache.hits;
          const misses = cache.misses;
          const facts = new FileFacts(file.root!, file.source, name);
          assert.deepEqual(summarizeFile(facts, cache), fresh(file), `${name} after inserting at ${offset}`);
          hits += cache.hits - before;
          if (kind === 3 && parsedBefore) {
            // A parameter's name is seen only by its function's body: the other functions' summaries are kept.
            const decl = file.root!.children.find((c) => c.startIndex <= offset && offset < c.endIndex)!;
            const own = facts.functions.filter((f) => f.node.startIndex >= decl.startIndex && f.node.endIndex <= decl.endIndex).length;
            assert.ok(cache.misses - misses <= own, `${name}: ${cache.misses - misses} summaries made again after renaming a parameter at ${offset}, ${own} in its declaration`);
            renames++;
          }
        }
      } finally {
        file.dispose();
      }
    }
    assert.ok(edits > 50, `${edits} edits`);
    assert.ok(renames > 15, `${renames} parameters renamed`);
    assert.ok(hits > edits, `functions reused: ${hits} over ${edits} edits`);
  });

  it('keeps the last round while the file does not parse, and uses nothing made meanwhile once it does', () => {
    let broken = 0;
    let kept = 0;
    for (const { name, text } of [...fixtures(), ...brokenOnPurpose]) {
      const sites = [...text.matchAll(/\n\t*(?:select|for|if|return|go|defer|func)\b/g)].map((m) => m.index! + m[0].length);
      const file = new GoFile(go, text, name);
      const cache = new SummaryCache();
      try {
        summarizeFile(new FileFacts(file.root!, file.source, name), cache);
        for (const at of sites.slice(0, 8)) {
          // A keyword typed into (`selectx`, `funcx`): tree-sitter often spills the rest of the
          // body to the top level, which changes the skeleton; untouched functions keep their summaries.
          file.update([{ rangeOffset: at, rangeLength: 0, text: 'x' }]);
          if (file.root!.hasError) {
            broken++;
            const hits = cache.hits;
            summarizeFile(new FileFacts(file.root!, file.source, name), cache);
            if (cache.hits > hits) kept++;
            // A second letter, then both deleted: the file parses again and its summary is exact.
            file.update([{ rangeOffset: at + 1, rangeLength: 0, text: 'y' }]);
            summarizeFile(new FileFacts(file.root!, file.source, name), cache);
            file.update([{ rangeOffset: at, rangeLength: 2, text: '' }]);
          } else file.update([{ rangeOffset: at, rangeLength: 1, text: '' }]);
          assert.deepEqual(summarizeFile(new FileFacts(file.root!, file.source, name), cache), fresh(file), `${name}: parses again after ${at}`);
        }
      } finally {
        file.dispose();
      }
    }
    assert.ok(broken > 100 && kept > broken / 2, `${kept} of ${broken} broken rounds kept summaries`);
  });

  it('is dropped when another file of the package changes', () => {
    const index = new PackageIndex(go);
    const a = 'package p\n\nfunc (s *S) Put() {\n\ts.mu.Lock()\n\ts.mu.Unlock()\n}\n';
    index.setText('/p/a.go', a);
    index.setText('/p/b.go', 'package p\n\nimport "sync"\n\ntype S struct{ mu sync.Mutex }\n');
    const file = new GoFile(go, a, '/p/a.go');
    try {
      const cache = index.summaryCache('/p/a.go');
      const facts = () => new FileFacts(file.root!, file.source, '/p/a.go');
      summarizeFile(facts(), cache, index.othersKey('/p/a.go'));
      summarizeFile(facts(), cache, index.othersKey('/p/a.go'));
      assert.equal(cache.hits, 1, 'the same package: reused');
      index.setText('/p/b.go', 'package p\n\nimport "sync"\n\ntype S struct{ mu sync.RWMutex }\n');
      summarizeFile(facts(), cache, index.othersKey('/p/a.go'));
      assert.equal(cache.hits, 1, 'b.go changed: summarised again');
    } finally {
      file.dispose();
    }
  });
});
