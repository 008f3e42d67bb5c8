/**
 * Editor features around the findings: suppression comments, the "Ignore this finding" and
 * fix-all code actions, and the Review Workspace command. Most cases use the WaitGroup subject;
 * "Ignore this finding" runs for every subject. Construct hovers, the CodeLens and the package
 * siblings are in editor.test.ts.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { closeAll, hoverText, hovers, openGo, openGoReviewed, ours, quickFixes, ruleOf, waitForDiagnostics, waitForNone, waitForRule, workspaceDir } from './helpers';
import { SUBJECTS, WAITGROUP } from './subjects';

const s = WAITGROUP;
/** The subject with the bug twice (two functions), for fix-all. */
const TWICE = s.source + s.source.slice(s.source.indexOf('func processAll')).replace('processAll', 'processAllAgain');

describe('features', () => {
  afterEach(closeAll);

  describe('suppression comments', () => {
    it('`//goconc:ignore <rule> <reason>` on the line above silences the finding', async () => {
      const silenced = s.source.replace(`\t\t\t${s.at}\n`, `\t\t\t//goconc:ignore ${s.ruleId} counted by the caller\n\t\t\t${s.at}\n`);
      assert.notEqual(silenced, s.source);
      const { diags } = await openGoReviewed(silenced);
      assert.deepEqual(diags.filter((d) => ruleOf(d) === s.ruleId), []);
    });

    for (const subject of SUBJECTS) {
      it(`${subject.ruleId}: "Ignore this finding" inserts \`//goconc:ignore ${subject.ruleId} reason\` above it and the finding goes`, async () => {
        const doc = await openGo(subject.source);
        const [d] = await waitForRule(doc.uri, subject.ruleId);
        const findingLine = doc.lineAt(d.range.start.line).text;
        const indent = findingLine.slice(0, findingLine.length - findingLine.trimStart().length);
        const actions = await quickFixes(doc.uri, d.range);
        const ignore = actions.find((a) => a.title === `Ignore this finding (${subject.ruleId})`);
        assert.ok(ignore?.edit, `offered, with an edit; got ${JSON.stringify(actions.map((a) => a.title))}`);
        assert.equal(ignore.kind?.value, vscode.CodeActionKind.QuickFix.value);
        assert.notEqual(ignore.isPreferred, true, 'the real fix stays the preferred one');
        assert.ok(await vscode.workspace.applyEdit(ignore.edit));
        // the reason is a snippet placeholder whose default is "reason"
        assert.equal(doc.lineAt(d.range.start.line).text, `${indent}//goconc:ignore ${subject.ruleId} reason`);
        assert.equal(doc.lineAt(d.range.start.line + 1).text, findingLine, 'the finding\'s line is kept below the comment');
        assert.equal(doc.lineCount, subject.source.split('\n').length + 1, 'one line added');
        await waitForNone(doc.uri);
      });
    }
  });

  describe('fix all', () => {
    it('the source.fixAll.goconc action and the Fix All in File command fix every finding', async () => {
      const doc = await openGo(TWICE);
      await waitForRule(doc.uri, s.ruleId, 2);
      const whole = new vscode.Range(0, 0, doc.lineCount, 0);
      const all = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, whole, 'source.fixAll.goconc');
      assert.ok(
        all.some((a) => a.kind?.value === 'source.fixAll.goconc' && /\(2\)/.test(a.title)),
        `a fix-all action for 2 findings; got ${JSON.stringify(all.map((a) => a.title))}`,
      );
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('goconc.fixAllInFile');
      assert.equal(doc.getText(), s.fix.after + s.fix.after.slice(s.fix.after.indexOf('func processAll')).replace('processAll', 'processAllAgain'));
      await waitForNone(doc.uri);
    });
  });

  describe('gopls overlap', () => {
    it('when gopls reports the same problem on the same line, only its squiggle shows; ours comes back when it goes, and the hover keeps explaining', async () => {
      const doc = await openGo(s.source);
      const [ours1] = await waitForRule(doc.uri, s.ruleId);
      // What gopls publishes for its vet analyzer `waitgroup` (Add called inside the new goroutine).
      const gopls = vscode.languages.createDiagnosticCollection('gopls-stand-in');
      try {
        const d = new vscode.Diagnostic(ours1.range, 'WaitGroup.Add called from inside new goroutine', vscode.DiagnosticSeverity.Warning);
        d.source = 'waitgroup';
        gopls.set(doc.uri, [d]);
        await waitForDiagnostics(doc.uri, (ds) => !ds.some((x) => ruleOf(x) === s.ruleId), 'our duplicate to be hidden');
        const mid = doc.positionAt((doc.offsetAt(ours1.range.start) + doc.offsetAt(ours1.range.end)) >> 1);
        const texts = (await hovers(doc.uri, mid)).map(hoverText);
        assert.ok(texts.some((t) => t.includes(`\`${s.ruleId}\``)), 'the hover still explains the finding');
        gopls.clear();
        await waitForRule(doc.uri, s.ruleId);
      } finally {
        gopls.dispose();
      }
    });
  });

  describe('Review Workspace', () => {
    it('reports the findings of Go files that are not open', async () => {
      const closed = join(workspaceDir(), 'closed', 'never_opened.go');
      mkdirSync(join(workspaceDir(), 'closed'), { recursive: true });
      writeFileSync(closed, s.source);
      const uri = vscode.Uri.file(closed);
      assert.equal(vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), false);
      await vscode.commands.executeCommand('goconc.reviewWorkspace');
      const diags = ours(uri).filter((d) => ruleOf(d) === s.ruleId);
      assert.equal(diags.length, 1, 'the closed file has its finding in the Problems panel');
      assert.equal(diags[0].message, s.message);
    });

    it('keeps a file\'s findings in the Problems panel after its editor is opened and closed', async () => {
      const file = join(workspaceDir(), 'closed', 'opened_then_closed.go');
      mkdirSync(join(workspaceDir(), 'closed'), { recursive: true });
      writeFileSync(file, s.source);
      const uri = vscode.Uri.file(file);
      await vscode.commands.executeCommand('goconc.reviewWorkspace');
      assert.equal(ours(uri).filter((d) => ruleOf(d) === s.ruleId).length, 1);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      await waitForRule(uri, s.ruleId);
      // VS Code closes a document some time after its last editor (up to minutes); changing its
      // language closes the Go document at once, through the same onDidCloseTextDocument event.
      let closedEvents = 0;
      const sub = vscode.workspace.onDidCloseTextDocument((d) => (closedEvents += d.uri.toString() === uri.toString() ? 1 : 0));
      await vscode.languages.setTextDocumentLanguage(doc, 'plaintext');
      sub.dispose();
      assert.equal(closedEvents, 1, 'the Go document was closed');
      const after = await waitForRule(uri, s.ruleId);
      assert.equal(after[0].message, s.message, 'the finding is back from the text on disk');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(ours(uri).filter((d) => ruleOf(d) === s.ruleId).length, 1, 'and it stays');
    });
  });
});
