/** Code actions, hovers and the rule documentation view, all driven by the Review's findings. */
import * as vscode from 'vscode';
import { findingMarkdown, ruleMarkdown } from '../core/docs';
import { RULES, RULES_BY_ID } from '../core/rules';
import { findingOf, toRange, type Review } from './review';

export class FixProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly review: Review) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const findings = this.review.findingsFor(doc);
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      const f = findingOf(findings, d);
      if (!f) continue;
      const safe = f.fixes.filter((x) => x.safe);
      for (const fix of f.fixes) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        const edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) edit.replace(doc.uri, toRange(e.range), e.newText);
        action.edit = edit;
        action.diagnostics = [d];
        action.isPreferred = fix.safe && safe.length === 1;
        actions.push(action);
      }
    }
    return actions;
  }
}

export class FindingHover implements vscode.HoverProvider {
  constructor(private readonly review: Review) {}

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const here = this.review.findingsFor(doc).filter((f) => toRange(f.range).contains(pos));
    if (here.length === 0) return undefined;
    const md = new vscode.MarkdownString(
      here
        .map((f) => {
          const rule = RULES_BY_ID.get(f.ruleId)!;
          const link = `[Rule documentation](command:goconc.showRuleDocs?${encodeURIComponent(JSON.stringify([f.ruleId]))})`;
          return findingMarkdown(f, rule) + '\n\n' + link;
        })
        .join('\n\n---\n\n'),
    );
    md.isTrusted = { enabledCommands: ['goconc.showRuleDocs'] };
    return new vscode.Hover(md, toRange(here[0].range));
  }
}

export const DOCS_SCHEME = 'goconc-docs';

/** Serves `goconc-docs:/<rule-id>.md` documents rendered from rule metadata. */
export class RuleDocsProvider implements vscode.TextDocumentContentProvider {
  provideTextDocumentContent(uri: vscode.Uri): string {
    const id = uri.path.replace(/^\//, '').replace(/\.md$/, '');
    const rule = RULES_BY_ID.get(id);
    return rule ? ruleMarkdown(rule) : `# Unknown rule \`${id}\`\n`;
  }
}

/** The "Go Concurrency: Show Rule Documentation" command. */
export async function showRuleDocs(ruleId?: unknown): Promise<void> {
  let id = typeof ruleId === 'string' ? ruleId : undefined;
  if (!id) {
    const pick = await vscode.window.showQuickPick(
      RULES.map((r) => ({ label: r.id, description: r.title })),
      { placeHolder: 'Rule to document' },
    );
    id = pick?.label;
  }
  if (!id) return;
  const uri = vscode.Uri.parse(`${DOCS_SCHEME}:/${id}.md`);
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    await vscode.window.showTextDocument(uri);
  }
}
