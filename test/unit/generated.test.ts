import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readmeRulesTable, replaceSection, rulesDoc, settingsTable, severitySettingProperties } from '../../src/core/present/generated';
import { RULES } from '../../src/core/rules';
import { ROOT, TESTDATA } from '../helpers';

const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

describe('generated documentation', () => {
  it('README rules and settings tables are fresh (run npm run docs)', () => {
    const readme = read('README.md');
    const pkg = JSON.parse(read('package.json'));
    let expected = replaceSection(readme, 'rules', readmeRulesTable());
    expected = replaceSection(expected, 'settings', settingsTable(pkg.contributes.configuration.properties));
    assert.equal(readme, expected);
  });

  it('docs/rules.md is fresh (run npm run docs)', () => {
    assert.equal(read('docs/rules.md'), rulesDoc());
  });

  it('package.json has a severity setting for every rule (run npm run docs)', () => {
    const pkg = JSON.parse(read('package.json'));
    assert.deepEqual(pkg.contributes.configuration.properties['goconc.severity'].properties, severitySettingProperties());
  });
});

describe('rule metadata', () => {
  const ruleFiles = readdirSync(join(ROOT, 'src', 'core', 'rules')).filter((f) => f !== 'index.ts' && f.endsWith('.ts'));

  it('every rule file is registered, and ids are unique kebab-case', () => {
    const ids = RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate rule ids');
    for (const id of ids) assert.match(id, /^[a-z]+(-[a-z0-9]+)*$/);
    assert.deepEqual(ruleFiles.map((f) => f.replace(/\.ts$/, '')).sort(), [...ids].sort());
  });

  for (const rule of RULES) {
    it(`${rule.id}: has complete docs, a test file and fixtures`, () => {
      const d = rule.docs;
      assert.ok(rule.title.length > 0 && d.summary.length > 20 && d.why.length > 80, 'summary and why are written');
      assert.ok(d.interleaving.length >= 2, 'the interleaving has steps');
      assert.ok(d.bad.includes('func') && d.good.includes('func'), 'bad and good are Go code');
      assert.notEqual(d.bad, d.good);
      assert.ok(existsSync(join(ROOT, 'test', 'rules', `${rule.id}.test.ts`)), 'test/rules/<id>.test.ts exists');
      assert.ok(existsSync(join(TESTDATA, rule.id)), 'test/testdata/<id>/ exists');
    });
  }
});
