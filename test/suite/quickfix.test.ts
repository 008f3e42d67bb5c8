import * as assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import * as vscode from 'vscode';
import {
  closeAll,
  describe as show,
  extensionFile,
  goldenSections,
  openGo,
  quickFixes,
  rangeOf,
  resetSettingsAfterEach,
  ruleOf,
  setSetting,
  testdata,
  waitForDiagnostics,
  waitForNone,
  waitForRule,
} from './helpers';
import { FIXTURE_RULES, GOLDEN_FILES, SUBJECTS } from './subjects';

describe('quick fixes', () => {
  afterEach(closeAll);

  for (const s of SUBJECTS) {
    describe(s.ruleId, () => {
      it(`offers "${s.fix.title}" as the preferred quick fix of the diagnostic`, async () => {
        const doc = await openGo(s.source);
        const [d] = await waitForRule(doc.uri, s.ruleId);
        const actions = await quickFixes(doc.uri, d.range);
        const fix = actions.find((a) => a.title === s.fix.title);
        assert.ok(fix, `offered; got ${JSON.stringify(actions.map((a) => a.title))}`);
        assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
        assert.equal(fix.isPreferred, true);
        // (executeCodeActionProvider does not return the action's diagnostics; the provider only
        // answers for diagnostics of ours in the request's context, so the fix belongs to one)
      });

      it('applying it gives the fixed code and clears the diagnostic', async () => {
        const doc = await openGo(s.source);
        const [d] = await waitForRule(doc.uri, s.ruleId);
        const fix = (await quickFixes(doc.uri, d.range)).find((a) => a.title === s.fix.title);
        assert.ok(fix?.edit, 'the fix carries an edit');
        assert.ok(await vscode.workspace.applyEdit(fix.edit));
        assert.equal(doc.getText(), s.fix.after);
        await waitForNone(doc.uri);
      });

      it('no quick fix away from the finding', async () => {
        const doc = await openGo(s.source);
        await waitForRule(doc.uri, s.ruleId);
        const actions = await quickFixes(doc.uri, rangeOf(doc, 'package main'));
        assert.deepEqual(
          actions.filter((a) => a.title === s.fix.title),
          [],
        );
      });
    });
  }

  describe('fixture goldens, applied one quick fix at a time', () => {
    resetSettingsAfterEach('goVersion');
    for (const ruleId of FIXTURE_RULES) {
      it(`${ruleId}: applying every fix of a title, one after another, gives the golden file${GOLDEN_FILES[ruleId] ? ` (${GOLDEN_FILES[ruleId].join(', ')})` : ''}`, async function () {
        this.timeout(60000);
        const dir = extensionFile('test', 'testdata', ruleId);
        const goldens = readdirSync(dir).filter((f) => f.endsWith('.go.golden') && (!GOLDEN_FILES[ruleId] || GOLDEN_FILES[ruleId].includes(f)));
        assert.equal(goldens.length, GOLDEN_FILES[ruleId]?.length ?? goldens.length, `the goldens listed in GOLDEN_FILES exist in ${dir}`);
        assert.ok(goldens.length > 0, `goldens in ${dir}`);
        let n = 0;
        for (const g of goldens) {
          const goFile = g.replace(/\.golden$/, '');
          if (!existsSync(`${dir}/${goFile}`)) continue;
          const text = testdata(ruleId, goFile);
          await setSetting('goVersion', /^\/\/fixture:go (\d+\.\d+)/m.exec(text)?.[1]);
          for (const [title, expected] of goldenSections(testdata(ruleId, g))) {
            const doc = await openGo(text, `goldens/${ruleId}/${n++}/${goFile}`);
            await waitForRule(doc.uri, ruleId);
            for (let applied = 0; ; applied++) {
              assert.ok(applied < 100, 'the fixes come to an end');
              const diags = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'goconc' && ruleOf(d) === ruleId);
              let fix: vscode.CodeAction | undefined;
              for (const d of diags) {
                fix = (await quickFixes(doc.uri, d.range)).find((a) => a.title === title);
                if (fix) break;
              }
              if (!fix) break;
              const version = doc.version;
              const before = diags.length;
              assert.ok(fix.edit && (await vscode.workspace.applyEdit(fix.edit)), `"${title}" applies`);
              assert.notEqual(doc.version, version);
              // the review of the new text has one finding fewer (the unit harness checks the same)
              await waitForDiagnostics(
                doc.uri,
                (ds) => ds.filter((d) => ruleOf(d) === ruleId).length === before - 1,
                `${before - 1} finding(s) of ${ruleId} after applying "${title}" ${applied + 1} time(s); last: ${show(diags)}`,
              );
            }
            assert.equal(doc.getText(), expected, `${goFile} after every "${title}"`);
            await closeAll();
          }
        }
      });
    }
  });
});
