import * as assert from 'node:assert/strict';
import { analyze, applyEdits } from '../../src/core/analyze';
import type { GoLanguage } from '../../src/core/syntax/parser';
import { RULES_BY_ID } from '../../src/core/rules';
import { findingDiagnostic } from '../../src/server/server';
import { loadGoForTests } from '../helpers';

const rules = ['waitgroup-add-in-goroutine', 'ignore-directive'].map((id) => RULES_BY_ID.get(id)!);

const bug = (directive: string, trailing = '') => `package p

import "sync"

${directive.startsWith('//doc') ? directive.slice(5) + '\n' : ''}func f() {
	var wg sync.WaitGroup
	go func() {
${directive.startsWith('//doc') ? '' : directive ? '\t\t' + directive + '\n' : ''}		wg.Add(1)${trailing}
		wg.Done()
	}()
	wg.Wait()
}
`;

describe('suppression comments', () => {
  let go: GoLanguage;
  before(async () => {
    go = await loadGoForTests();
  });
  const ids = (text: string) => analyze(go, text, { rules }).findings.map((f) => f.ruleId);

  it('a directive on the line above silences the finding', () => {
    assert.deepEqual(ids(bug('')), ['waitgroup-add-in-goroutine']);
    assert.deepEqual(ids(bug('//goconc:ignore waitgroup-add-in-goroutine the pool adds for us')), []);
  });

  it('a trailing directive silences its own line', () => {
    assert.deepEqual(ids(bug('', ' //goconc:ignore waitgroup-add-in-goroutine checked by hand')), []);
  });

  it("a directive in the function's doc comment silences the whole function", () => {
    assert.deepEqual(ids(bug('//doc// f is fine.\n//\n//goconc:ignore waitgroup-add-in-goroutine reviewed')), []);
  });

  it('a directive for another rule silences nothing and is reported as unused, with a fix that removes it', () => {
    const text = bug('//goconc:ignore ignore-directive not this one');
    const r = analyze(go, text, { rules });
    assert.deepEqual(r.findings.map((f) => f.ruleId).sort(), ['ignore-directive', 'waitgroup-add-in-goroutine']);
    const unused = r.findings.find((f) => f.ruleId === 'ignore-directive')!;
    assert.match(unused.message, /silences nothing/);
    assert.equal(applyEdits(text, unused.fixes[0].edits), bug(''));
    // Editors fade an unused directive out (the language server tags it Unnecessary); real findings are not faded.
    assert.equal(unused.unnecessary, true);
    assert.deepEqual(findingDiagnostic('file:///p.go', unused, (id) => id).tags, [1]);
    const real = r.findings.find((f) => f.ruleId !== 'ignore-directive')!;
    assert.equal(findingDiagnostic('file:///p.go', real, (id) => id).tags, undefined);
  });

  it('an unused directive is not reported when its rule did not run', () => {
    const text = bug('//goconc:ignore waitgroup-add-in-goroutine not run').replace('wg.Add(1)', 'work()');
    assert.deepEqual(ids(text), ['ignore-directive']);
    assert.deepEqual(analyze(go, text, { rules: [RULES_BY_ID.get('ignore-directive')!] }).findings, []);
  });

  it('a directive without a reason still silences, but is reported as information, which the Problems panel lists', () => {
    assert.deepEqual(ids(bug('//goconc:ignore waitgroup-add-in-goroutine')), ['ignore-directive']);
    const r = analyze(go, bug('//goconc:ignore waitgroup-add-in-goroutine'), { rules });
    assert.deepEqual(r.findings.map((f) => f.severity), ['info']);
    const unused = analyze(go, bug('//goconc:ignore ignore-directive not this one'), { rules }).findings.find((f) => f.ruleId === 'ignore-directive')!;
    assert.equal(unused.severity, 'info');
  });
});
