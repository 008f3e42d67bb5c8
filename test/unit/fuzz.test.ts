import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/core/analyze';
import type { GoLanguage } from '../../src/core/syntax/parser';
import { fuzzCorpus, REGRESSIONS } from '../fuzz/corpus';
import { fuzz } from '../fuzz/fuzzer';
import { loadGoForTests } from '../helpers';

describe('fuzzing (bounded, seeded run)', function () {
  this.timeout(300000);
  let go: GoLanguage;
  before(async () => {
    go = await loadGoForTests();
  });

  it('2,000 mutated inputs: no exception, no rule error, within budget, deterministic', () => {
    const corpus = fuzzCorpus(40);
    assert.ok(corpus.length >= 20, `corpus of ${corpus.length} files`);
    const stats = fuzz(go, corpus, 2000, 20261122, 1000, 5);
    assert.equal(stats.inputs, 2000);
    const report = stats.failures
      .slice(0, 5)
      .map((f) => `${f.kind} on ${f.source} after ${f.mutation}: ${f.detail}`)
      .join('\n');
    assert.equal(stats.failures.length, 0, `${stats.failures.length} failures, first ones:\n${report}\n(run npm run fuzz to save them as regressions)`);
  });

  it('every saved failing input (test/fuzz/regressions) now analyses cleanly', () => {
    for (const name of readdirSync(REGRESSIONS).filter((f) => f.endsWith('.txt'))) {
      const text = readFileSync(join(REGRESSIONS, name), 'utf8');
      const r = analyze(go, text, { fileName: name, includeGenerated: true });
      assert.deepEqual(r.errors, [], name);
    }
  });

  it('the fuzzer is deterministic for a seed', () => {
    const corpus = fuzzCorpus(0).slice(0, 3);
    const a = fuzz(go, corpus, 20, 7);
    const b = fuzz(go, corpus, 20, 7);
    assert.deepEqual(a.failures, b.failures);
    assert.equal(a.inputs, 20);
  });
});
