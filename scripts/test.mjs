// Runs the unit and fixture tests: type-checks (the whole project, and src/core alone with no
// Node or DOM types), compiles to out/, runs mocha, and ends with the line CI reads:
// "N passed, N failed". Extra arguments are passed to mocha as --grep.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');

function step(label, args) {
  process.stdout.write(`> ${label}\n`);
  execFileSync(process.execPath, args, { stdio: 'inherit' });
}

let passed = 0;
let failed = 0;
// A type error counts as a failed test but does not hide the other results (tsc still emits).
// Each run compiles into its own folder, so several runs at once (editors, CI, people) never
// delete each other's output. It is removed when the run ends.
const outDir = join('out', `run-${process.pid}`);
rmSync(outDir, { recursive: true, force: true });
process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
for (const [label, args] of [
  ['type-check src/core without Node or DOM types', [tsc, '-p', 'src/core']],
  ['compile', [tsc, '-p', '.', '--outDir', outDir]],
  ['bundle', ['esbuild.mjs']],
]) {
  try {
    step(label, args);
    passed++;
  } catch {
    console.log(`  ✗ ${label} failed`);
    failed++;
  }
}

const Mocha = require('mocha');
const mocha = new Mocha({ reporter: 'spec', timeout: 20000 });
const grep = process.argv.slice(2).join(' ');
if (grep) mocha.grep(grep);
const files = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'suite' || name === 'e2e' ? [] : files(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
for (const f of files(join(outDir, 'test')).sort()) mocha.addFile(f);

const runner = mocha.run((failures) => {
  mkdirSync('out', { recursive: true });
  writeFileSync('out/unit-counts.json', JSON.stringify({ passed, failed }));
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exitCode = failures > 0 ? 1 : 0;
});
runner.on('pass', () => passed++);
runner.on('fail', () => failed++);
