import * as assert from 'node:assert/strict';
import { analyze } from '../../src/core/analyze';
import type { GoLanguage } from '../../src/core/syntax/parser';
import { RULES_BY_ID } from '../../src/core/rules';
import { loadGoForTests } from '../helpers';

const LEAK = `package p

func first(urls []string, fetch func(string) string) string {
	ch := make(chan string)
	for _, u := range urls {
		go func(u string) { ch <- fetch(u) }(u)
	}
	return <-ch
}
`;

describe('severity in tests', () => {
  let go: GoLanguage;
  before(async () => {
    go = await loadGoForTests();
  });
  const rules = [RULES_BY_ID.get('goroutine-send-leak')!];
  const severities = (fileName: string, severity?: Record<string, 'error'>) =>
    analyze(go, LEAK, { rules, fileName, severity }).findings.map((f) => f.severity);

  it('a leak rule reports a warning in package code and information in a _test.go file', () => {
    assert.deepEqual(severities('fetch.go'), ['warning']);
    assert.deepEqual(severities('fetch_test.go'), ['info']);
  });

  it('test-support packages (fstest, testutil, e2e) count as tests; a package named latest does not', () => {
    const analyzeAs = (pkg: string) =>
      analyze(go, LEAK.replace('package p', `package ${pkg}`), { rules, fileName: 'helpers.go' }).findings.map((f) => f.severity);
    assert.deepEqual(analyzeAs('fstest'), ['info']);
    assert.deepEqual(analyzeAs('testutil'), ['info']);
    assert.deepEqual(analyzeAs('e2e'), ['info']);
    assert.deepEqual(analyzeAs('latest'), ['warning']);
    assert.deepEqual(analyzeAs('server'), ['warning']);
  });

  it('files named to serve tests (testing.go, test_helpers.go) count as tests; testingx.go does not', () => {
    assert.deepEqual(severities('client/testing.go'), ['info']);
    assert.deepEqual(severities('monitor/test_helpers.go'), ['info']);
    assert.deepEqual(severities('client/testingx.go'), ['warning']);
  });

  it('a severity the user set wins in tests too', () => {
    assert.deepEqual(severities('fetch_test.go', { 'goroutine-send-leak': 'error' }), ['error']);
  });
});
