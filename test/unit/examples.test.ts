import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzePackage } from '../../src/core/analyze';
import type { GoLanguage } from '../../src/core/syntax/parser';
import { RULES_BY_ID } from '../../src/core/rules';
import { loadGoForTests, ROOT } from '../helpers';

// The README demo (`npm start`) runs on examples/: each file says which rules it shows, and
// those rules, and only those, must report on it.
describe('examples/', () => {
  let go: GoLanguage;
  before(async () => {
    go = await loadGoForTests();
  });

  it('each example triggers exactly the rules it says it demonstrates', () => {
    const dir = join(ROOT, 'examples');
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.go'))
      .map((f) => ({ name: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
    assert.ok(files.length >= 4);
    const results = analyzePackage(go, files, { goVersion: '1.21' });
    files.forEach((f, i) => {
      const listed = /^\/\/ Demonstrates: (.+)$/m.exec(f.text)?.[1].split(/,\s*/) ?? [];
      assert.ok(listed.length > 0, `${f.name} names the rules it demonstrates`);
      for (const id of listed) assert.ok(RULES_BY_ID.has(id), `${f.name}: unknown rule ${id}`);
      const fired = [...new Set(results[i].findings.map((x) => x.ruleId))].sort();
      assert.deepEqual(fired, [...listed].sort(), f.name);
    });
  });
});
