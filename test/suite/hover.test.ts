import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAll, hovers, hoverText, openGo, rangeOf, waitForRule, waitForTab } from './helpers';
import { SUBJECTS } from './subjects';

describe('hover', () => {
  afterEach(closeAll);

  for (const s of SUBJECTS) {
    describe(s.ruleId, () => {
      it('over the finding: the title, at most three numbered steps, the quick fixes by name and a documentation link, not the message again', async () => {
        const doc = await openGo(s.source);
        await waitForRule(doc.uri, s.ruleId);
        const range = rangeOf(doc, s.at);
        const middle = doc.positionAt((doc.offsetAt(range.start) + doc.offsetAt(range.end)) >> 1);
        const mine = (await hovers(doc.uri, middle)).filter((h) => hoverText(h).includes(`\`${s.ruleId}\``));
        assert.equal(mine.length, 1, 'one goconc hover');
        const text = hoverText(mine[0]);
        assert.ok(text.startsWith(`**${s.title}** · \`${s.ruleId}\``), `starts with the title: ${text.slice(0, 120)}`);
        assert.ok(!text.includes(s.message), 'the message is in VS Code\'s own part of the hover, not repeated');
        const numbered = s.steps.slice(-3).map((step, i) => `${i + 1}. ${step}`).join('\n');
        assert.ok(text.includes(`**What happens**\n\n${numbered}`), `has the last three steps in order:\n${text}`);
        assert.ok(!text.includes('\n4. '), 'no fourth step');
        assert.match(text, new RegExp(`\\*\\*Quick fix(es)?:\\*\\* .*${s.fix.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), 'names the quick fix');
        assert.ok(!text.includes('```go'), 'the bad and good examples are in the documentation page, not the hover');
        const link = `command:goconc.showRuleDocs?${encodeURIComponent(JSON.stringify([s.ruleId]))}`;
        assert.ok(text.includes(`[Rule documentation](${link})`), 'links the rule documentation');
        assert.ok(mine[0].range?.isEqual(range), 'the hover range is the finding');
      });

      it('no goconc hover away from the finding', async () => {
        const doc = await openGo(s.source);
        await waitForRule(doc.uri, s.ruleId);
        const mine = (await hovers(doc.uri, new vscode.Position(0, 2))).filter((h) => hoverText(h).includes('goconc.showRuleDocs'));
        assert.deepEqual(mine, []);
      });

      it('the documentation page behind the link renders the rule', async () => {
        const page = await vscode.workspace.openTextDocument(vscode.Uri.parse(`goconc-docs:/${s.ruleId}.md`));
        const text = page.getText();
        assert.ok(text.startsWith(`# ${s.title}\n`), text.slice(0, 200));
        for (const h of ['## Why it is a bug', '## What goes wrong', '## Bad', '## Good']) assert.ok(text.includes(h), h);
      });
    });
  }

  it('the Show Rule Documentation command runs for a rule id', async () => {
    const s = SUBJECTS[0];
    // a Markdown preview (a webview tab) or, without the Markdown extension, the text itself
    const shown = waitForTab((label) => label.includes(`${s.ruleId}.md`));
    await vscode.commands.executeCommand('goconc.showRuleDocs', s.ruleId);
    await shown;
  });
});
