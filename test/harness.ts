/**
 * The fixture harness, in the spirit of go/analysis's analysistest.
 *
 * test/testdata/<rule-id>/*.go are Go files. A comment `// want "re"` (or `// want +N "re"`
 * for the line N below; several quoted patterns for several findings) marks a line that
 * must be reported with a matching message; every other finding of the rule fails the test,
 * and so does every want left unmatched. `// ok` marks a case that must stay silent (it is
 * counted, so a rule cannot ship without negative cases).
 *
 * <name>.go.golden holds, for each fix title, a section `-- <title> --` followed by the file
 * after applying every fix of that title. A fix without its section fails, a section without
 * a fix fails, and every fixed text must parse without new errors, be gofmt-clean, have one
 * finding fewer per fix applied, and add no finding of any other rule.
 *
 * A fixture may pin the Go version with a line `//fixture:go 1.21`. A sub-folder of
 * test/testdata/<rule-id>/ holds the files of one package, analysed together.
 * Run with UPDATE_GOLDEN=1 to (re)write goldens after checking the output by eye.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { analyze, analyzePackage, applyEdits, type AnalysisResult } from '../src/core/analyze';
import type { GoLanguage } from '../src/core/syntax/parser';
import type { Finding } from '../src/core/findings/rule';
import { RULES, RULES_BY_ID } from '../src/core/rules';
import { errorNodes, gofmtProblem, loadGoForTests, TESTDATA, withSyntax } from './helpers';

export const MIN_CASES = 8;

export interface Want {
  line: number; // zero-based
  pattern: RegExp;
  matched: boolean;
}

const QUOTED = /"((?:[^"\\]|\\.)*)"|`([^`]*)`/g;

export function parseWants(text: string): Want[] {
  const wants: Want[] = [];
  text.split(/\r?\n/).forEach((lineText, i) => {
    const m = /\/\/ want(?: \+(\d+))?((?:\s+(?:"(?:[^"\\]|\\.)*"|`[^`]*`))+)/.exec(lineText);
    if (!m) return;
    const line = i + (m[1] ? Number(m[1]) : 0);
    for (const q of m[2].matchAll(QUOTED)) {
      const source = q[1] !== undefined ? (JSON.parse(`"${q[1]}"`) as string) : q[2];
      wants.push({ line, pattern: new RegExp(source), matched: false });
    }
  });
  return wants;
}

export function fixtureGoVersion(text: string): string | undefined {
  return /^\/\/fixture:go (\d+\.\d+)/m.exec(text)?.[1];
}

/** Checks findings against wants; returns the problems as lines of text. */
export function matchWants(findings: readonly Finding[], wants: Want[], fileName: string): string[] {
  const problems: string[] = [];
  for (const f of findings) {
    const w = wants.find((x) => !x.matched && x.line === f.range.start.line && x.pattern.test(f.message));
    if (w) w.matched = true;
    else problems.push(`${fileName}:${f.line}: unexpected finding: ${f.message}`);
  }
  for (const w of wants) {
    if (!w.matched) problems.push(`${fileName}:${w.line + 1}: no finding matched want ${w.pattern}`);
  }
  return problems;
}

/** Parses a golden file into its sections. */
export function parseGolden(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  const parts = text.split(/^-- (.+) --\n/m);
  for (let i = 1; i + 1 < parts.length; i += 2) sections.set(parts[i], parts[i + 1]);
  return sections;
}

export function formatGolden(sections: Map<string, string>): string {
  return [...sections].map(([title, body]) => `-- ${title} --\n${body}`).join('');
}

function errorCount(go: GoLanguage, text: string): number {
  return withSyntax(go, text, (root) => errorNodes(root).length);
}

const normalise = (f: Finding) => `${f.ruleId}: ${f.message.replace(/line \d+/g, 'line N')}`;

/** One describe block for a rule: every fixture file, its wants and its goldens. */
export function ruleTest(ruleId: string): void {
  describe(`rule ${ruleId}`, function () {
    this.timeout(20000);
    const rule = RULES_BY_ID.get(ruleId);
    const dir = join(TESTDATA, ruleId);
    // Files directly in the folder are analysed alone; a sub-folder is one package whose files
    // are analysed together (package-aware rules see its other files).
    const files: string[] = [];
    if (existsSync(dir)) {
      for (const entry of readdirSync(dir).sort()) {
        if (entry.endsWith('.go')) files.push(entry);
        else if (statSync(join(dir, entry)).isDirectory()) {
          for (const f of readdirSync(join(dir, entry)).sort()) if (f.endsWith('.go')) files.push(join(entry, f));
        }
      }
    }
    let go: GoLanguage;
    before(async () => {
      go = await loadGoForTests();
    });

    it('is registered and has fixtures with enough positive and negative cases', () => {
      assert.ok(rule, `rule ${ruleId} is not in RULES`);
      assert.ok(files.length > 0, `no fixtures in ${dir}`);
      let wants = 0;
      let oks = 0;
      for (const f of files) {
        const text = readFileSync(join(dir, f), 'utf8');
        wants += parseWants(text).length;
        oks += (text.match(/\/\/ ok\b/g) ?? []).length;
      }
      assert.ok(wants >= MIN_CASES, `${ruleId}: ${wants} positive cases, want at least ${MIN_CASES}`);
      assert.ok(oks >= MIN_CASES, `${ruleId}: ${oks} negative (// ok) cases, want at least ${MIN_CASES}`);
    });

    for (const name of files) {
      const path = join(dir, name);
      const text = readFileSync(path, 'utf8');
      const goVersion = fixtureGoVersion(text);
      const siblings = dirname(name) === '.' ? [] : files.filter((f) => f !== name && dirname(f) === dirname(name));
      const run = (src: string, all = false): AnalysisResult => {
        const options = { goVersion, rules: all ? RULES : [rule!], includeGenerated: true };
        if (siblings.length === 0) return analyze(go, src, { ...options, fileName: name });
        const pkg = [{ name, text: src }, ...siblings.map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8') }))];
        return analyzePackage(go, pkg, options)[0];
      };

      it(`${name}: findings match the want comments`, () => {
        const result = run(text);
        assert.deepEqual(result.errors, [], 'the rule threw');
        const problems = matchWants(result.findings, parseWants(text), name);
        assert.ok(problems.length === 0, problems.join('\n'));
      });

      it(`${name}: is gofmt-clean`, () => {
        const problem = gofmtProblem(text);
        assert.ok(!problem, `${name}: ${problem}`);
      });

      it(`${name}: fixes match the golden file and are valid`, () => {
        const result = run(text);
        const byTitle = new Map<string, Finding['fixes']>();
        for (const f of result.findings) {
          for (const fix of f.fixes) byTitle.set(fix.title, [...(byTitle.get(fix.title) ?? []), fix]);
        }
        const goldenPath = path + '.golden';
        const actual = new Map<string, string>();
        for (const [title, fixes] of byTitle) actual.set(title, applyEdits(text, fixes.flatMap((x) => x.edits)));
        if (process.env.UPDATE_GOLDEN) {
          if (actual.size > 0) writeFileSync(goldenPath, formatGolden(actual));
          else if (existsSync(goldenPath)) unlinkSync(goldenPath);
        }
        const golden = existsSync(goldenPath) ? parseGolden(readFileSync(goldenPath, 'utf8')) : new Map<string, string>();
        for (const title of actual.keys()) assert.ok(golden.has(title), `${name}: fix "${title}" has no section in ${name}.golden`);
        for (const title of golden.keys()) assert.ok(actual.has(title), `${name}.golden: section "${title}" matches no fix`);
        const before = run(text, true).findings;
        const baseErrors = errorCount(go, text);
        for (const [title, fixed] of actual) {
          assert.equal(fixed, golden.get(title), `${name}: "${title}" differs from the golden`);
          assert.ok(errorCount(go, fixed) <= baseErrors, `${name}: "${title}" introduces syntax errors`);
          const fmt = gofmtProblem(fixed);
          assert.ok(!fmt, `${name}: "${title}": ${fmt}`);
          const applied = byTitle.get(title)!.length;
          const after = run(fixed, true).findings;
          const mine = (fs: Finding[]) => fs.filter((f) => f.ruleId === ruleId).length;
          assert.ok(mine(after) <= mine(before) - applied, `${name}: "${title}" did not clear the finding(s) it fixes`);
          const known = new Set(before.map(normalise));
          const added = after.filter((f) => !known.has(normalise(f)));
          assert.deepEqual(added.map(normalise), [], `${name}: "${title}" makes new findings`);
        }
      });
    }
  });
}
