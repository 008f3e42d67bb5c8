import * as assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { closeAll, describe as show, extension, extensionFile, openGo, rangeOf, report, resetSettingsAfterEach, ruleOf, setSetting, testdata, until, waitForDiagnostics, waitForNone, waitForRule, wantsOf, workspaceDir } from './helpers';
import { FIXTURE_RULES, SUBJECTS, WAITGROUP } from './subjects';

describe('diagnostics', () => {
  afterEach(closeAll);

  it('the extension activates on the first Go document', async () => {
    // The wait starts before the document opens: showTextDocument itself waits for the window,
    // which is still busy starting, and the findings may come before it returns.
    const uri = vscode.Uri.file(join(workspaceDir(), 'first.go'));
    const opened = Date.now();
    const found = waitForRule(uri, WAITGROUP.ruleId).then(() => Date.now());
    await openGo(WAITGROUP.source, 'first.go');
    const shown = Date.now();
    const foundAt = await found;
    // Reported, not asserted: the server's start and the parser's load (the client starts while
    // the bundle loads, so the findings may come before VS Code has called activate).
    report(`first findings ${foundAt - opened} ms after the first Go file was opened (Node extension host; the editor showed it after ${shown - opened} ms)`);
    await until(() => extension().isActive, 'VS Code activates the extension');
    await (extension().exports as { ready: Promise<void> }).ready;
  });

  for (const s of SUBJECTS) {
    describe(s.ruleId, () => {
      it('publishes one diagnostic with the rule id as code, the default severity, source goconc and the exact range', async () => {
        const doc = await openGo(s.source);
        const [d, ...more] = await waitForRule(doc.uri, s.ruleId);
        assert.deepEqual(more, [], `one finding, got ${show([d, ...more])}`);
        assert.equal(d.source, 'goconc');
        assert.equal(ruleOf(d), s.ruleId);
        assert.equal(vscode.DiagnosticSeverity[d.severity], s.severity);
        assert.equal(d.message, s.message);
        assert.ok(d.range.isEqual(rangeOf(doc, s.at)), `range ${show([d])} covers "${s.at}"`);
      });

      it('links the code to the rule documentation and relates the other locations', async () => {
        const doc = await openGo(s.source);
        const [d] = await waitForRule(doc.uri, s.ruleId);
        assert.ok(typeof d.code === 'object' && d.code !== null, 'code carries a target');
        const target = (d.code as { target: vscode.Uri }).target;
        assert.equal(target.scheme, 'command');
        assert.equal(target.path, 'goconc.showRuleDocs');
        assert.deepEqual(JSON.parse(decodeURIComponent(target.query)), [s.ruleId]);
        const related = (d.relatedInformation ?? []).map((r) => ({ uri: r.location.uri.toString(), range: r.location.range, message: r.message }));
        assert.deepEqual(
          related.map((r) => r.message),
          s.related.map((r) => r.message),
        );
        s.related.forEach((r, i) => {
          assert.equal(related[i].uri, doc.uri.toString());
          assert.ok(related[i].range.isEqual(rangeOf(doc, r.at)), `related ${i} covers "${r.at}"`);
        });
      });
    });
  }

  it('follows edits: the range moves with inserted lines and the finding goes when the bug is removed', async () => {
    const s = WAITGROUP;
    const doc = await openGo(s.source);
    const [before] = await waitForRule(doc.uri, s.ruleId);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(2, 0), '// a comment\n// and another\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const [moved] = await waitForDiagnostics(
      doc.uri,
      (ds) => ds.length === 1 && ruleOf(ds[0]) === s.ruleId && ds[0].range.start.line === before.range.start.line + 2,
      'the finding two lines further down',
    );
    assert.equal(moved.range.start.character, before.range.start.character);
    const remove = new vscode.WorkspaceEdit();
    const line = moved.range.start.line;
    remove.delete(doc.uri, new vscode.Range(line, 0, line + 1, 0));
    assert.ok(await vscode.workspace.applyEdit(remove));
    await waitForNone(doc.uri);
  });

  describe('fixtures replayed in the editor', () => {
    resetSettingsAfterEach('goVersion');
    for (const ruleId of FIXTURE_RULES) {
      it(`${ruleId}: every // want is a diagnostic on its line and nothing else is reported`, async () => {
        const dir = extensionFile('test', 'testdata', ruleId);
        const files = readdirSync(dir).filter((f) => f.endsWith('.go') && statSync(`${dir}/${f}`).isFile());
        assert.ok(files.length > 0, `fixtures in ${dir}`);
        for (const f of files) {
          const text = testdata(ruleId, f);
          const pinned = /^\/\/fixture:go (\d+\.\d+)/m.exec(text)?.[1];
          await setSetting('goVersion', pinned);
          const wants = wantsOf(text);
          // A file with no want cannot show that it was reviewed; the rule's unit tests cover it.
          if (wants.length === 0) continue;
          const doc = await openGo(text, `fixtures/${ruleId}/${f}`);
          const got = await waitForRule(doc.uri, ruleId, wants.length);
          const problems: string[] = [];
          const left = [...got];
          for (const w of wants) {
            const i = left.findIndex((d) => d.range.start.line === w.line && w.pattern.test(d.message));
            if (i < 0) problems.push(`${f}:${w.line + 1}: no diagnostic matched ${w.pattern}`);
            else left.splice(i, 1);
          }
          for (const d of left) problems.push(`${f}:${d.range.start.line + 1}: unexpected: ${d.message}`);
          assert.deepEqual(problems, []);
        }
      });
    }
  });
});
