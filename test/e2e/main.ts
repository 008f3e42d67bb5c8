/**
 * `npm run test:vscode` (through scripts/test-vscode.mjs, which builds and bundles first):
 *   1. the extension-host suite (test/suite) inside code-server's Node extension host;
 *   2. the UI tests (ui.test.ts) in Chromium, once with the extension as installed from the VSIX
 *      (Node extension host) and once with a browser-only manifest (web-worker extension host).
 * Prints mocha's results, then "N passed, N failed", and writes out/vscode-counts.json.
 *
 *   --screenshots        only the UI tests with the Node host, saving media/screenshot-*.png
 *   --only=suite,node,web  run a subset
 *   --grep=<text>        only tests whose title contains text
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha = require('mocha');
import { cleanRuns, ensureCodeServer, ROOT, startCodeServer, type Variant } from './codeServer';
import { uiOptions } from './options';
import type { Browser } from 'playwright-core';
import { launchChromium, runExtensionTests } from './workbench';

interface Counts {
  passed: number;
  failed: number;
  pending: number;
}

/** Marks the suite reporter's lines in the log the page forwards. */
const MARK = '[goconc-suite] ';

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const screenshots = args.includes('--screenshots');
const grep = flag('grep');
const only = new Set((flag('only') ?? (screenshots ? 'node' : 'suite,node,web')).split(','));

async function suitePhase(): Promise<Counts> {
  console.log('\nExtension-host suite (code-server, Node extension host)');
  const t0 = Date.now();
  const results = join(ROOT, 'out', 'vscode', 'suite-results.json');
  rmSync(results, { force: true });
  // the extension host inherits the server's environment: it tells the suite where to report
  const server = await startCodeServer('suite', { env: { GOCONC_SUITE_RESULTS: results, GOCONC_SUITE_GREP: grep ?? '', GOCONC_SUITE_MARK: MARK } });
  const workspace = server.workspace;
  console.log(`  code-server ${server.url} up after ${Date.now() - t0} ms`);
  // The page receives the workbench's log and the extension host's console together: mocha's
  // lines (marked) are printed, everything else goes to a file, shown in part when tests fail.
  const workbenchLog = join(ROOT, 'out', 'vscode', 'suite-workbench.log');
  const other: string[] = [];
  let code: number;
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    code = await runExtensionTests(browser, server, workspace, ROOT, join(ROOT, 'out', 'vscode', 'suite.js'), (line) => {
      if (line.startsWith(MARK)) console.log(line.slice(MARK.length));
      else other.push(line);
    });
  } finally {
    await browser?.close();
    await server.stop();
    writeFileSync(workbenchLog, other.join('\n') + '\n');
  }
  const errors = other.filter((l) => l.startsWith('[error]'));
  const r: Counts = existsSync(results) ? (JSON.parse(readFileSync(results, 'utf8')) as Counts) : { passed: 0, failed: 0, pending: 0 };
  if (code !== 0 && r.failed === 0) r.failed = 1; // it failed outside of any test (or never started)
  if (r.failed > 0) {
    console.log(`  errors the workbench logged (all of its log: ${workbenchLog}; server log: ${server.logFile}):`);
    for (const e of errors.slice(-20)) console.log(`    ${e.split('\n').slice(0, 8).join('\n    ')}`);
  }
  return r;
}

function uiPhase(variants: Variant[]): Promise<Counts> {
  uiOptions.variants = variants;
  uiOptions.artifactDir = join(ROOT, 'out', 'vscode', 'artifacts');
  if (screenshots) uiOptions.screenshotDir = join(ROOT, 'media');
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 90000 });
  if (grep) mocha.grep(grep);
  mocha.suite.emit('pre-require', globalThis, 'test/e2e/ui.test.ts', mocha);
  require('./ui.test');
  const counts: Counts = { passed: 0, failed: 0, pending: 0 };
  return new Promise((resolve) => {
    const runner = mocha.run(() => resolve(counts));
    runner.on('pass', () => counts.passed++);
    runner.on('fail', () => counts.failed++);
    runner.on('pending', () => counts.pending++);
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const total: Counts = { passed: 0, failed: 0, pending: 0 };
  const add = (c: Counts) => {
    total.passed += c.passed;
    total.failed += c.failed;
    total.pending += c.pending;
  };
  // a part that cannot run at all (no code-server, no Chromium) counts as one failure
  const attempt = async (part: () => Promise<Counts>) => {
    try {
      add(await part());
    } catch (e) {
      console.log(`\n${e instanceof Error ? e.stack : String(e)}`);
      total.failed++;
    }
  };
  await attempt(async () => {
    cleanRuns();
    ensureCodeServer();
    return { passed: 0, failed: 0, pending: 0 };
  });
  if (total.failed === 0) {
    if (only.has('suite')) await attempt(suitePhase);
    const variants = (['node', 'web'] as const).filter((v) => only.has(v));
    if (variants.length > 0) await attempt(() => uiPhase(variants));
  }
  if (!screenshots) {
    mkdirSync(join(ROOT, 'out'), { recursive: true });
    writeFileSync(join(ROOT, 'out', 'vscode-counts.json'), JSON.stringify({ passed: total.passed, failed: total.failed }));
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`\nVS Code tests took ${seconds} s${total.pending ? `, ${total.pending} pending` : ''}`);
  console.log(`${total.passed} passed, ${total.failed} failed`);
  process.exitCode = total.failed > 0 ? 1 : 0;
}

void main();
