/**
 * Reviews that carry findings over from the last one (findings/reuse.ts) must give exactly what a
 * fresh review of the same text gives: after typing or deleting a letter inside a function, in a
 * comment, in a signature, after inserting a line, and with the package's other files present.
 * Every rule's fixtures are edited; a rule whose findings depend on other declarations' bodies
 * fails here until it declares `scope: 'file'`.
 *
 * The one exception is a review held while the file does not parse: each of its findings is one a
 * fresh review gives or one the last review gave (same rule, message and line), and the first
 * review after the file parses again is exact.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, analyzeFile } from '../../src/core/analyze';
import type { Finding } from '../../src/core/findings/rule';
import { ReviewMemory } from '../../src/core/findings/reuse';
import { PackageIndex } from '../../src/core/model/package';
import { GoFile, type GoLanguage } from '../../src/core/syntax/parser';
import { loadGoForTests } from '../helpers';

const ROOT = join(__dirname, '..', '..', '..', '..');
const TESTDATA = join(ROOT, 'test', 'testdata');

/** The fixture folders (a rule's, or a package inside one) and their Go files. */
function folders(): { dir: string; files: { name: string; text: string }[] }[] {
  const out: { dir: string; files: { name: string; text: string }[] }[] = [];
  const visit = (dir: string) => {
    const names = readdirSync(dir).sort();
    const files = names.filter((n) => n.endsWith('.go')).map((n) => ({ name: n, text: readFileSync(join(dir, n), 'utf8') }));
    if (files.length > 0) out.push({ dir, files });
    for (const n of names) if (statSync(join(dir, n)).isDirectory()) visit(join(dir, n));
  };
  visit(TESTDATA);
  return out;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Findings as comparable text, in a fixed order. */
function canonical(findings: readonly Finding[]): string[] {
  return findings.map((f) => JSON.stringify(f)).sort();
}

/**
 * Checks one review of the memory against a fresh one: equal, or, when the memory held the review
 * (the file does not parse), made only of findings the fresh review or the last review gave.
 */
function checkReview(memory: ReviewMemory, heldBefore: number, got: readonly Finding[], want: readonly Finding[], last: readonly Finding[], label: string): void {
  if (memory.stats.held === heldBefore) {
    assert.deepEqual(canonical(got), canonical(want), label);
    return;
  }
  const key = (f: Finding) => `${f.ruleId} ${f.range.start.line} ${f.message}`;
  const known = new Set([...want, ...last].map(key));
  const invented = got.filter((f) => !known.has(key(f)));
  assert.deepEqual(invented.map(key), [], `${label} (held)`);
}

/** Offsets where typing a letter keeps the file's shape: right after an identifier, before a space. */
function letterSites(text: string): number[] {
  const out: number[] = [];
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i - 1);
    if (((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) && text.charCodeAt(i) === 32) out.push(i);
  }
  return out;
}

/** Types a letter after a random identifier, then deletes it; or inserts a line break when asked. */
class Typist {
  pending: number | undefined;
  constructor(private readonly random: () => number) {}

  next(text: string, lineBreak = false): { rangeOffset: number; rangeLength: number; text: string } | undefined {
    if (this.pending !== undefined) {
      const at = this.pending;
      this.pending = undefined;
      return { rangeOffset: at, rangeLength: 1, text: '' }; // delete the letter typed last time
    }
    if (lineBreak) {
      const lines = [...text.matchAll(/\n/g)].map((m) => m.index! + 1);
      return { rangeOffset: lines[Math.floor(this.random() * lines.length)], rangeLength: 0, text: '\n' };
    }
    const sites = letterSites(text);
    if (sites.length === 0) return undefined;
    this.pending = sites[Math.floor(this.random() * sites.length)];
    return { rangeOffset: this.pending, rangeLength: 0, text: 'q' };
  }
}

/**
 * Edits that change what the file says to other declarations, each typed and then deleted: a
 * letter after a field name (`s.donex`: a field the file reads), after a keyword (`ifx`: broken
 * syntax), after a called name (`helperx(`: another callee), or a statement put in front of one on
 * the same line (`mu.Lock(); `, `ch <- v; `, `go f(); `), or a letter after a parameter's name in a
 * signature (`func poll(ctxx context.Context)`: its uses in the body now name something else).
 */
class Meddler {
  private pending: { at: number; length: number } | undefined;
  kinds = new Map<string, number>();
  constructor(private readonly random: () => number) {}

  next(text: string): { rangeOffset: number; rangeLength: number; text: string; kind: string } | undefined {
    if (this.pending) {
      const { at, length } = this.pending;
      this.pending = undefined;
      return { rangeOffset: at, rangeLength: length, text: '', kind: 'delete' };
    }
    const kinds = ['field', 'keyword', 'call', 'statement', 'parameter'] as const;
    const kind = kinds[Math.floor(this.random() * kinds.length)];
    const pattern = { parameter: /(?<=^func [^\n{]*[(,] ?)[a-z_]\w*(?= )/gm, field: /\.[a-z_]\w*(?=[^\w(])/g, keyword: /\b(if|return|var|go|defer|for|func|select|case|switch)\b(?= )/g, call: /\b[A-Za-z_]\w*(?=\()/g, statement: /\n\t+(?=[a-z])/g }[kind];
    const sites = [...text.matchAll(pattern)].map((m) => m.index! + m[0].length);
    if (sites.length === 0) return undefined;
    const at = sites[Math.floor(this.random() * sites.length)];
    const inserted = kind === 'statement' ? ['mu.Lock(); ', 'ch <- v; ', 'go f(); ', 's.mu.Unlock(); '][Math.floor(this.random() * 4)] : 'x';
    this.pending = { at, length: inserted.length };
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
    return { rangeOffset: at, rangeLength: 0, text: inserted, kind };
  }
}

describe('findings carried over between reviews', function () {
  this.timeout(300000);
  let go: GoLanguage;
  before(async () => {
    go = await loadGoForTests();
  });

  it('equal a fresh review after random edits to every fixture, alone and with the package', () => {
    const random = rng(11);
    let edits = 0;
    let carried = 0;
    let carrying = 0;
    for (const { dir, files } of folders()) {
      for (const [k, { name, text }] of files.entries()) {
        const withPackage = files.length > 1 && k === 0;
        const siblings = files.filter((f) => f.name !== name);
        const indexOf = () => {
          if (!withPackage) return undefined;
          const index = new PackageIndex(go);
          for (const f of siblings) index.setText(f.name, f.text);
          return index;
        };
        const file = new GoFile(go, text, name);
        const memory = new ReviewMemory();
        const index = indexOf();
        const typist = new Typist(random);
        let last: readonly Finding[] = [];
        try {
          for (let i = 0; i < 8; i++) {
            const t = file.text;
            const change = typist.next(t, i === 5 && !typist.pending);
            if (!change) break;
            if (i > 0) file.update([change]);
            edits++;
            const options = { fileName: name, timeBudgetMs: 600_000 };
            const heldBefore = memory.stats.held;
            const got = analyzeFile(file, { ...options, package: index, memory });
            const want = analyze(go, file.text, { ...options, package: indexOf() });
            checkReview(memory, heldBefore, got.findings, want.findings, last, `${join(dir, name).slice(TESTDATA.length + 1)} after edit ${i} (${JSON.stringify(change)})`);
            last = got.findings;
          }
        } finally {
          file.dispose();
        }
        carried += memory.stats.carried;
        carrying += memory.stats.carrying;
      }
    }
    // The test means something only if reviews did carry findings.
    assert.ok(edits > 500, `${edits} edits`);
    assert.ok(carrying > edits / 3, `${carrying} of ${edits} reviews carried findings`);
    assert.ok(carried > 300, `${carried} findings carried`);
  });

  // Real servers' files: the bundled corpus, and concurrency-heavy files of Go's standard library
  // when Debian's golang-go is installed (CI installs it).
  const realFiles = (): string[] => {
    const out: string[] = [];
    const visit = (dir: string) => {
      for (const n of readdirSync(dir).sort()) {
        const p = join(dir, n);
        if (statSync(p).isDirectory()) visit(p);
        else if (n.endsWith('.go')) out.push(p);
      }
    };
    visit(join(ROOT, 'test', 'corpus'));
    for (const f of ['net/http/server.go', 'net/http/transport.go', 'net/http/h2_bundle.go', 'database/sql/sql.go', 'sync/pool.go', 'context/context.go']) {
      const p = join('/usr/lib/go/src', f);
      if (existsSync(p)) out.push(p);
    }
    return out;
  };

  it('equal a fresh review after edits that change field reads, calls, statements and keywords', () => {
    const random = rng(23);
    let edits = 0;
    let carrying = 0;
    let held = 0;
    const byKind = new Map<string, { edits: number; carrying: number }>();
    const count = (kind: string, carried: boolean) => {
      const k = byKind.get(kind) ?? { edits: 0, carrying: 0 };
      k.edits++;
      if (carried) k.carrying++;
      byKind.set(kind, k);
    };
    const run = (label: string, name: string, text: string, budget: number, indexOf: () => PackageIndex | undefined) => {
      const file = new GoFile(go, text, name);
      const memory = new ReviewMemory();
      const index = indexOf();
      const meddler = new Meddler(random);
      const options = { fileName: name, timeBudgetMs: 600_000 };
      try {
        let last = analyzeFile(file, { ...options, package: index, memory }).findings;
        let kind = '';
        for (let i = 0; i < budget; i++) {
          const change = meddler.next(file.text);
          if (!change) break;
          if (change.kind !== 'delete') kind = change.kind;
          file.update([change]);
          edits++;
          const before = memory.stats.carrying;
          const heldBefore = memory.stats.held;
          const got = analyzeFile(file, { ...options, package: index, memory });
          const want = analyze(go, file.text, { ...options, package: indexOf() });
          count(`${kind}${change.kind === 'delete' ? ' (deleted)' : ''}`, memory.stats.carrying > before);
          if (memory.stats.held > heldBefore) held++;
          checkReview(memory, heldBefore, got.findings, want.findings, last, `${label} after edit ${i} (${JSON.stringify(change)})`);
          last = got.findings;
        }
      } finally {
        file.dispose();
      }
      carrying += memory.stats.carrying;
    };
    for (const { dir, files } of folders()) {
      const { name, text } = files[0];
      const siblings = files.slice(1);
      const indexOf = () => {
        if (siblings.length === 0) return undefined;
        const index = new PackageIndex(go);
        for (const f of siblings) index.setText(f.name, f.text);
        return index;
      };
      run(join(dir, name).slice(TESTDATA.length + 1), name, text, 4, indexOf);
    }
    for (const path of realFiles()) run(path, path.split('/').pop()!, readFileSync(path, 'utf8'), 8, () => undefined);
    const kinds = [...byKind].sort().map(([k, v]) => `${k} ${v.carrying}/${v.edits}`).join(', ');
    console.log(`      ${edits} edits, ${carrying} reviews carried findings over (${held} held): ${kinds}`);
    assert.ok(edits > 300, `${edits} edits`);
    // Typing after a field name that is only read (not locked, sent on, called) changes only the
    // field names the file reads: those reviews carry.
    assert.ok(byKind.get('field')!.carrying > byKind.get('field')!.edits / 4, kinds);
    // A keyword typed into (`ifx`) breaks the parse: most of those reviews are held, and most of
    // the deletions that follow carry (exactly, as checked above).
    assert.ok(held > byKind.get('keyword')!.edits / 2, `${held} held; ${kinds}`);
    assert.ok(byKind.get('keyword (deleted)')!.carrying > byKind.get('keyword (deleted)')!.edits / 2, kinds);
  });

  it('equal a fresh review when a helper starts or stops returning (typing `os.Exitx` in `die`, called directly or through `fail`)', () => {
    const direct = [
      'package p',
      '',
      'import (',
      '\t"os"',
      '\t"sync"',
      ')',
      '',
      'type S struct {',
      '\tmu sync.Mutex',
      '\tn  int',
      '}',
      '',
      'func die() { os.Exit(1) }',
      '',
      'func (s *S) get(ok bool) int {',
      '\ts.mu.Lock()',
      '\tif !ok {',
      '\t\tdie()',
      '\t} else {',
      '\t\ts.mu.Unlock()',
      '\t\treturn 0',
      '\t}',
      '\treturn s.n',
      '}',
      '',
    ].join('\n');
    // `fail` is untouched by the edit: what the memory learnt about it must follow `die`.
    const through = direct
      .replace('\t\tdie()', '\t\tfail("get")')
      .replace('func die() { os.Exit(1) }', 'func die() { os.Exit(1) }\n\nfunc fail(msg string) {\n\tif msg == "" {\n\t\tpanic("no message")\n\t}\n\tdie()\n}');
    for (const text of [direct, through]) {
      const file = new GoFile(go, text, 'die.go');
      const memory = new ReviewMemory();
      const options = { fileName: 'die.go', timeBudgetMs: 600_000 };
      try {
        analyzeFile(file, { ...options, memory });
        const at = text.indexOf('Exit(1)') + 'Exit'.length;
        for (const change of [{ rangeOffset: at, rangeLength: 0, text: 'x' }, { rangeOffset: at, rangeLength: 1, text: '' }]) {
          file.update([change]);
          const got = analyzeFile(file, { ...options, memory });
          const want = analyze(go, file.text, options);
          assert.deepEqual(canonical(got.findings), canonical(want.findings), JSON.stringify(change));
        }
        // The edit mattered: with os.Exitx, die returns and get leaves s.mu locked.
        assert.ok(analyze(go, text.replace('Exit(1)', 'Exitx(1)'), options).findings.some((f) => f.ruleId === 'unlock-missing'));
      } finally {
        file.dispose();
      }
    }
  });

  /**
   * A helper that waits on a struct's channel, a method that calls it with the mutex held, and
   * one that sends under the mutex: two `lock-held-while-blocking` findings that hang on the
   * helper's summary.
   */
  const helperText = [
    'package p',
    '',
    'import "sync"',
    '',
    'type S struct {',
    '\tmu    sync.Mutex',
    '\tready chan int',
    '}',
    '',
    'func (s *S) next() int {',
    '\treturn <-s.ready',
    '}',
    '',
    'func (s *S) get() int {',
    '\ts.mu.Lock()',
    '\tdefer s.mu.Unlock()',
    '\treturn s.next()',
    '}',
    '',
    'func (s *S) put(v int) {',
    '\ts.mu.Lock()',
    '\tdefer s.mu.Unlock()',
    '\ts.ready <- v',
    '}',
    '',
  ].join('\n');

  /**
   * Types a letter into the helper at `at` (which a fresh review answers without both findings),
   * checks that the review is held and keeps them, deletes the letter and checks that the review
   * equals a fresh one again.
   */
  function holdsWhileHalfTyped(text: string, at: number, breaksParse: boolean): void {
    const file = new GoFile(go, text, 'next.go');
    const memory = new ReviewMemory();
    const options = { fileName: 'next.go', timeBudgetMs: 600_000 };
    const lines = (findings: readonly Finding[]) => findings.map((f) => `${f.ruleId}:${f.range.start.line + 1}`);
    try {
      const before = lines(analyzeFile(file, { ...options, memory }).findings);
      assert.deepEqual(before, ['lock-held-while-blocking:17', 'lock-held-while-blocking:23']);
      file.update([{ rangeOffset: at, rangeLength: 0, text: 'x' }]);
      assert.equal(!!file.syntax(Date.now() + 60_000)?.hasError, breaksParse);
      // A fresh review of the text no longer sees that next() waits, so both findings go...
      assert.deepEqual(lines(analyze(go, file.text, options).findings), []);
      // ...the held review keeps them: get() and put() are untouched.
      const heldBefore = memory.stats.held;
      assert.deepEqual(lines(analyzeFile(file, { ...options, memory }).findings), before);
      assert.equal(memory.stats.held, heldBefore + 1);
      file.update([{ rangeOffset: at, rangeLength: 1, text: '' }]);
      const got = analyzeFile(file, { ...options, memory });
      assert.equal(memory.stats.held, heldBefore + 1);
      assert.deepEqual(canonical(got.findings), canonical(analyze(go, file.text, options).findings));
    } finally {
      file.dispose();
    }
  }

  it('while a helper is half-typed (`funcx`), keep its callers\' findings; once it parses again, equal a fresh review', () => {
    holdsWhileHalfTyped(helperText, helperText.indexOf('func (s *S) next') + 'func'.length, true);
  });

  it('while a helper names something nothing declares (`<-sx.ready`), keep its callers\' findings; once it compiles again, equal a fresh review', () => {
    holdsWhileHalfTyped(helperText, helperText.indexOf('<-s.ready') + '<-s'.length, false);
    // A name that some declaration does declare is not held: `s` -> `registry`, a package variable.
    const other = helperText.replace('type S struct', 'var registry = &S{}\n\ntype S struct');
    const file = new GoFile(go, other, 'next.go');
    const memory = new ReviewMemory();
    const options = { fileName: 'next.go', timeBudgetMs: 600_000 };
    try {
      analyzeFile(file, { ...options, memory });
      file.update([{ rangeOffset: other.indexOf('<-s.ready') + '<-'.length, rangeLength: 1, text: 'registry' }]);
      const got = analyzeFile(file, { ...options, memory });
      assert.equal(memory.stats.held, 0);
      assert.deepEqual(canonical(got.findings), canonical(analyze(go, file.text, options).findings));
    } finally {
      file.dispose();
    }
  });

  it('equal a fresh review after typing in real files', () => {
    const random = rng(5);
    let edits = 0;
    let carrying = 0;
    for (const path of realFiles()) {
      const name = path.split('/').pop()!;
      const file = new GoFile(go, readFileSync(path, 'utf8'), name);
      const memory = new ReviewMemory();
      const budget = file.text.length > 100_000 ? 24 : 10;
      const typist = new Typist(random);
      let last: readonly Finding[] = [];
      try {
        for (let i = 0; i < budget; i++) {
          const change = typist.next(file.text);
          if (!change) break;
          if (i > 0) file.update([change]);
          edits++;
          const options = { fileName: name, timeBudgetMs: 600_000 };
          const heldBefore = memory.stats.held;
          const got = analyzeFile(file, { ...options, memory });
          const want = analyze(go, file.text, options);
          checkReview(memory, heldBefore, got.findings, want.findings, last, `${path} after edit ${i} (${JSON.stringify(change)})`);
          last = got.findings;
        }
      } finally {
        file.dispose();
      }
      carrying += memory.stats.carrying;
    }
    assert.ok(carrying > edits / 3, `${carrying} of ${edits} reviews carried findings`);
  });
});
