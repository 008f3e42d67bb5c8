// npm run bench:compare -- REF: the editor path of the working tree against revision REF, in one
// process, edit by edit. Not a test: it prints p50 and p95 of both for net/http/server.go (when
// Go is installed) and a generated 10,000-line file.
//
//   npm run bench:compare -- HEAD~3                 200 edits per file (each typed, then deleted)
//   npm run bench:compare -- HEAD~3 --edits 500
//   npm run bench:compare -- HEAD~3 --warm          after a whole-package analysis of five std
//                                                   packages, as `npm run bench` measures it
//   npm run bench:compare -- HEAD~3 --analysis      the whole analysis of the standard library
//                                                   instead, in two processes (one per build)
//                                                   taking each package in turns; --rounds N (3),
//                                                   --node-options "FLAGS" for the working tree's
//                                                   process (REF HEAD: the same engine, other flags)
//
// The machine's speed drifts by up to half over minutes, so runs one after the other compare
// badly; here both builds make the same edits at the same sites, alternating which goes first.
// REF must have bench/harness.ts with init, corpus, analyzeAll and generateGo, and
// src/server/idleGc.ts (the young-generation collection between edits).
import { execFileSync, fork, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from './node-bundle.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BUILD = join(ROOT, 'bench', 'results', '.build');
const argv = process.argv.slice(2);
if (argv[0] === '--child') await serveAnalyses(argv[1], argv.slice(2));
const ref = argv.find((a, i) => !a.startsWith('--') && !(i > 0 && ['--edits', '--rounds', '--node-options'].includes(argv[i - 1])));
if (!ref) {
  process.stderr.write('usage: npm run bench:compare -- REF [--edits N] [--warm] [--analysis [--rounds N] [--node-options FLAGS]]\n');
  process.exit(2);
}
const edits = argv.includes('--edits') ? Number(argv[argv.indexOf('--edits') + 1]) : 200;
const rounds = argv.includes('--rounds') ? Number(argv[argv.indexOf('--rounds') + 1]) : 3;
const wholeAnalysis = argv.includes('--analysis');
// With --analysis, --node-options "FLAGS": V8 or Node flags for the working tree's process only
// (with REF = HEAD, the same engine under other flags: `--node-options "--max-semi-space-size=64"`).
const nodeOptions = argv.includes('--node-options') ? argv[argv.indexOf('--node-options') + 1].split(/\s+/).filter(Boolean) : [];
const STD = '/usr/lib/go-1.19/src';
const warm = argv.includes('--warm') ? ['net/http', 'sync', 'context', 'bufio', 'strings'].map((d) => join(STD, d)) : [];

mkdirSync(BUILD, { recursive: true });
// Measured in the language server's runtime: started again with its Node options (its V8 thread
// pool, src/server/v8Pool.ts) unless this process already has them.
await bundleForNode(join(ROOT, 'src', 'server', 'v8Pool.ts'), join(BUILD, 'v8Pool.cjs'));
const relaunch = createRequire(import.meta.url)(join(BUILD, 'v8Pool.cjs')).relaunchArgs();
if (relaunch) {
  const r = spawnSync(process.execPath, [...relaunch, fileURLToPath(import.meta.url), ...argv], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const tree = mkdtempSync(join(tmpdir(), 'goconc-compare-'));
let ran = false;
try {
  execFileSync('git', ['worktree', 'add', '--detach', tree, ref], { cwd: ROOT, stdio: 'ignore' });
  ran = true;
  symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
  copyFileSync(join(ROOT, 'bench', 'compare.ts'), join(tree, 'bench', 'compare.ts'));
  const sha = execFileSync('git', ['rev-parse', '--short', ref], { cwd: ROOT, encoding: 'utf8' }).trim();
  process.stderr.write(`> bundling the working tree and ${ref} (${sha})\n`);
  await bundleForNode(join(ROOT, 'bench', 'compare.ts'), join(BUILD, 'compare-new.cjs'));
  await bundleForNode(join(tree, 'bench', 'compare.ts'), join(BUILD, 'compare-ref.cjs'));
  if (wholeAnalysis) await compareAnalyses(join(BUILD, 'compare-ref.cjs'), join(BUILD, 'compare-new.cjs'));
  else await compareEdits();
} finally {
  if (ran) execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: ROOT, stdio: 'ignore' });
  rmSync(tree, { recursive: true, force: true });
}

/** The editor path of both builds, edit by edit in this process. */
async function compareEdits() {
  const require = createRequire(import.meta.url);
  const now = require(join(BUILD, 'compare-new.cjs'));
  const then = require(join(BUILD, 'compare-ref.cjs'));
  const files = [];
  const serverGo = join(STD, 'net', 'http', 'server.go');
  if (existsSync(serverGo)) files.push(['net/http/server.go', readFileSync(serverGo, 'utf8')]);
  files.push(['generated 10,000 lines', now.generateGo(10_000)]);
  if (warm.length > 0 && !existsSync(warm[0])) throw new Error(`--warm needs the Go standard library at ${STD}`);
  const rows = [];
  for (const [name, text] of files) {
    process.stderr.write(`> ${name}: ${edits} sites, each typed and deleted by both builds, alternating\n`);
    const a = await then.open(text, warm);
    const b = await now.open(text, warm);
    const sites = editSites(text);
    const rand = rng(1);
    const ta = [];
    const tb = [];
    for (let i = 0; i < edits; i++) {
      const at = sites[Math.floor(rand() * sites.length)];
      for (const remove of [false, true]) {
        if ((i + (remove ? 1 : 0)) % 2 === 0) {
          ta.push(a.edit(at, remove));
          tb.push(b.edit(at, remove));
        } else {
          tb.push(b.edit(at, remove));
          ta.push(a.edit(at, remove));
        }
      }
    }
    if (a.text() !== b.text()) throw new Error('the two documents differ after the edits');
    rows.push([name, ta, tb]);
  }
  console.log(`\n| file${warm.length > 0 ? ' (after a package analysis)' : ''} | ${ref} p50 | now p50 | ${ref} p95 | now p95 |`);
  console.log('| --- | --- | --- | --- | --- |');
  for (const [name, ta, tb] of rows) {
    console.log(`| ${name} | ${pct(ta, 50)} ms | ${pct(tb, 50)} ms | ${pct(ta, 95)} ms | ${pct(tb, 95)} ms |`);
  }
}

function median(values) {
  const s = [...values].sort((x, y) => x - y);
  return (s[Math.floor((s.length - 1) / 2)] + s[Math.floor(s.length / 2)]) / 2;
}

function pct(values, p) {
  const s = [...values].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)].toFixed(1);
}

/** The same sites as the bench's editor path: just after a letter followed by a space. */
function editSites(text) {
  const sites = [];
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i - 1);
    const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
    if (letter && text.charCodeAt(i) === 32 && text.charCodeAt(i - 2) !== 47) sites.push(i);
  }
  return sites;
}

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The standard library's packages as `npm run bench` takes them: everything under src/ but cmd/, vendor/ and testdata/. */
function stdDirs() {
  if (!existsSync(join(STD, 'net', 'http', 'server.go'))) throw new Error(`--analysis needs the Go standard library at ${STD}`);
  return readdirSync(STD, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !['cmd', 'vendor', 'testdata'].includes(e.name))
    .map((e) => join(STD, e.name))
    .sort();
}

/**
 * `--analysis`: each build in its own process (its own heap, so one build's collections do not
 * land in the other's time), both analysing the same package one after the other, the order
 * alternating by package and by round. Prints each round's sums and their ratio.
 */
async function compareAnalyses(refBundle, newBundle) {
  const dirs = stdDirs();
  const start = (bundle) =>
    new Promise((done, fail) => {
      const extra = bundle === newBundle ? nodeOptions : [];
      const child = fork(fileURLToPath(import.meta.url), ['--child', bundle, ...dirs], { execArgv: [...process.execArgv, '--expose-gc', ...extra], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.once('error', fail);
      child.once('exit', (code) => fail(new Error(`an analysis process exited early (${code})`)));
      child.once('message', (m) => done({ child, count: m.ready }));
    });
  const ask = (c, i) =>
    new Promise((done, fail) => {
      const died = (code) => fail(new Error(`an analysis process exited (${code}) on package ${i + 1}`));
      c.child.once('exit', died);
      c.child.once('message', (m) => {
        c.child.off('exit', died);
        done(m.ms);
      });
      c.child.send({ i });
    });
  process.stderr.write(`> loading the standard library into two processes\n`);
  const [a, b] = await Promise.all([start(refBundle), start(newBundle)]);
  try {
    if (a.count !== b.count) throw new Error(`the builds see ${a.count} and ${b.count} packages`);
    const ratios = [];
    // Each package's ratio, kept for the packages that take long enough to time well: a collection
    // in one process during one large package moves a round's sum, not the median of these.
    const perPackage = [];
    console.log(`\n| round | ${ref} | now | now / ${ref} |`);
    console.log('| --- | --- | --- | --- |');
    for (let r = 0; r < rounds; r++) {
      let ta = 0;
      let tb = 0;
      for (let i = 0; i < a.count; i++) {
        let ma;
        let mb;
        if ((i + r) % 2 === 0) {
          ma = await ask(a, i);
          mb = await ask(b, i);
        } else {
          mb = await ask(b, i);
          ma = await ask(a, i);
        }
        ta += ma;
        tb += mb;
        if (ma >= 20 && mb >= 20) perPackage.push(mb / ma);
      }
      ratios.push(tb / ta);
      console.log(`| ${r + 1} | ${ta.toFixed(0)} ms | ${tb.toFixed(0)} ms | ${(tb / ta).toFixed(3)} |`);
    }
    console.log(`\nmedian now / ${ref}: ${median(ratios).toFixed(3)} of the rounds' sums over ${rounds} rounds of ${a.count} packages; ${median(perPackage).toFixed(3)} of the ratios of each package taking 20 ms or more (${perPackage.length})`);
    console.log('(two identical builds: single rounds have differed by up to 16%, the per-package medians by up to 2%; read the latter)');
  } finally {
    for (const c of [a, b]) {
      c.child.removeAllListeners('exit');
      c.child.kill();
    }
  }
}

/** The child of `--analysis`: loads one build's bundle and the packages, then analyses the package each message names. */
async function serveAnalyses(bundle, dirs) {
  const { analyser } = createRequire(import.meta.url)(bundle);
  const a = await analyser(dirs);
  process.on('message', ({ i }) => {
    const ms = a.analyse(i);
    // Untimed: the young generation collected before the other process's turn (as the server does
    // when idle), so that neither pays for what the other's collector has left to do: its helper
    // threads share the machine's cores.
    globalThis.gc?.({ type: 'minor' });
    process.send({ ms });
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: a.count });
  await new Promise(() => {}); // served until the parent kills or leaves it
}
