/**
 * `npm run test:electron`: the extension-host suite (test/suite, bundled by
 * scripts/test-vscode.mjs into out/vscode/suite.js) in desktop VS Code through
 * @vscode/test-electron, which downloads VS Code into .vscode-test/ on first use. The same suite
 * runs in code-server with `npm run test:vscode`, which needs no download.
 *
 * Environment: VSCODE_VERSION (default: stable), VSCODE_EXECUTABLE (an installed VS Code to use
 * instead of downloading one). On Linux without a display, run it under `xvfb-run -a`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runTests } from '@vscode/test-electron';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'go-concurrency-review') return dir;
    if (dirname(dir) === dir) throw new Error(`no go-concurrency-review package.json above ${from}`);
  }
}

async function main(): Promise<void> {
  const root = findRoot(__dirname);
  const results = join(root, 'out', 'vscode', 'suite-results.json');
  rmSync(results, { force: true });
  mkdirSync(dirname(results), { recursive: true });
  const grep = process.argv.find((a) => a.startsWith('--grep='))?.slice('--grep='.length);
  // the suite writes its Go files (and .vscode/settings.json) into the folder VS Code opens
  const workspace = mkdtempSync(join(tmpdir(), 'goconc-suite-'));
  let code: number;
  try {
    code = await runTests({
      version: process.env.VSCODE_VERSION,
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE,
      extensionDevelopmentPath: root,
      extensionTestsPath: join(root, 'out', 'vscode', 'suite.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--disable-telemetry'],
      extensionTestsEnv: { GOCONC_SUITE_RESULTS: results, GOCONC_SUITE_GREP: grep },
    });
  } catch (e) {
    // runTests rejects when VS Code exits non-zero (a failed test) or cannot be started
    console.error(e instanceof Error ? e.message : String(e));
    code = 1;
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
  // the suite's own report; without it (VS Code never ran the suite) that is one failure
  const r = existsSync(results) ? (JSON.parse(readFileSync(results, 'utf8')) as { passed: number; failed: number }) : { passed: 0, failed: 0 };
  if ((code !== 0 || !existsSync(results)) && r.failed === 0) r.failed = 1;
  console.log(`\n${r.passed} passed, ${r.failed} failed`);
  process.exitCode = r.failed > 0 ? 1 : 0;
}

void main();
