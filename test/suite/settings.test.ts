import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAll, openGo, openGoReviewed, ours, quickFixes, resetSettingsAfterEach, ruleOf, setSetting, waitForDiagnostics, waitForNone, waitForRule } from './helpers';
import { SUBJECTS, WAITGROUP } from './subjects';

/** Settings are written to the workspace folder's .vscode/settings.json and take effect without a reload. */
describe('settings', () => {
  resetSettingsAfterEach('severity', 'enable', 'exclude', 'run');
  afterEach(closeAll);

  for (const s of SUBJECTS) {
    describe(s.ruleId, () => {
      for (const [value, expected] of [
        ['error', vscode.DiagnosticSeverity.Error],
        ['information', vscode.DiagnosticSeverity.Information],
        ['hint', vscode.DiagnosticSeverity.Hint],
      ] as const) {
        it(`goconc.severity {"${s.ruleId}": "${value}"} changes the open document's diagnostic to ${vscode.DiagnosticSeverity[expected]}`, async () => {
          const doc = await openGo(s.source);
          await waitForRule(doc.uri, s.ruleId);
          await setSetting('severity', { [s.ruleId]: value });
          const [d] = await waitForDiagnostics(doc.uri, (ds) => ds.length === 1 && ds[0].severity === expected, `severity ${value}`);
          assert.equal(ruleOf(d), s.ruleId);
          await setSetting('severity', undefined);
          await waitForDiagnostics(doc.uri, (ds) => ds.length === 1 && vscode.DiagnosticSeverity[ds[0].severity] === s.severity, 'the default severity again');
        });
      }

      it(`goconc.severity {"${s.ruleId}": "off"} removes its diagnostics, and they come back when the override goes`, async () => {
        const doc = await openGo(s.source);
        await waitForRule(doc.uri, s.ruleId);
        await setSetting('severity', { [s.ruleId]: 'off' });
        await waitForNone(doc.uri);
        await setSetting('severity', undefined);
        await waitForRule(doc.uri, s.ruleId);
      });

      it('a document opened while the rule is off gets no diagnostic of it', async () => {
        await setSetting('severity', { [s.ruleId]: 'off' });
        const { diags } = await openGoReviewed(s.source);
        assert.deepEqual(diags.filter((d) => ruleOf(d) === s.ruleId), []);
      });
    });
  }

  it('goconc.enable false clears every goconc diagnostic; true brings them back', async () => {
    const doc = await openGo(WAITGROUP.source);
    await waitForRule(doc.uri, WAITGROUP.ruleId);
    await setSetting('enable', false);
    await waitForNone(doc.uri);
    await setSetting('enable', true);
    await waitForRule(doc.uri, WAITGROUP.ruleId);
  });

  it('a document opened while goconc.enable is false gets no diagnostic', async () => {
    await setSetting('enable', false);
    const { diags } = await openGoReviewed(WAITGROUP.source);
    assert.deepEqual(diags, []);
  });

  it('goconc.exclude clears the diagnostics of matching files only', async () => {
    const kept = await openGo(WAITGROUP.source, 'kept/a.go');
    const excluded = await openGo(WAITGROUP.source, 'mocks/a.go');
    await waitForRule(kept.uri, WAITGROUP.ruleId);
    await waitForRule(excluded.uri, WAITGROUP.ruleId);
    const [finding] = ours(excluded.uri);
    await setSetting('exclude', ['**/mocks/**']);
    await waitForNone(excluded.uri);
    assert.equal(vscode.languages.getDiagnostics(kept.uri).filter((d) => d.source === 'goconc').length, 1);
    // Nor a fix, a fix-all (on save) or a CodeLens in the excluded file.
    assert.deepEqual((await quickFixes(excluded.uri, finding.range)).filter((a) => /goconc|Ignore this finding|Move/.test(a.title)).map((a) => a.title), []);
    const fixAll = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', excluded.uri, finding.range, 'source.fixAll.goconc');
    assert.deepEqual((fixAll ?? []).map((a) => a.title), []);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', excluded.uri);
    assert.deepEqual((lenses ?? []).map((l) => l.command?.title), []);
  });

  it('goconc.run onSave: saving reviews the document', async () => {
    await setSetting('run', 'onSave');
    const doc = await openGo(WAITGROUP.source);
    await waitForRule(doc.uri, WAITGROUP.ruleId); // opening reviews too
    const fixed = new vscode.WorkspaceEdit();
    fixed.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), WAITGROUP.fix.after);
    assert.ok(await vscode.workspace.applyEdit(fixed));
    assert.ok(await doc.save());
    await waitForNone(doc.uri);
  });
});
