import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { RULES } from '../../src/core/rules';
import { ROOT } from '../helpers';
import { BUG, BUG_MESSAGE, CLEAN, goconc, tree, WG_RULE } from './cli-helpers';

const NO_CACHE = '--no-cache';

/**
 * The official SARIF 2.1.0 schema (sarif-2.1.0-rtm.5, the final one), as shipped by Microsoft's
 * @microsoft/jest-sarif. It is written in JSON Schema draft-04; ajv 8 reads it once the root
 * `id` is spelled `$id` and the draft named is 07 (no draft-04-only keyword is used in it).
 * Formats (uri, uri-reference, date-time) are checked too, with ajv-formats.
 */
function sarifValidator() {
  const path = join(ROOT, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(readFileSync(path, 'utf8'));
  schema.$id = schema.id;
  delete schema.id;
  schema.$schema = 'http://json-schema.org/draft-07/schema#';
  // unicodeRegExp: false because the schema's `language` pattern has a stray `]` that only
  // non-Unicode regular expressions accept.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  // Not a type guard here: the tests go on reading the log as plain JSON.
  return ajv.compile(schema) as ((data: unknown) => boolean) & { errors?: unknown };
}

/** A WaitGroup bug whose line holds non-ASCII text before the finding, so UTF-16 and byte columns differ. */
const WIDE = BUG.replace('\t\twg.Add(1)', '\t\t/* é😀 */ wg.Add(1)');

describe('cli: JSON and SARIF output', function () {
  this.timeout(60000);
  let dir: string;
  let remove: () => void;
  before(() => {
    ({ dir, remove } = tree({ 'bug.go': BUG, 'clean.go': CLEAN, 'wide/wide.go': WIDE, 'big/big.go': BUG + '// ' + 'x'.repeat(5000) + '\n' }));
  });
  after(() => remove());

  it('JSON: version 1 with positions, fingerprint, fixes, skipped files and a summary', async () => {
    const r = await goconc([NO_CACHE, '--format', 'json', '--rules', WG_RULE, '--max-file-size', '4', '.'], { cwd: dir });
    assert.equal(r.code, 1);
    const json = JSON.parse(r.out);
    assert.equal(json.version, 1);
    assert.equal(json.tool.name, 'goconc');
    assert.match(json.tool.version, /^\d+\.\d+\.\d+/);
    assert.equal(json.findings.length, 2);
    const f = json.findings[0];
    assert.deepEqual(Object.keys(f), ['file', 'rule', 'severity', 'message', 'line', 'column', 'endLine', 'endColumn', 'range', 'bytes', 'fingerprint', 'related', 'steps', 'fixes']);
    assert.equal(f.file, 'bug.go');
    assert.equal(f.rule, WG_RULE);
    assert.equal(f.severity, 'warning');
    assert.equal(f.message, BUG_MESSAGE);
    assert.deepEqual([f.line, f.column, f.endLine, f.endColumn], [8, 3, 8, 12]);
    assert.deepEqual(f.range, { start: { line: 7, character: 2 }, end: { line: 7, character: 11 } });
    assert.equal(BUG.slice(...[f.bytes.start, f.bytes.end]), 'wg.Add(1)'); // ASCII: bytes = UTF-16 units
    assert.match(f.fingerprint, /^[0-9a-f]{32}$/);
    assert.ok(f.related.length > 0 && typeof f.related[0].message === 'string' && f.related[0].range.start.line >= 0);
    assert.ok(f.steps.length > 0);
    assert.equal(f.fixes[0].title, 'Move `wg.Add(1)` before the go statement');
    assert.equal(f.fixes[0].safe, true);
    assert.deepEqual(Object.keys(f.fixes[0].edits[0]), ['start', 'end', 'newText', 'range']);
    // The wide line: the byte column counts é as 2 and 😀 as 4, the range counts UTF-16 units.
    const w = json.findings[1];
    assert.equal(w.file, join('wide', 'wide.go'));
    assert.equal(w.column, 3 + '/* é😀 */ '.length + 1 + 2);
    assert.equal(w.range.start.character, 2 + '/* é😀 */ '.length);
    assert.deepEqual(json.skipped, [{ file: join('big', 'big.go'), reason: 'too-large' }]);
    assert.deepEqual(json.errors, []);
    assert.deepEqual(json.summary, { files: 4, findings: 2, error: 0, warning: 2, info: 0, hint: 0 });
  });

  it('JSON: an empty result is still a full document', async () => {
    const r = await goconc([NO_CACHE, '--format', 'json', 'clean.go'], { cwd: dir });
    assert.equal(r.code, 0);
    const json = JSON.parse(r.out);
    assert.deepEqual(json.findings, []);
    assert.deepEqual(json.summary, { files: 1, findings: 0, error: 0, warning: 0, info: 0, hint: 0 });
  });

  it('SARIF: valid against the SARIF 2.1.0 schema, with what GitHub code scanning reads', async () => {
    const r = await goconc([NO_CACHE, '--format', 'sarif', '--max-file-size', '4', '.'], { cwd: dir });
    assert.equal(r.code, 1);
    const log = JSON.parse(r.out);
    const validate = sarifValidator();
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    // The validator does reject what the spec forbids.
    const noMessage = structuredClone(log);
    delete noMessage.runs[0].results[0].message;
    assert.ok(!validate(noMessage));
    const lineZero = structuredClone(log);
    lineZero.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    assert.ok(!validate(lineZero));
    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-2\.1\.0/);
    const run = log.runs[0];
    const driver = run.tool.driver;
    assert.equal(driver.name, 'goconc');
    assert.match(driver.version, /^\d+\.\d+\.\d+/);
    assert.match(driver.informationUri, /^https:\/\//);
    assert.deepEqual(
      driver.rules.map((x: { id: string }) => x.id),
      RULES.map((x) => x.id),
    );
    for (const rule of driver.rules) {
      assert.ok(rule.name && rule.shortDescription.text && rule.fullDescription.text, rule.id);
      assert.match(rule.helpUri, new RegExp(`^https://.*#${rule.id}$`));
      assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level));
      assert.ok(rule.help.text.length > 0);
      assert.match(rule.help.markdown, /```go/);
    }
    assert.equal(run.columnKind, 'utf16CodeUnits');
    assert.match(run.originalUriBaseIds['%SRCROOT%'].uri, /^file:\/\/.*\/$/);
    const results = run.results.filter((x: { ruleId: string }) => x.ruleId === WG_RULE);
    assert.equal(results.length, 2);
    const [res, wide] = results;
    assert.equal(driver.rules[res.ruleIndex].id, WG_RULE);
    assert.equal(res.level, 'warning');
    assert.equal(res.message.text, BUG_MESSAGE);
    const loc = res.locations[0].physicalLocation;
    assert.deepEqual(loc.artifactLocation, { uri: 'bug.go', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(loc.region, { startLine: 8, startColumn: 3, endLine: 8, endColumn: 12 });
    assert.equal(wide.locations[0].physicalLocation.artifactLocation.uri, 'wide/wide.go');
    assert.equal(wide.locations[0].physicalLocation.region.startColumn, 3 + '/* é😀 */ '.length); // UTF-16, 1-based
    assert.match(res.partialFingerprints['goconcFingerprint/v1'], /^[0-9a-f]{32}$/);
    const fix = res.fixes[0];
    assert.equal(fix.description.text, 'Move wg.Add(1) before the go statement');
    const change = fix.artifactChanges[0];
    assert.deepEqual(change.artifactLocation, { uri: 'bug.go', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(change.replacements, [
      { deletedRegion: { startLine: 7, startColumn: 1, endLine: 7, endColumn: 1 }, insertedContent: { text: '\twg.Add(1)\n' } },
      { deletedRegion: { startLine: 8, startColumn: 1, endLine: 9, endColumn: 1 }, insertedContent: { text: '' } },
    ]);
    assert.ok(res.relatedLocations.length > 0);
    assert.equal(run.invocations[0].executionSuccessful, true);
  });

  it('SARIF: fingerprints survive lines added above, and differ between identical lines', async () => {
    const fp = async (text: string) => {
      const t = tree({ 'a.go': text });
      try {
        const log = JSON.parse((await goconc([NO_CACHE, '--format', 'sarif', '--rules', WG_RULE, '.'], { cwd: t.dir })).out);
        return log.runs[0].results.map((x: { partialFingerprints: Record<string, string>; locations: { physicalLocation: { region: { startLine: number } } }[] }) => ({
          fp: x.partialFingerprints['goconcFingerprint/v1'],
          line: x.locations[0].physicalLocation.region.startLine,
        }));
      } finally {
        t.remove();
      }
    };
    const twice = BUG + BUG.slice(BUG.indexOf('func f')).replace('func f', 'func h');
    const before = await fp(twice);
    const after = await fp(twice.replace('import "sync"\n', 'import "sync"\n\n// A comment that moves everything down.\n// Two lines of it.\n'));
    assert.equal(before.length, 2);
    assert.notEqual(before[0].fp, before[1].fp, 'same line text, different occurrence');
    assert.deepEqual(
      after.map((x: { fp: string }) => x.fp),
      before.map((x: { fp: string }) => x.fp),
    );
    assert.equal(after[0].line, before[0].line + 3);
  });

  it('SARIF: an empty run is valid too, and unreadable files are reported as notifications', async () => {
    const validate = sarifValidator();
    const clean = JSON.parse((await goconc([NO_CACHE, '--format', 'sarif', 'clean.go'], { cwd: dir })).out);
    assert.ok(validate(clean), JSON.stringify(validate.errors));
    assert.deepEqual(clean.runs[0].results, []);
    if (process.platform === 'linux') {
      const r = await goconc([NO_CACHE, '--format', 'sarif', '/proc/self/mem'], { cwd: dir });
      assert.equal(r.code, 2);
      const log = JSON.parse(r.out);
      assert.ok(validate(log), JSON.stringify(validate.errors));
      assert.equal(log.runs[0].invocations[0].executionSuccessful, false);
      assert.match(log.runs[0].invocations[0].toolExecutionNotifications[0].message.text, /\/proc\/self\/mem/);
    }
  });
});
