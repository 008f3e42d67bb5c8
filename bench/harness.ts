/**
 * In-process measurements for `npm run bench` (scripts/bench.mjs bundles this file with
 * esbuild and calls it): the parse floor, the full analysis, the editor path and WASM memory.
 * Run directly (`node out/bench/harness.cjs activation`) it measures engine activation in a
 * fresh process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Parser } from 'web-tree-sitter';
import { analyze, analyzeFile, analyzePackage, skipReason } from '../src/core/analyze';
import { goFiles, groupByDir } from '../src/cli/files';
import { GoFile, GoLanguage, loadGo, type WasmFile } from '../src/core/syntax/parser';
import type { Rule } from '../src/core/findings/rule';
import { RULES } from '../src/core/rules';
import { PackageIndex } from '../src/core/model/package';
import { OpenDocument } from '../src/server/document';
import { findingDiagnostic } from '../src/server/server';
import { collectYoungGeneration } from '../src/server/idleGc';

export { serverExecArgv } from '../src/server/v8Pool';

/** The repository root: the nearest folder above the bundle with node_modules/web-tree-sitter. */
function findRoot(): string {
  for (let d = __dirname; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules', 'web-tree-sitter'))) return d;
    if (dirname(d) === d) throw new Error('cannot find node_modules/web-tree-sitter above ' + __dirname);
  }
}

const ROOT = findRoot();
const WASM: Record<WasmFile, string> = {
  'web-tree-sitter.wasm': join(ROOT, 'node_modules', 'web-tree-sitter', 'web-tree-sitter.wasm'),
  'tree-sitter-go.wasm': join(ROOT, 'node_modules', 'tree-sitter-go', 'tree-sitter-go.wasm'),
};

export interface SourceFile {
  path: string;
  text: string;
}

// Declared locally: the bench is type-checked without DOM types, where WebAssembly lives.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
declare const WebAssembly: { Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory };

let go: GoLanguage | undefined;
/** The WASM memory handed to web-tree-sitter, when the engine does not report its heap itself. */
let memory: WasmMemory | undefined;

/**
 * Loads the engine. The engine reports web-tree-sitter's heap (GoLanguage.heapBytes) when it
 * hands the module its own WebAssembly.Memory; with an engine that does not, the memory is
 * handed in here before loadGo runs (the first Parser.init wins, later ones reuse the module).
 */
export async function init(): Promise<GoLanguage> {
  if (go) return go;
  const engineReportsHeap = typeof (GoLanguage.prototype as { heapBytes?: unknown }).heapBytes === 'function';
  if (!engineReportsHeap) {
    memory = new WebAssembly.Memory({ initial: 512, maximum: 32768 }); // 32 MiB, Emscripten's default start
    await Parser.init({ wasmBinary: readFileSync(WASM['web-tree-sitter.wasm']), wasmMemory: memory } as object);
  }
  go = await loadGo(async (f) => readFileSync(WASM[f]));
  return go;
}

export function wasmHeapBytes(): number {
  if (memory) return memory.buffer.byteLength;
  return (go as unknown as { heapBytes(): number }).heapBytes();
}

export function now(): number {
  return performance.now();
}

/**
 * The files an analysis parses: not generated, not too large (see skipReason). The parse floor
 * the target is read from counts these only: a generated file (a fifth of std's parse, with
 * h2_bundle.go and unicode's tables) is never parsed by the analysis it is compared with.
 */
export function parsedByAnalysis(files: readonly SourceFile[]): SourceFile[] {
  return files.filter((f) => !skipReason(f.text, {}));
}

/** Parse only: the floor any syntax-tree linter pays. Trees are deleted at once. */
export function parseFloor(g: GoLanguage, files: readonly SourceFile[]): number {
  const t = now();
  for (const f of files) g.parse(f.text)?.delete();
  return now() - t;
}

export interface AnalysisTiming {
  ms: number;
  findings: number;
  /** Time inside each rule's check (facts are lazy: a rule that first asks for one pays for it). */
  perRule: Record<string, number>;
  /** The slowest packages. */
  slowest: { dir: string; ms: number }[];
}

/** Parse + facts + every rule, one package (folder) at a time, as the CLI does. */
export function analyzeAll(g: GoLanguage, packages: readonly { dir: string; files: SourceFile[] }[], rules: readonly Rule[] = RULES): AnalysisTiming {
  const perRule: Record<string, number> = {};
  const timed: Rule[] = rules.map((r) => ({
    ...r,
    check(ctx) {
      const t = now();
      try {
        r.check(ctx);
      } finally {
        perRule[r.id] = (perRule[r.id] ?? 0) + now() - t;
      }
    },
  }));
  const slow: { dir: string; ms: number }[] = [];
  let findings = 0;
  const t = now();
  for (const p of packages) {
    const t1 = now();
    const results = analyzePackage(
      g,
      p.files.map((f) => ({ name: f.path, text: f.text })),
      { rules: timed, timeBudgetMs: 600_000 },
    );
    for (const r of results) findings += r.findings.length;
    slow.push({ dir: p.dir, ms: now() - t1 });
  }
  const ms = now() - t;
  slow.sort((a, b) => b.ms - a.ms);
  return { ms, findings, perRule, slowest: slow.slice(0, 5) };
}

/**
 * The parse floor and the full analysis taken in turns, package by package (each package's parse
 * floor over the files the analysis parses, best of two, then its analysis twice): the machine's speed drifts by up to half over
 * minutes, and two whole-library runs minutes apart compare it as much as the engine. Sums of
 * the parse floors, of the first analyses (`analysisMs`, the measure the target has always been
 * read from) and of the better of each package's two analyses (`bestAnalysisMs`: best of two on
 * both sides, as a fairer ratio, since a best of two is lower than one run).
 */
export function inTurns(g: GoLanguage, packages: readonly { dir: string; files: SourceFile[] }[]): { parseMs: number; analysisMs: number; bestAnalysisMs: number } {
  let parseMs = 0;
  let analysisMs = 0;
  let bestAnalysisMs = 0;
  for (const p of packages) {
    const parsed = parsedByAnalysis(p.files);
    parseMs += Math.min(parseFloor(g, parsed), parseFloor(g, parsed));
    const first = analyzeAll(g, [p]).ms;
    analysisMs += first;
    bestAnalysisMs += Math.min(first, analyzeAll(g, [p]).ms);
  }
  return { parseMs, analysisMs, bestAnalysisMs };
}

/** The Go files the CLI would review under `paths` (same walker: vendor, testdata, .gitignore), read, by package. */
export function corpus(paths: readonly string[]): { dir: string; files: SourceFile[] }[] {
  const files = goFiles(paths, { includeTestdata: false });
  return groupByDir(files).map((p) => ({ dir: p.dir, files: p.files.map((f) => ({ path: f, text: readFileSync(f, 'utf8') })) }));
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** A small deterministic PRNG, so every run makes the same edits. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Offsets inside function bodies where typing a letter is plausible: just after an identifier character. */
function editSites(text: string): number[] {
  const sites: number[] = [];
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i - 1);
    const isIdent = (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
    if (isIdent && text.charCodeAt(i) === 32 /* space */ && text.charCodeAt(i - 2) !== 47) sites.push(i);
  }
  return sites;
}

export interface EditTiming {
  lines: number;
  /** Edits measured: fewer than asked when the time budget ran out. */
  edits: number;
  p50: number;
  p95: number;
  max: number;
  /** Full parse + analysis of the file, for comparison. */
  fullMs: number;
  /** Reviews that carried findings over from the previous one (looked only at the edited declarations). */
  carrying?: number;
  /** Medians of the reviews that carried findings and of those that ran every rule whole. */
  p50Carrying?: number;
  p50Whole?: number;
}

/**
 * The editor's path: single-character edits (type a letter after an identifier, then delete
 * it, alternately), each followed by the incremental re-parse (GoFile.update) and analyzeFile,
 * as the extension does on every keystroke. Times are edit-to-findings. Stops early (with fewer
 * edits) once `budgetMs` has passed.
 */
export function editorPath(g: GoLanguage, name: string, text: string, edits = 200, budgetMs = Infinity, seed = 1): EditTiming {
  // What the language server does on a keystroke (src/server/server.ts): the protocol's change
  // applied to the open document, an incremental re-parse, the review with the folder's package
  // index, and the findings turned into protocol diagnostics, timed; then, untimed, what it does
  // while idle. Only the debounce is left out.
  const uri = `file:///bench/${name}`;
  const doc = new OpenDocument(uri, 'go', 1, text, name);
  const opts = { fileName: name, timeBudgetMs: 600_000, package: new PackageIndex(g) };
  doc.keep(1, doc.review(g, opts)); // the document is open and reviewed before typing starts
  const t0 = now();
  analyze(g, text, { fileName: name, timeBudgetMs: 600_000 });
  const fullMs = now() - t0;
  const sites = editSites(text);
  const rand = rng(seed);
  const times: number[] = [];
  const carried: number[] = [];
  const whole: number[] = [];
  let pending: number | undefined;
  let version = 1;
  let published = 0;
  const stopAt = now() + budgetMs;
  for (let i = 0; i < edits && now() < stopAt; i++) {
    const at = pending ?? sites[Math.floor(rand() * sites.length)];
    const start = doc.doc.positionAt(at);
    const change = pending === undefined ? { range: { start, end: start }, text: 'x' } : { range: { start, end: doc.doc.positionAt(at + 1) }, text: '' };
    pending = pending === undefined ? at : undefined;
    const t = now();
    const before = doc.memory.stats.carrying;
    doc.applyChanges([change], ++version);
    const result = doc.review(g, opts, version);
    doc.keep(version, result);
    published += result.findings.map((f) => findingDiagnostic(uri, f, (id) => id)).length;
    times.push(now() - t);
    (doc.memory.stats.carrying > before ? carried : whole).push(times[times.length - 1]);
    // The server, idle once the findings are published, collects the young generation before the
    // next keystroke arrives (ServerHost.idle, src/server/idleGc.ts).
    collectYoungGeneration();
    if (process.env.GOCONC_BENCH_DEBUG && doc.memory.stats.carrying === before) console.error('whole review after an edit at', JSON.stringify(doc.text.slice(at - 30, at + 10)));
  }
  const carrying = doc.memory.stats.carrying;
  if (process.env.GOCONC_BENCH_DEBUG) console.error(JSON.stringify(doc.memory.stats));
  doc.dropTree();
  void published;
  return { lines: text.split('\n').length, edits: times.length, p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times), fullMs, carrying, p50Carrying: percentile(carried, 50), p50Whole: percentile(whole, 50) };
}

export interface MemoryTiming {
  name: string;
  edits: number;
  analyseEvery: number;
  afterFirst100: number;
  afterAll: number;
  growthPct: number;
  rssAfterFirst100: number;
  rssAfterAll: number;
}

/**
 * WASM heap size (and process RSS) after the first 100 incremental edits and after `edits`.
 * Every edit re-parses incrementally; analyzeFile runs every `analyseEvery` edits.
 */
export function memoryUnderEdits(g: GoLanguage, name: string, text: string, edits = 10_000, analyseEvery = 1): MemoryTiming {
  const file = new GoFile(g, text, name);
  const opts = { fileName: name, timeBudgetMs: 600_000 };
  const sites = editSites(text);
  const rand = rng(7);
  let pending: number | undefined;
  let afterFirst100 = 0;
  let rssAfterFirst100 = 0;
  for (let i = 0; i < edits; i++) {
    const change = pending === undefined ? { rangeOffset: sites[Math.floor(rand() * sites.length)], rangeLength: 0, text: 'x' } : { rangeOffset: pending, rangeLength: 1, text: '' };
    pending = pending === undefined ? change.rangeOffset : undefined;
    file.update([change]);
    if (i % analyseEvery === 0) analyzeFile(file, opts);
    if (i === 99) {
      afterFirst100 = wasmHeapBytes();
      rssAfterFirst100 = process.memoryUsage().rss;
    }
  }
  file.dispose();
  const afterAll = wasmHeapBytes();
  return {
    name: name.split('/').slice(-2).join('/'),
    edits,
    analyseEvery,
    afterFirst100,
    afterAll,
    growthPct: afterFirst100 > 0 ? (100 * (afterAll - afterFirst100)) / afterFirst100 : 0,
    rssAfterFirst100,
    rssAfterAll: process.memoryUsage().rss,
  };
}

/**
 * Generated Go of about `lines` lines in the shapes the rules look at: worker pools, pipelines
 * with contexts, selects, mutexes, WaitGroups, timers, plus plain code around them. Deterministic.
 */
export function generateGo(lines: number, pkg = 'gen', seed = 42): string {
  const rand = rng(seed);
  const out: string[] = [
    `package ${pkg}`,
    '',
    'import (',
    '\t"context"',
    '\t"errors"',
    '\t"fmt"',
    '\t"sync"',
    '\t"time"',
    ')',
    '',
    'type Item struct {',
    '\tID    int',
    '\tName  string',
    '\tValue float64',
    '}',
    '',
    'type Store struct {',
    '\tmu    sync.Mutex',
    '\titems map[int]Item',
    '}',
    '',
  ];
  const shapes = [
    (i: number) => [
      `// fetchAll${i} fans out one goroutine per id and collects the first error.`,
      `func fetchAll${i}(ctx context.Context, ids []int) ([]Item, error) {`,
      '\tresults := make(chan Item, len(ids))',
      '\terrs := make(chan error, 1)',
      '\tvar wg sync.WaitGroup',
      '\tfor _, id := range ids {',
      '\t\twg.Add(1)',
      '\t\tgo func(id int) {',
      '\t\t\tdefer wg.Done()',
      '\t\t\tselect {',
      '\t\t\tcase results <- Item{ID: id, Name: fmt.Sprint(id)}:',
      '\t\t\tcase <-ctx.Done():',
      '\t\t\t}',
      '\t\t}(id)',
      '\t}',
      '\twg.Wait()',
      '\tclose(results)',
      '\tvar out []Item',
      '\tfor it := range results {',
      '\t\tout = append(out, it)',
      '\t}',
      '\tselect {',
      '\tcase err := <-errs:',
      '\t\treturn nil, err',
      '\tdefault:',
      '\t}',
      '\treturn out, nil',
      '}',
      '',
    ],
    (i: number) => [
      `func (s *Store) Put${i}(it Item) {`,
      '\ts.mu.Lock()',
      '\tdefer s.mu.Unlock()',
      '\tif s.items == nil {',
      '\t\ts.items = make(map[int]Item)',
      '\t}',
      '\ts.items[it.ID] = it',
      '}',
      '',
      `func (s *Store) Get${i}(id int) (Item, bool) {`,
      '\ts.mu.Lock()',
      '\tdefer s.mu.Unlock()',
      '\tit, ok := s.items[id]',
      '\treturn it, ok',
      '}',
      '',
    ],
    (i: number) => [
      `func generate${i}(ctx context.Context, n int) <-chan int {`,
      '\tout := make(chan int)',
      '\tgo func() {',
      '\t\tdefer close(out)',
      '\t\tfor i := 0; i < n; i++ {',
      '\t\t\tselect {',
      '\t\t\tcase out <- i:',
      '\t\t\tcase <-ctx.Done():',
      '\t\t\t\treturn',
      '\t\t\t}',
      '\t\t}',
      '\t}()',
      '\treturn out',
      '}',
      '',
    ],
    (i: number) => [
      `func poll${i}(ctx context.Context, check func() error) error {`,
      '\tticker := time.NewTicker(100 * time.Millisecond)',
      '\tdefer ticker.Stop()',
      '\tfor {',
      '\t\tselect {',
      '\t\tcase <-ctx.Done():',
      '\t\t\treturn ctx.Err()',
      '\t\tcase <-ticker.C:',
      '\t\t\tif err := check(); err != nil {',
      '\t\t\t\tif errors.Is(err, context.Canceled) {',
      '\t\t\t\t\treturn err',
      '\t\t\t\t}',
      '\t\t\t\tcontinue',
      '\t\t\t}',
      '\t\t\treturn nil',
      '\t\t}',
      '\t}',
      '}',
      '',
    ],
    (i: number) => [
      `func sum${i}(values []float64) (total float64) {`,
      '\tfor i, v := range values {',
      '\t\tif i%2 == 0 {',
      '\t\t\ttotal += v * 2',
      '\t\t} else {',
      '\t\t\ttotal -= v / 3',
      '\t\t}',
      '\t}',
      `\treturn total + ${i}`,
      '}',
      '',
    ],
    (i: number) => [
      `func withTimeout${i}(parent context.Context, work func(context.Context) error) error {`,
      '\tctx, cancel := context.WithTimeout(parent, 5*time.Second)',
      '\tdefer cancel()',
      '\tdone := make(chan error, 1)',
      '\tgo func() { done <- work(ctx) }()',
      '\tselect {',
      '\tcase err := <-done:',
      '\t\treturn err',
      '\tcase <-ctx.Done():',
      '\t\treturn ctx.Err()',
      '\t}',
      '}',
      '',
    ],
  ];
  let i = 0;
  while (out.length < lines) {
    out.push(...shapes[Math.floor(rand() * shapes.length)](i++));
  }
  return out.join('\n') + '\n';
}

/** Fresh-process activation: engine init (WASM load, grammar, warm-up) to the first findings. */
async function activation(file: string): Promise<void> {
  const text = readFileSync(file, 'utf8');
  const t0 = now();
  const g = await loadGo(async (f) => readFileSync(WASM[f]));
  const tInit = now();
  const res = analyze(g, text, { fileName: file });
  const t1 = now();
  process.stdout.write(JSON.stringify({ initMs: tInit - t0, firstAnalysisMs: t1 - tInit, totalMs: t1 - t0, findings: res.findings.length }) + '\n');
}

/** Fresh-process memory run, so the heap reflects the edits only and not earlier work. */
async function memoryRun(file: string, edits: number, analyseEvery: number): Promise<void> {
  const g = await init();
  const text = file === 'generated' ? generateGo(10_000) : readFileSync(file, 'utf8');
  const startHeap = wasmHeapBytes();
  const m = memoryUnderEdits(g, file, text, edits, analyseEvery);
  process.stdout.write(JSON.stringify({ ...m, startHeap }) + '\n');
}

/** What `npm run bench` asks of a process started as the language server is (see editorRun). */
export interface EditorRunSpec {
  /** Directories analysed first, as the bench process does before it: the JIT is warm, as in a server that has been running. */
  warm: string[];
  /** The files typed into: a path, or `generated` for generateGo(10,000). */
  files: { name: string; path: string }[];
  edits: number;
  budgetMs: number;
}

/**
 * The editor path in a fresh process started with the language server's Node options (its V8
 * pool, see src/server/v8Pool.ts), after the whole-library analysis: what a keystroke costs in the
 * server's process. Prints each file's EditTiming, by name, as JSON.
 */
async function editorRun(spec: EditorRunSpec): Promise<void> {
  const g = await init();
  if (spec.warm.length > 0) analyzeAll(g, corpus(spec.warm));
  const out: Record<string, EditTiming> = {};
  for (const f of spec.files) {
    const text = f.path === 'generated' ? generateGo(10_000) : readFileSync(f.path, 'utf8');
    out[f.name] = editorPath(g, f.name, text, spec.edits, spec.budgetMs);
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

if (require.main === module) {
  const [mode, ...rest] = process.argv.slice(2);
  const done =
    mode === 'activation'
      ? activation(rest[0])
      : mode === 'memory'
        ? memoryRun(rest[0], Number(rest[1]), Number(rest[2]))
        : mode === 'editor'
          ? editorRun(JSON.parse(rest[0]) as EditorRunSpec)
          : undefined;
  done?.catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
