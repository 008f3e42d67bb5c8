/**
 * The extension-host suite's runner, with the contract of @vscode/test-electron and of the
 * browser workbench's extensionTestsPath: the bundled module exports `run()`, VS Code calls it
 * inside the extension host once the window is up, and the returned promise's outcome is the
 * suite's exit status.
 *
 * scripts/test-vscode.mjs bundles this file with every test/suite/*.test.ts into one module
 * (out/vscode/suite.js); the test files are loaded by `load` after mocha's globals exist. Adding
 * a test file to test/suite/ is all it takes to add cases.
 *
 * Environment (the runners set it; both are optional):
 *   GOCONC_SUITE_RESULTS  a file to write {"passed","failed","pending","failures"} to
 *   GOCONC_SUITE_GREP     run only the tests whose full title matches
 *   GOCONC_SUITE_MARK     a prefix for the reporter's lines, so a runner that receives them
 *                         mixed with the workbench's own log (code-server) can pick them out
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { format } from 'node:util';
import Mocha = require('mocha');

export interface SuiteResults {
  passed: number;
  failed: number;
  pending: number;
  failures: { title: string; error: string }[];
}

export function runSuite(load: () => void): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 30000 });
  const grep = process.env.GOCONC_SUITE_GREP;
  if (grep) mocha.grep(grep);
  const mark = process.env.GOCONC_SUITE_MARK;
  if (mark) Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(mark + format(...args));
  // what `mocha.addFile` + `loadFiles` would do for files on disk: define describe/it, then load
  mocha.suite.emit('pre-require', globalThis, 'test/suite', mocha);
  load();

  const results: SuiteResults = { passed: 0, failed: 0, pending: 0, failures: [] };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const file = process.env.GOCONC_SUITE_RESULTS;
      if (file) {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, JSON.stringify(results, null, 2));
      }
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
    runner.on('pass', () => results.passed++);
    runner.on('pending', () => results.pending++);
    runner.on('fail', (test, err: Error) => {
      results.failed++;
      results.failures.push({ title: test.fullTitle(), error: String(err?.stack ?? err) });
    });
  });
}
