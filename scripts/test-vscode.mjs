// Tests inside a real VS Code. Builds the extension (node esbuild.mjs), bundles the test code
// into out/vscode/, then:
//   node scripts/test-vscode.mjs               the extension-host suite (test/suite) and the UI
//                                              tests (test/e2e) with the Node and the web-worker
//                                              extension host, all in code-server + Chromium;
//                                              writes out/vscode-counts.json
//   node scripts/test-vscode.mjs --screenshots the UI tests once, writing media/screenshot-*.png
//   node scripts/test-vscode.mjs --electron    the same extension-host suite in desktop VS Code
//                                              via @vscode/test-electron (downloads VS Code)
// Other flags: --only=suite,node,web (a subset of the phases), --grep=<text> (test titles).
import * as esbuild from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const outDir = join(root, 'out', 'vscode');
const args = process.argv.slice(2);
const electron = args.includes('--electron');

process.stdout.write('> build the extension\n');
execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });

process.stdout.write('> bundle the tests\n');
mkdirSync(outDir, { recursive: true });
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'es2022',
  sourcemap: 'inline',
  logLevel: 'warning',
  absWorkingDir: root,
};

// The extension-host suite: one module exporting run(), loading every test/suite/*.test.ts
// after mocha has defined describe/it. mocha stays external: the extension host resolves it from
// node_modules next to out/.
const suiteFiles = readdirSync(join(root, 'test', 'suite'))
  .filter((f) => f.endsWith('.test.ts'))
  .sort();
await esbuild.build({
  ...common,
  stdin: {
    contents: [
      `const { runSuite } = require('./test/suite/index.ts');`,
      `exports.run = () => runSuite(() => {`,
      ...suiteFiles.map((f) => `  require('./test/suite/${f}');`),
      `});`,
    ].join('\n'),
    resolveDir: root,
    sourcefile: 'suite-entry.js',
    loader: 'js',
  },
  outfile: join(outDir, 'suite.js'),
  external: ['vscode', 'mocha'],
});

if (electron) {
  await esbuild.build({ ...common, entryPoints: ['test/runTest.ts'], outfile: join(outDir, 'runTest.js'), external: ['@vscode/test-electron'] });
  const run = spawnSync(process.execPath, [join(outDir, 'runTest.js'), ...args.filter((a) => a !== '--electron')], { cwd: root, stdio: 'inherit' });
  process.exit(run.status ?? 1);
}

await esbuild.build({ ...common, entryPoints: ['test/e2e/main.ts'], outfile: join(outDir, 'e2e.js'), external: ['playwright-core', 'mocha'] });
const run = spawnSync(process.execPath, [join(outDir, 'e2e.js'), ...args], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
