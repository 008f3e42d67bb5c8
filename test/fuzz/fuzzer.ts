/**
 * A small, seeded, reproducible fuzzer for the engine: it mutates real Go files the way
 * half-typed or damaged code looks (deletions, insertions of Go tokens, truncation at token
 * boundaries, duplicated and swapped lines, random characters, invalid UTF-8) and checks that
 * analysis returns without throwing, that no rule fails, that it stays within its time budget,
 * and that it gives the same findings twice in a row.
 */
import { analyze, type AnalysisResult } from '../../src/core/analyze';
import type { GoLanguage } from '../../src/core/syntax/parser';

export type Rng = () => number;

/** mulberry32: tiny, fast, good enough for choosing mutations; same seed, same inputs. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rng, n: number) => Math.floor(r() * n);

const TOKENS = ['go ', 'go func() {', 'defer ', 'select {', 'case ', '<-', 'chan ', 'close(', 'func(', '{', '}', '(', ')', '"', '`', '/*', '*/', '//', '\n', ':=', 'ctx.Done()', 'wg.Add(1)', 'mu.Lock()', 'for {', 'return', 'break', ';', ',', '.', 'é', '😀', '\t'];

/** Offsets where a Go token starts or ends, for truncation "at every kind of token". */
function tokenBoundaries(text: string): number[] {
  const out: number[] = [];
  const re = /[A-Za-z_\u00c0-\uffff][\w\u00c0-\uffff]*|\d+|"(?:[^"\\\n]|\\.)*"|`[^`]*`|\/\/[^\n]*|\/\*[\s\S]*?\*\/|<-|:=|\S/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m.index, m.index + m[0].length);
  return out;
}

export type Mutation = (text: string, r: Rng) => string;

export const MUTATIONS: Record<string, Mutation> = {
  deleteSpan(text, r) {
    const at = int(r, text.length + 1);
    return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + int(r, 80)));
  },
  insertToken(text, r) {
    const at = int(r, text.length + 1);
    return text.slice(0, at) + pick(r, TOKENS) + text.slice(at);
  },
  truncateAtToken(text, r) {
    const b = tokenBoundaries(text);
    return b.length === 0 ? '' : text.slice(0, pick(r, b));
  },
  duplicateLine(text, r) {
    const lines = text.split('\n');
    const i = int(r, lines.length);
    lines.splice(i, 0, lines[i]);
    return lines.join('\n');
  },
  swapLines(text, r) {
    const lines = text.split('\n');
    const i = int(r, lines.length);
    const j = int(r, lines.length);
    [lines[i], lines[j]] = [lines[j], lines[i]];
    return lines.join('\n');
  },
  randomChars(text, r) {
    let out = text;
    for (let k = 0, n = 1 + int(r, 8); k < n; k++) {
      const at = int(r, out.length + 1);
      // Control characters, NUL, lone surrogates, astral characters and plain ASCII.
      const c = pick(r, [String.fromCharCode(int(r, 32)), '\0', '\ud800', '\udfff', '\u{1F600}', String.fromCharCode(32 + int(r, 95)), '\uFEFF', '\r']);
      out = out.slice(0, at) + c + out.slice(at);
    }
    return out;
  },
  invalidUtf8(text, r) {
    const bytes = Buffer.from(text, 'utf8');
    for (let k = 0, n = 1 + int(r, 6); k < n && bytes.length > 0; k++) bytes[int(r, bytes.length)] = 0x80 + int(r, 0x80);
    return new TextDecoder('utf-8', { fatal: false }).decode(bytes); // invalid sequences become U+FFFD, as editors read them
  },
  crlf(text) {
    return text.replace(/\n/g, '\r\n');
  },
};

export interface FuzzFailure {
  kind: 'throw' | 'rule-error' | 'slow' | 'nondeterministic';
  mutation: string;
  source: string;
  detail: string;
  input: string;
}

export interface FuzzStats {
  inputs: number;
  failures: FuzzFailure[];
  slowestMs: number;
  slowestSource: string;
}

/** Mutates one of `corpus` per input and checks the engine on it. */
export function fuzz(go: GoLanguage, corpus: readonly { name: string; text: string }[], count: number, seed: number, budgetMs = 1000, recheckEvery = 1): FuzzStats {
  const r = rng(seed);
  const names = Object.keys(MUTATIONS);
  const stats: FuzzStats = { inputs: 0, failures: [], slowestMs: 0, slowestSource: '' };
  for (let i = 0; i < count; i++) {
    const source = pick(r, corpus);
    let text = source.text;
    const applied: string[] = [];
    for (let k = 0, n = 1 + int(r, 3); k < n; k++) {
      const m = pick(r, names);
      applied.push(m);
      text = MUTATIONS[m](text, r);
    }
    const mutation = applied.join('+');
    stats.inputs++;
    const fail = (kind: FuzzFailure['kind'], detail: string) => stats.failures.push({ kind, mutation, source: source.name, detail, input: text });
    let first: AnalysisResult;
    const started = Date.now();
    try {
      first = analyze(go, text, { fileName: source.name, timeBudgetMs: budgetMs, includeGenerated: true });
    } catch (e) {
      fail('throw', e instanceof Error ? e.stack ?? e.message : String(e));
      continue;
    }
    const ms = Date.now() - started;
    if (ms > stats.slowestMs) {
      stats.slowestMs = ms;
      stats.slowestSource = `${source.name} (${mutation})`;
    }
    for (const e of first.errors) fail('rule-error', `${e.ruleId}: ${e.message.split('\n').slice(0, 3).join(' | ')}`);
    // Over budget means the engine did not stop itself: parsing and every rule are bounded by it,
    // and one rule may overrun by its own running time, hence the slack.
    if (ms > budgetMs * 2 + 200) fail('slow', `${ms} ms`);
    // A timed-out run may legitimately stop at another rule; determinism is checked on every
    // `recheckEvery`-th input (analysis is the cost of a fuzz run).
    if (first.incomplete || i % recheckEvery !== 0) continue;
    const again = analyze(go, text, { fileName: source.name, timeBudgetMs: budgetMs, includeGenerated: true });
    const key = (x: AnalysisResult) => JSON.stringify(x.findings.map((f) => [f.ruleId, f.span, f.message, f.fixes]));
    if (!again.incomplete && key(first) !== key(again)) fail('nondeterministic', 'two runs gave different findings');
  }
  return stats;
}
