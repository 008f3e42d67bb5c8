// npm run bench: how fast goconc is, against the parse floor and go vet. Not a test: targets
// are reported, never asserted. Prints a table and writes bench/results/latest.json.
//
//   npm run bench                    everything (the Go standard library when Go is installed)
//   npm run bench -- --quick         a small corpus and fewer edits, to check the script works
//   npm run bench -- --no-vet        skip go vet
//   npm run bench -- --corpus DIR    review DIR instead of the standard library
//
// Measurements run one after another in this process (parse floor, analysis, editor path,
// memory) and in fresh processes (activation, every goconc run, go vet), on the same files.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from 'node:module';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from './node-bundle.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, 'bench', 'results');
const BUILD = join(RESULTS, '.build');
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const noVet = argv.includes('--no-vet');
const corpusArg = argv.includes('--corpus') ? resolve(argv[argv.indexOf('--corpus') + 1]) : undefined;

// Issue 13's targets for analysis and the editor path; the others from the first speed issue.
const TARGETS = {
  analysisOverParse: 2.0,
  twoWorkersVsVet: 2.5,
  editServerP95: 25,
  edit10kP95: 50,
  activationMs: 100,
  warmRescanMs: 1500,
  memoryGrowthPct: 10,
};

function log(s) {
  process.stderr.write(s + '\n');
}

function ms(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// ---------------------------------------------------------------- build
log('> build dist/cli.js and the bench harness');
execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
mkdirSync(BUILD, { recursive: true });
await bundleForNode(join(ROOT, 'bench', 'harness.ts'), join(BUILD, 'harness.cjs'));
const harnessFile = join(BUILD, 'harness.cjs');
const h = require(harnessFile);
// A private copy of the bundle: other work in the same tree may rebuild dist/ while the bench
// runs, and a new bundle is a new engine version for the cache.
const DIST = join(BUILD, 'dist');
mkdirSync(DIST, { recursive: true });
for (const f of ['cli.js', 'cli-main.js', 'web-tree-sitter.wasm', 'tree-sitter-go.wasm']) copyFileSync(join(ROOT, 'dist', f), join(DIST, f));
const CLI = join(DIST, 'cli.js');

// ---------------------------------------------------------------- corpus
function goEnv(name) {
  const r = spawnSync('go', ['env', name], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}
const goroot = goEnv('GOROOT');
const goVersion = goroot ? spawnSync('go', ['version'], { encoding: 'utf8' }).stdout.trim() : undefined;
let corpusName;
let corpusPaths;
let serverGo;
if (corpusArg) {
  corpusName = corpusArg;
  corpusPaths = [corpusArg];
} else if (goroot && existsSync(join(goroot, 'src', 'net', 'http', 'server.go'))) {
  const src = join(goroot, 'src');
  // The packages of `go vet std`: everything under src/ but cmd/ (the toolchain). src/vendor
  // holds std's vendored golang.org/x packages; goconc skips vendor/ folders, go vet does not.
  const dirs = readdirSync(src, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !['cmd', 'vendor', 'testdata'].includes(e.name))
    .map((e) => join(src, e.name))
    .sort();
  corpusName = `Go standard library (${goVersion}), ${src} without cmd/ and vendor/`;
  corpusPaths = quick ? dirs.filter((d) => /\/(sync|context|net|bufio|strings)$/.test(d)) : dirs;
  serverGo = join(src, 'net', 'http', 'server.go');
} else {
  // No Go: a generated corpus of realistic Go, in packages of several files.
  const dir = join(BUILD, 'corpus');
  rmSync(dir, { recursive: true, force: true });
  const packages = quick ? 20 : 400;
  for (let p = 0; p < packages; p++) {
    mkdirSync(join(dir, `pkg${p}`), { recursive: true });
    for (let f = 0; f < 5; f++) writeFileSync(join(dir, `pkg${p}`, `file${f}.go`), h.generateGo(200 + ((p * 7 + f * 13) % 600), `pkg${p}`, p * 10 + f));
  }
  corpusName = `generated Go (${packages} packages of 5 files; no Go toolchain found)`;
  corpusPaths = [dir];
}
log(`> corpus: ${corpusName}`);
const packages = h.corpus(corpusPaths);
const allFiles = packages.flatMap((p) => p.files);
const corpus = {
  name: corpusName,
  packages: packages.length,
  files: allFiles.length,
  lines: allFiles.reduce((n, f) => n + f.text.split('\n').length - (f.text.endsWith('\n') ? 1 : 0), 0),
  mb: allFiles.reduce((n, f) => n + Buffer.byteLength(f.text), 0) / 1e6,
};
log(`  ${corpus.files} files, ${corpus.lines} lines, ${corpus.mb.toFixed(1)} MB in ${corpus.packages} packages`);

// ---------------------------------------------------------------- parse floor vs analysis
log('> engine init, parse floor and full analysis (1 thread, this process)');
const g = await h.init();
h.parseFloor(g, allFiles.slice(0, 200)); // warm the JIT
// The floor is the parse of the files the analysis parses: generated files are skipped by it.
const parsedFiles = h.parsedByAnalysis(allFiles);
const parseRuns = [h.parseFloor(g, parsedFiles), h.parseFloor(g, parsedFiles)];
const parseMs = Math.min(...parseRuns);
const parseEveryFileMs = h.parseFloor(g, allFiles);
log(`  parse floor ${parseMs.toFixed(0)} ms (${parsedFiles.length} files the analysis parses; every file ${parseEveryFileMs.toFixed(0)} ms)`);
const analysis = h.analyzeAll(g, packages);
log(`  analysis ${analysis.ms.toFixed(0)} ms, ${analysis.findings} findings`);
// The ratio the target is about, measured in turns package by package, so that a drift of the
// machine's speed between the two whole-library runs above does not make it.
const turns = h.inTurns(g, packages);
log(`  in turns, package by package: parse floor ${turns.parseMs.toFixed(0)} ms, analysis ${turns.analysisMs.toFixed(0)} ms = ${(turns.analysisMs / turns.parseMs).toFixed(2)}x (best of two analyses ${turns.bestAnalysisMs.toFixed(0)} ms = ${(turns.bestAnalysisMs / turns.parseMs).toFixed(2)}x)`);

// ---------------------------------------------------------------- CLI runs
function cli(args, env = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, '--quiet', '--fail-on', 'none', '--stats', ...args, ...corpusPaths], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 30,
  });
  const wall = ms(t0);
  if (r.status !== 0) throw new Error(`goconc ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { wall, stats: r.stderr.trim().split('\n').pop() };
}
const cores = availableParallelism();
const many = Math.max(2, cores);
const cacheDir = mkdtempSync(join(tmpdir(), 'goconc-bench-cache-'));
const cliRuns = {};
log('> goconc --jobs 1 --no-cache');
cliRuns[1] = cli(['--jobs', '1', '--no-cache']);
log(`  ${cliRuns[1].wall.toFixed(0)} ms   ${cliRuns[1].stats}`);
if (many > 2) {
  log('> goconc --jobs 2 --no-cache');
  cliRuns[2] = cli(['--jobs', '2', '--no-cache']);
  log(`  ${cliRuns[2].wall.toFixed(0)} ms   ${cliRuns[2].stats}`);
}
// The N-worker run starts with an empty cache and fills it (hashing and writing the cache cost
// little next to the analysis), then three warm re-scans; the median counts.
log(`> goconc --jobs ${many}, empty cache`);
const cold = cli(['--jobs', String(many), '--cache-dir', cacheDir]);
cliRuns[many] = cold;
log(`  ${cold.wall.toFixed(0)} ms   ${cold.stats}`);
log('> goconc warm re-scans');
const warmRuns = [cli(['--cache-dir', cacheDir]), cli(['--cache-dir', cacheDir]), cli(['--cache-dir', cacheDir])];
const warm = warmRuns.sort((a, b) => a.wall - b.wall)[1];
log(`  ${warm.wall.toFixed(0)} ms   ${warm.stats}`);
rmSync(cacheDir, { recursive: true, force: true });
const workerCounts = Object.keys(cliRuns).map(Number);

// ---------------------------------------------------------------- editor path
// In a process of its own started with the language server's Node options (its V8 thread pool,
// src/server/v8Pool.ts), after the same whole-library analysis as this process's: the
// per-keystroke path of the server, in the server's runtime.
const serverArgv = h.serverExecArgv();
log(`> editor path: single-character edits, incremental re-parse + analyzeFile (a process started as the server is${serverArgv.length ? ': ' + serverArgv.join(' ') : ''})`);
// 200 edits per file, or as many as fit in the time budget when each takes long.
const edits = quick ? 40 : 200;
const editBudgetMs = quick ? 15_000 : 120_000;
const editorSpec = {
  warm: corpusPaths,
  files: [...(serverGo ? [{ name: 'net/http/server.go', path: serverGo }] : []), { name: 'generated 10,000 lines', path: 'generated' }],
  edits,
  budgetMs: editBudgetMs,
};
const editorProcess = spawnSync(process.execPath, [...serverArgv, harnessFile, 'editor', JSON.stringify(editorSpec)], { encoding: 'utf8', maxBuffer: 1 << 26 });
if (editorProcess.status !== 0) throw new Error(editorProcess.stderr);
const editor = JSON.parse(editorProcess.stdout);
for (const [k, v] of Object.entries(editor)) {
  log(`  ${k}: ${v.lines} lines, ${v.edits} edits, p50 ${v.p50.toFixed(1)} ms, p95 ${v.p95.toFixed(1)} ms (full analysis ${v.fullMs.toFixed(0)} ms)`);
}

log('> activation: engine init to first findings, fresh processes');
const activationFile = join(ROOT, 'examples', 'fetch.go');
const activations = [];
for (let i = 0; i < 5; i++) {
  const r = spawnSync(process.execPath, [harnessFile, 'activation', activationFile], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  activations.push(JSON.parse(r.stdout));
}
const activation = activations.sort((a, b) => a.totalMs - b.totalMs)[2];
log(`  ${activation.totalMs.toFixed(0)} ms (init ${activation.initMs.toFixed(0)} + first analysis ${activation.firstAnalysisMs.toFixed(0)})`);

// ---------------------------------------------------------------- WASM memory
// Every edit re-parses incrementally (the WASM side: trees are allocated and freed there);
// analysing a large file on every one of 10,000 edits would take hours at today's speed, so the
// memory runs analyse every `analyseEvery` edits, on server.go and on a small file analysed every time.
log(`> WASM memory under ${quick ? '1,000' : '10,000'} incremental edits, fresh processes`);
const memEdits = quick ? 1000 : 10_000;
function memoryRun(file, every) {
  // A fresh process each, so the heap holds only what the edits need (the corpus analysis above
  // already grew this process's heap, and WASM memory never shrinks).
  const r = spawnSync(process.execPath, [harnessFile, 'memory', file, String(memEdits), String(every)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}
const memory = {
  large: memoryRun(serverGo ?? 'generated', 100),
  small: memoryRun(activationFile, 1),
};
for (const [k, v] of Object.entries(memory)) {
  log(`  ${k} (${v.name}, analysed every ${v.analyseEvery} edits): ${(v.afterFirst100 / 2 ** 20).toFixed(1)} MiB after 100 edits, ${(v.afterAll / 2 ** 20).toFixed(1)} MiB after ${v.edits} (${v.growthPct.toFixed(1)}%)`);
}

// ---------------------------------------------------------------- go vet
let vet = { ran: false, reason: '' };
if (noVet) vet.reason = 'skipped (--no-vet)';
else if (!goroot) vet.reason = 'Go is not installed';
else if (corpusArg) vet.reason = 'only measured on the standard library';
else {
  log('> go vet std (cold build cache, offline)');
  const gocache = mkdtempSync(join(tmpdir(), 'goconc-bench-gocache-'));
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOCACHE: gocache, GOPROXY: 'off', GOTOOLCHAIN: 'local', GOTELEMETRY: 'off' };
  const pkgs = quick ? ['sync', 'context', 'net/...', 'bufio', 'strings'] : ['std'];
  const t0 = process.hrtime.bigint();
  const r = spawnSync('go', ['vet', ...pkgs], { encoding: 'utf8', env, maxBuffer: 1 << 30 });
  const wall = ms(t0);
  // go vet exits 1 when it reports something (the standard library has a few); only a failure
  // to run counts as an error here.
  const failed = r.error || (r.status !== 0 && !/^(#|vet:|.*\.go:\d+)/m.test(r.stderr));
  if (failed) vet.reason = `go vet did not run: ${r.error?.message ?? r.stderr.trim().split('\n').slice(-3).join(' / ')}`;
  else {
    log(`  ${wall.toFixed(0)} ms (cold), exit ${r.status}`);
    const t1 = process.hrtime.bigint();
    spawnSync('go', ['vet', ...pkgs], { encoding: 'utf8', env, maxBuffer: 1 << 30 });
    const warmVet = ms(t1);
    log(`  ${warmVet.toFixed(0)} ms (warm build cache)`);
    vet = { ran: true, packages: pkgs.join(' '), coldMs: wall, warmMs: warmVet, exit: r.status, reportedLines: r.stderr.split('\n').filter((l) => /\.go:\d+/.test(l)).length };
  }
  rmSync(gocache, { recursive: true, force: true });
}

// ---------------------------------------------------------------- report
const two = cliRuns[2];
const results = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadavg: (await import('node:os')).loadavg(), serverNodeOptions: serverArgv },
  quick,
  corpus,
  parseFloorMs: parseMs,
  parsedFiles: parsedFiles.length,
  parseEveryFileMs,
  analysis: { ms: analysis.ms, findings: analysis.findings, ratioToParse: analysis.ms / parseMs, perRuleMs: analysis.perRule, slowestPackages: analysis.slowest },
  inTurns: { parseFloorMs: turns.parseMs, analysisMs: turns.analysisMs, ratioToParse: turns.analysisMs / turns.parseMs, bestAnalysisMs: turns.bestAnalysisMs, bestRatioToParse: turns.bestAnalysisMs / turns.parseMs },
  cli: Object.fromEntries(Object.entries(cliRuns).map(([n, r]) => [`jobs${n}`, r])),
  cache: { coldMs: cold.wall, warmMs: warm.wall, warmStats: warm.stats },
  editor,
  activation,
  memory,
  vet,
  targets: {},
};

const t = results.targets;
t[`full analysis <= ${TARGETS.analysisOverParse.toFixed(1)}x parse floor (in turns)`] = { value: `${results.inTurns.ratioToParse.toFixed(2)}x`, met: results.inTurns.ratioToParse <= TARGETS.analysisOverParse };
if (vet.ran) {
  const ratio = vet.coldMs / two.wall;
  t['2 workers >= 2.5x faster than go vet std'] = { value: `${ratio.toFixed(2)}x (cold go vet)`, met: ratio >= TARGETS.twoWorkersVsVet };
}
if (editor['net/http/server.go']) t[`edit-to-findings p95 <= ${TARGETS.editServerP95} ms (server.go)`] = { value: `${editor['net/http/server.go'].p95.toFixed(1)} ms`, met: editor['net/http/server.go'].p95 <= TARGETS.editServerP95 };
t[`edit-to-findings p95 <= ${TARGETS.edit10kP95} ms (10k lines)`] = { value: `${editor['generated 10,000 lines'].p95.toFixed(1)} ms`, met: editor['generated 10,000 lines'].p95 <= TARGETS.edit10kP95 };
t['engine init to first findings <= 100 ms'] = { value: `${activation.totalMs.toFixed(0)} ms`, met: activation.totalMs <= TARGETS.activationMs };
t['warm-cache re-scan <= 1.5 s'] = { value: `${warm.wall.toFixed(0)} ms`, met: warm.wall <= TARGETS.warmRescanMs };
const growth = Math.max(memory.large.growthPct, memory.small.growthPct);
t['WASM memory flat within 10%'] = { value: `${growth.toFixed(1)}% growth`, met: growth <= TARGETS.memoryGrowthPct };

const f0 = (x) => x.toFixed(0);
const f1 = (x) => x.toFixed(1);
const rows = [
  ['corpus', `${corpus.files} files, ${corpus.lines} lines, ${corpus.mb.toFixed(1)} MB, ${corpus.packages} packages`],
  ['parse floor (1 thread; the files the analysis parses)', `${f0(parseMs)} ms (${parsedFiles.length} files; every file of the corpus, generated ones included: ${f0(parseEveryFileMs)} ms)`],
  ['full analysis (1 thread)', `${f0(analysis.ms)} ms = ${results.analysis.ratioToParse.toFixed(2)}x parse floor`],
  ['parse floor and analysis in turns, package by package', `${f0(turns.parseMs)} ms and ${f0(turns.analysisMs)} ms = ${results.inTurns.ratioToParse.toFixed(2)}x (each analysis the better of two: ${f0(turns.bestAnalysisMs)} ms = ${results.inTurns.bestRatioToParse.toFixed(2)}x)`],
  ...workerCounts.map((n) => [`goconc --jobs ${n}${n === many ? ', empty cache' : ', --no-cache'}`, `${f0(cliRuns[n].wall)} ms wall${n > 1 ? ` (${(cliRuns[1].wall / cliRuns[n].wall).toFixed(2)}x faster than 1)` : ''}`]),
  ['goconc warm-cache re-scan', `${f0(warm.wall)} ms wall`],
  ...(vet.ran ? [[`go vet ${vet.packages} (cold / warm build cache)`, `${f0(vet.coldMs)} ms / ${f0(vet.warmMs)} ms; goconc --jobs 2 is ${(vet.coldMs / two.wall).toFixed(2)}x / ${(vet.warmMs / two.wall).toFixed(2)}x faster`]] : [['go vet', vet.reason]]),
  ...Object.entries(editor).map(([k, v]) => [`edit-to-findings, ${k} (${v.lines} lines, ${v.edits} edits)`, `p50 ${f1(v.p50)} ms, p95 ${f1(v.p95)} ms, max ${f1(v.max)} ms (full analysis ${f0(v.fullMs)} ms)`]),
  ['activation (engine init to first findings)', `${f0(activation.totalMs)} ms (init ${f0(activation.initMs)} + first analysis ${f0(activation.firstAnalysisMs)})`],
  ...Object.values(memory).map((m) => [
    `WASM heap, ${m.edits} edits, ${m.name}`,
    `${f1(m.afterFirst100 / 2 ** 20)} MiB after 100 -> ${f1(m.afterAll / 2 ** 20)} MiB (${f1(m.growthPct)}%); RSS ${f0(m.rssAfterFirst100 / 2 ** 20)} -> ${f0(m.rssAfterAll / 2 ** 20)} MiB`,
  ]),
];
const width = Math.max(...rows.map((r) => r[0].length));
let table = `| ${'measure'.padEnd(width)} | result |\n| ${'-'.repeat(width)} | --- |\n`;
for (const [k, v] of rows) table += `| ${k.padEnd(width)} | ${v} |\n`;
table += `\n| target | value | met |\n| --- | --- | --- |\n`;
for (const [k, v] of Object.entries(t)) table += `| ${k} | ${v.value} | ${v.met ? 'yes' : 'NO'} |\n`;
const perRule = Object.entries(analysis.perRule)
  .sort((a, b) => b[1] - a[1])
  .map(([id, v]) => `${id} ${f0(v)} ms`)
  .join(', ');
table += `\ntime inside rules (1 thread; a rule that first asks for a shared fact pays for it): ${perRule}\n`;
process.stdout.write('\n' + table);
mkdirSync(RESULTS, { recursive: true });
results.table = table;
writeFileSync(join(RESULTS, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
log(`\nwrote ${join('bench', 'results', 'latest.json')}`);

