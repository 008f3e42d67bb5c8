/**
 * The whole Go standard library as a test corpus (when Debian's golang-go is installed and
 * GOCONC_STDLIB=1, as CI sets it; it takes a few minutes): every package is analysed together,
 * no rule may throw, and every fix the engine offers must parse with no new errors, stay
 * gofmt-clean, clear its finding and add no new one. Prints the findings per rule, for the
 * record of what the rules say about real code.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyzePackage, applyEdits, type AnalysisResult } from '../../src/core/analyze';
import type { GoLanguage } from '../../src/core/syntax/parser';
import type { Finding } from '../../src/core/findings/rule';
import { errorNodes, gofmtProblem, loadGoForTests, withSyntax } from '../helpers';

const GOROOT_SRC = '/usr/lib/go/src';
const enabled = process.env.GOCONC_STDLIB === '1' && existsSync(GOROOT_SRC);

function packages(root: string): string[][] {
  const out: string[][] = [];
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    const files: string[] = [];
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) {
        if (name !== 'testdata' && name !== 'vendor' && !name.startsWith('.')) stack.push(p);
      } else if (name.endsWith('.go')) files.push(p);
    }
    if (files.length > 0) out.push(files);
  }
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

const normalise = (f: Finding) => `${f.ruleId}: ${f.message.replace(/line \d+/g, 'line N').replace(/\.go:\d+/g, '.go:N')}`;

(enabled ? describe : describe.skip)('the Go standard library', function () {
  this.timeout(30 * 60 * 1000);
  let go: GoLanguage;
  before(async () => {
    go = await loadGoForTests();
  });

  it('every package analyses without rule errors, and every fix is valid', () => {
    const problems: string[] = [];
    const perRule = new Map<string, number>();
    let files = 0;
    let fixes = 0;
    for (const pkg of packages(GOROOT_SRC)) {
      const inputs = pkg.map((name) => ({ name, text: readFileSync(name, 'utf8') }));
      const results = analyzePackage(go, inputs);
      files += inputs.length;
      results.forEach((r, i) => {
        for (const e of r.errors) problems.push(`${inputs[i].name}: rule ${e.ruleId} threw: ${e.message.split('\n')[0]}`);
        for (const f of r.findings) perRule.set(f.ruleId, (perRule.get(f.ruleId) ?? 0) + 1);
        for (const f of r.findings) {
          for (const fix of f.fixes) {
            fixes++;
            const problem = checkFix(go, inputs, i, r, f, fix.edits);
            if (problem) problems.push(`${inputs[i].name}:${f.line}: ${f.ruleId} "${fix.title}": ${problem}`);
          }
        }
      });
    }
    console.log(`      ${files} files, ${fixes} fixes checked; findings per rule:`);
    for (const [rule, n] of [...perRule].sort()) console.log(`        ${rule.padEnd(30)} ${n}`);
    assert.deepEqual(problems, []);
  });
});

function checkFix(go: GoLanguage, inputs: { name: string; text: string }[], i: number, before: AnalysisResult, f: Finding, edits: Finding['fixes'][0]['edits']): string | undefined {
  const original = inputs[i].text;
  let fixed: string;
  try {
    fixed = applyEdits(original, edits);
  } catch (e) {
    return String(e);
  }
  const errors = (t: string) => withSyntax(go, t, (root) => errorNodes(root).length);
  if (errors(fixed) > errors(original)) return 'introduces syntax errors';
  if (!gofmtProblem(original) && gofmtProblem(fixed)) return 'not gofmt-clean after the fix';
  const after = analyzePackage(go, inputs.map((x, j) => (j === i ? { name: x.name, text: fixed } : x)))[i].findings;
  const count = (fs: Finding[]) => fs.filter((x) => normalise(x) === normalise(f)).length;
  if (count(after) >= count(before.findings)) return 'the finding is still there';
  const known = new Set(before.findings.map(normalise));
  const added = after.filter((x) => !known.has(normalise(x)));
  if (added.length > 0) return `new finding: ${added[0].ruleId}: ${added[0].message}`;
  return undefined;
}
