/**
 * A package too big to keep every file's syntax is analysed one file at a time
 * (analyzePackage's large-package path); it must find exactly what the usual path finds.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyzePackage } from '../../src/core/analyze';
import type { GoLanguage } from '../../src/core/syntax/parser';
import { loadGoForTests } from '../helpers';

const ROOT = join(__dirname, '..', '..', '..', '..');

/** Folders with more than one Go file: the fixtures' packages and the bundled corpus. */
function packages(): { dir: string; files: { name: string; text: string }[] }[] {
  const out: { dir: string; files: { name: string; text: string }[] }[] = [];
  const visit = (dir: string) => {
    const names = readdirSync(dir).sort();
    const files = names.filter((n) => n.endsWith('.go')).map((n) => ({ name: n, text: readFileSync(join(dir, n), 'utf8') }));
    if (files.length > 1) out.push({ dir, files });
    for (const n of names) if (statSync(join(dir, n)).isDirectory()) visit(join(dir, n));
  };
  visit(join(ROOT, 'test', 'testdata'));
  visit(join(ROOT, 'test', 'corpus'));
  return out;
}

describe('large packages, analysed one file at a time', function () {
  this.timeout(120000);
  let go: GoLanguage;
  before(async () => {
    go = await loadGoForTests();
  });

  it('find what analysing the package at once finds', () => {
    const all = packages();
    assert.ok(all.length >= 20, `${all.length} packages`);
    let findings = 0;
    for (const { dir, files } of all) {
      const whole = analyzePackage(go, files, { timeBudgetMs: 60_000 });
      const byFile = analyzePackage(go, files, { timeBudgetMs: 60_000, largePackageChars: 0 });
      assert.deepEqual(byFile, whole, dir);
      findings += whole.reduce((n, r) => n + r.findings.length, 0);
    }
    assert.ok(findings > 50, `${findings} findings compared`);
  });
});
