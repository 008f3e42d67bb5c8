/**
 * The integration corpus: test/corpus/ holds small Go packages written in the shapes of real
 * concurrency bugs (goroutine leaks after a timeout or an early return, lock misuse, WaitGroup
 * and channel misuse, lost cancellation...), each next to its fixed version and to common safe
 * idioms. Every folder is one package, analysed with ALL rules the way the editor and the CLI
 * see it, with the `// want` syntax of test/harness.ts.
 *
 * The corpus measures the product, not one rule, so it records what the rules do not do yet:
 * - KNOWN_MISSES: wants that no rule catches yet (a rule is missing, or one misses the shape).
 * - KNOWN_FALSE_POSITIVES: findings on correct code from rules we do not own here.
 * Both lists are checked both ways: a listed miss that starts being caught, or a listed false
 * positive that goes away, fails the test until the entry is removed, so the lists stay honest.
 *
 * CORPUS_REPORT=1 prints per-rule recall and false positives.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { analyzePackage, type AnalysisResult } from '../../src/core/analyze';
import type { GoLanguage } from '../../src/core/syntax/parser';
import type { Finding } from '../../src/core/findings/rule';
import { fixtureGoVersion, matchWants, parseWants } from '../harness';
import { gofmtProblem, loadGoForTests, ROOT } from '../helpers';

const CORPUS = join(ROOT, 'test', 'corpus');

interface Known {
  /** `folder/file.go:line`, relative to test/corpus, one-based line. */
  at: string;
  /** The rule that should report it (misses) or that reports it wrongly (false positives). */
  rule: string;
  reason: string;
}

/** Wants that no rule catches yet. */
export const KNOWN_MISSES: Known[] = [
  // double-close and send-after-close: the second close or the send is in another function.
  { at: 'configwatch/fanout.go:71', rule: 'double-close', reason: 'closes every channel of b.subs, then calls unsubscribe (same type), which closes each again: not followed into the helper' },
  { at: 'mesh/watcher.go:71', rule: 'double-close', reason: 'close(w.done), then w.Close(), whose sync.Once closure closes w.done again: not followed into the method' },
  { at: 'raftnode/watch.go:101', rule: 'double-close', reason: 'close(out); return inside `for ev := range in` plus `defer close(out)`: closes in a loop are left out of pairs even when a return follows them' },
  { at: 'container/events.go:89', rule: 'send-after-close', reason: 'Close closes the field e.logc, Log (another method) sends on it with no closed check: sends in other methods are not compared' },
  { at: 'workqueue/pool.go:54', rule: 'send-after-close', reason: 'check-then-act: p.closed is read under p.mu, the send comes after Unlock, Close closes under p.mu' },
  // lock-held-while-blocking: the channel must be a receiver field, a package variable or a local of the function (not a map value).
  { at: 'container/events.go:47', rule: 'lock-held-while-blocking', reason: 'the channel is a value of a map of channels (`for ch := range e.subs`): key local:ch links to no receiver' },
  { at: 'mesh/xds.go:73', rule: 'lock-held-while-blocking', reason: 'the channel is a field of a map value (`c.pushChannel`), not a receiver field: no unblocker is looked for' },
  // lock-order-inversion: a range variable over a map of structs is a local, not the type that owns the mutex.
  { at: 'kvserver/txn.go:29', rule: 'lock-order-inversion', reason: '`t.coord.mu` (txn.coord.mu) vs txnCoordinator.mu, and the range variable `t` (a *txn from c.txns) vs txn.mu' },
  { at: 'kvserver/txn.go:39', rule: 'lock-order-inversion', reason: 'same pair: `t.mu` on a map range variable is a local, not txn.mu' },
  // Other rules' scope gaps.
  { at: 'container/state.go:117', rule: 'mutex-copied', reason: '`return c.state` copies a struct that embeds sync.Mutex: returns (and assignments) of lock-holding values are not checked' },
  { at: 'kubelet/evictions.go:86', rule: 'unsynchronized-write', reason: 'isAtomicallyUsed matches by name: another function of the file does atomic.AddInt64(&count, 1) on its own `count`' },
  { at: 'scheduler/cache.go:103', rule: 'nil-channel-operation', reason: 'a struct field channel never made by the constructor: only `var ch chan T` locals are checked' },
  // Ours, left on purpose.
  { at: 'rpc/balancer.go:43', rule: 'loop-without-cancel', reason: 'the loop has returns (closed, picked), which the rule takes as a way out; it still blocks on `<-b.readyCh` after ctx is cancelled' },
  { at: 'raftnode/node.go:60', rule: 'goroutine-send-leak', reason: 'the reply channel travels inside a struct over another channel (p.done); receiver and sender are in different functions' },
];

/** Findings on correct code, from rules owned elsewhere (fixed ones become `// ok` fixtures of their rule). */
export const KNOWN_FALSE_POSITIVES: Known[] = [];

interface CorpusFile {
  rel: string;
  text: string;
  result: AnalysisResult;
}

/** The packages of the corpus: every folder holding .go files, found without recursion. */
function corpusPackages(): string[][] {
  const out: string[][] = [];
  const stack = [CORPUS];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    const files: string[] = [];
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) stack.push(path);
      else if (name.endsWith('.go')) files.push(path);
    }
    if (files.length > 0) out.push(files);
  }
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

const relName = (path: string) => relative(CORPUS, path).split(sep).join('/');
const atOf = (rel: string, line: number) => `${rel}:${line}`;

function analyseCorpus(go: GoLanguage): CorpusFile[] {
  const out: CorpusFile[] = [];
  for (const paths of corpusPackages()) {
    const files = paths.map((p) => ({ name: relName(p), text: readFileSync(p, 'utf8') }));
    const versions = new Set(files.map((f) => fixtureGoVersion(f.text)));
    assert.ok(versions.size === 1, `${files[0].name}: the files of one package must pin the same //fixture:go version`);
    const goVersion = [...versions][0];
    const results = analyzePackage(go, files, { goVersion, includeGenerated: true });
    files.forEach((f, i) => out.push({ rel: f.name, text: f.text, result: results[i] }));
  }
  return out;
}

const isKnownFalsePositive = (rel: string, f: Finding) => KNOWN_FALSE_POSITIVES.some((k) => k.at === atOf(rel, f.line) && k.rule === f.ruleId);
const MISSED = /^(.+?:\d+): no finding matched want/;

/** The rule whose finding satisfies each want, or the rule a known miss names. */
function attribute(file: CorpusFile): { rule: string; caught: boolean }[] {
  const findings = file.result.findings.filter((f) => !isKnownFalsePositive(file.rel, f));
  const used = new Set<Finding>();
  return parseWants(file.text).map((w) => {
    const f = findings.find((x) => !used.has(x) && x.range.start.line === w.line && w.pattern.test(x.message));
    if (f) {
      used.add(f);
      return { rule: f.ruleId, caught: true };
    }
    const miss = KNOWN_MISSES.find((k) => k.at === atOf(file.rel, w.line + 1));
    return { rule: miss?.rule ?? '(unknown)', caught: false };
  });
}

function report(files: CorpusFile[]): string {
  const rows = new Map<string, { caught: number; missed: number; fps: number }>();
  const row = (rule: string) => rows.get(rule) ?? rows.set(rule, { caught: 0, missed: 0, fps: 0 }).get(rule)!;
  let bugs = 0;
  let oks = 0;
  for (const f of files) {
    oks += (f.text.match(/\/\/ ok\b/g) ?? []).length;
    for (const a of attribute(f)) {
      bugs++;
      if (a.caught) row(a.rule).caught++;
      else row(a.rule).missed++;
    }
  }
  for (const k of KNOWN_FALSE_POSITIVES) row(k.rule).fps++;
  const lines = [`corpus: ${files.length} files, ${bugs} wants, ${oks} ok cases`, 'rule | caught | missed | false positives'];
  for (const [rule, r] of [...rows].sort()) lines.push(`${rule} | ${r.caught} | ${r.missed} | ${r.fps}`);
  return lines.join('\n');
}

describe('corpus (test/corpus, all rules)', function () {
  this.timeout(60000);
  let files: CorpusFile[] = [];

  before(async () => {
    const go = await loadGoForTests();
    files = analyseCorpus(go);
    if (process.env.CORPUS_REPORT) console.log(report(files));
  });

  it('is big enough, with at least as many correct cases as bugs', () => {
    const wants = files.reduce((n, f) => n + parseWants(f.text).length, 0);
    const oks = files.reduce((n, f) => n + (f.text.match(/\/\/ ok\b/g) ?? []).length, 0);
    assert.ok(files.length >= 40, `${files.length} corpus files, want at least 40`);
    assert.ok(oks >= wants, `${oks} ok cases for ${wants} wants`);
  });

  it('every file is gofmt-clean and analysed without rule errors', () => {
    const problems: string[] = [];
    for (const f of files) {
      const fmt = gofmtProblem(f.text);
      if (fmt) problems.push(`${f.rel}: ${fmt}`);
      for (const e of f.result.errors) problems.push(`${f.rel}: rule ${e.ruleId} threw: ${e.message}`);
      if (f.result.skipped) problems.push(`${f.rel}: skipped (${f.result.skipped})`);
    }
    assert.deepEqual(problems, []);
  });

  it('findings match the want comments, apart from the known misses and false positives', () => {
    const problems: string[] = [];
    for (const f of files) {
      const findings = f.result.findings.filter((x) => !isKnownFalsePositive(f.rel, x));
      const found = matchWants(findings, parseWants(f.text), f.rel).filter((p) => {
        const m = MISSED.exec(p);
        return !(m && KNOWN_MISSES.some((k) => k.at === m[1]));
      });
      if (found.length > 0) {
        problems.push(...found);
        problems.push(`  (${f.rel} findings: ${findings.map((x) => `${x.line} ${x.ruleId}`).join(', ') || 'none'})`);
      }
    }
    assert.ok(problems.length === 0, problems.join('\n'));
  });

  it('the known misses are still missed', () => {
    const problems: string[] = [];
    for (const k of KNOWN_MISSES) {
      const [rel, line] = [k.at.slice(0, k.at.lastIndexOf(':')), Number(k.at.slice(k.at.lastIndexOf(':') + 1))];
      const f = files.find((x) => x.rel === rel);
      if (!f) {
        problems.push(`${k.at}: no such corpus file`);
        continue;
      }
      if (!parseWants(f.text).some((w) => w.line === line - 1)) {
        problems.push(`${k.at}: no want on this line`);
        continue;
      }
      const all = parseWants(f.text);
      matchWants(f.result.findings.filter((x) => !isKnownFalsePositive(f.rel, x)), all, f.rel);
      if (all.filter((w) => w.line === line - 1).every((w) => w.matched)) {
        problems.push(`${k.at}: ${k.rule} catches it now: remove it from KNOWN_MISSES`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('the known false positives are still reported', () => {
    const problems: string[] = [];
    for (const k of KNOWN_FALSE_POSITIVES) {
      const rel = k.at.slice(0, k.at.lastIndexOf(':'));
      const f = files.find((x) => x.rel === rel);
      if (!f) problems.push(`${k.at}: no such corpus file`);
      else if (!f.result.findings.some((x) => isKnownFalsePositive(rel, x) && x.ruleId === k.rule)) {
        problems.push(`${k.at}: ${k.rule} no longer reports it: remove it from KNOWN_FALSE_POSITIVES`);
      }
    }
    assert.deepEqual(problems, []);
  });
});
