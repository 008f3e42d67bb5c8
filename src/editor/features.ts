/** Code actions, hovers, CodeLens and the rule documentation view, all driven by the Review's findings. */
import * as vscode from 'vscode';
import { findingMarkdown, ruleMarkdown } from '../core/present/docs';
import { explainAt, goroutineLenses, lensTitle } from '../core/present/explain';
import type { Finding, ResolvedFix } from '../core/findings/rule';
import { RULES, RULES_BY_ID } from '../core/rules';
import { findingOf, toRange, type Review } from './review';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('goconc');

export class FixProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND];

  constructor(private readonly review: Review) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const findings = this.review.findingsFor(doc);
    if (context.only && FIX_ALL_KIND.contains(context.only)) return fixAllAction(doc, findings);
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      const f = findingOf(findings, d);
      if (!f) continue;
      const safe = f.fixes.filter((x) => x.safe);
      for (const fix of f.fixes) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = toWorkspaceEdit(doc.uri, fix.edits);
        action.diagnostics = [d];
        action.isPreferred = fix.safe && safe.length === 1;
        actions.push(action);
      }
      actions.push(ignoreAction(doc, f, d));
    }
    if (!context.only || FIX_ALL_KIND.intersects(context.only)) actions.push(...fixAllAction(doc, findings));
    return actions;
  }
}

function toWorkspaceEdit(uri: vscode.Uri, edits: ResolvedFix['edits']): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(uri, toRange(e.range), e.newText);
  return edit;
}

/**
 * The safe fixes of a file that do not overlap each other, earliest first. Overlapping fixes are
 * never applied together: the later one waits for the next run.
 */
export function compatibleSafeFixes(findings: readonly Finding[]): ResolvedFix[] {
  const chosen: ResolvedFix[] = [];
  const taken: { start: number; end: number }[] = [];
  const overlaps = (a: { start: number; end: number }) => taken.some((b) => a.start < b.end && b.start < a.end || (a.start === a.end && a.start === b.start));
  for (const f of findings) {
    const fix = f.fixes.find((x) => x.safe);
    if (!fix || fix.edits.some(overlaps)) continue;
    chosen.push(fix);
    taken.push(...fix.edits);
  }
  return chosen;
}

function fixAllAction(doc: vscode.TextDocument, findings: readonly Finding[]): vscode.CodeAction[] {
  const fixes = compatibleSafeFixes(findings);
  if (fixes.length === 0) return [];
  const action = new vscode.CodeAction(`Fix all safe Go concurrency findings (${fixes.length})`, FIX_ALL_KIND);
  action.edit = toWorkspaceEdit(doc.uri, fixes.flatMap((f) => f.edits));
  return [action];
}

/** "Ignore this finding": a `//goconc:ignore` line above, with the reason selected for typing. */
function ignoreAction(doc: vscode.TextDocument, f: Finding, d: vscode.Diagnostic): vscode.CodeAction {
  const line = doc.lineAt(f.range.start.line);
  const indent = line.text.slice(0, line.firstNonWhitespaceCharacterIndex);
  const action = new vscode.CodeAction(`Ignore this finding (${f.ruleId})`, vscode.CodeActionKind.QuickFix);
  const edit = new vscode.WorkspaceEdit();
  const snippet = new vscode.SnippetString(`${indent}//goconc:ignore ${f.ruleId} \${1:reason}\n`);
  edit.set(doc.uri, [new vscode.SnippetTextEdit(new vscode.Range(line.range.start, line.range.start), snippet)]);
  action.edit = edit;
  action.diagnostics = [d];
  return action;
}

/** Applies every compatible safe fix of the active file (the "Fix All in File" command). */
export async function fixAllInFile(review: Review): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'go') return;
  const fixes = compatibleSafeFixes(review.findingsFor(editor.document));
  if (fixes.length === 0) {
    void vscode.window.showInformationMessage('Go Concurrency Review: no safe fixes to apply in this file.');
    return;
  }
  await vscode.workspace.applyEdit(toWorkspaceEdit(editor.document.uri, fixes.flatMap((f) => f.edits)));
}

export class Hovers implements vscode.HoverProvider {
  constructor(private readonly review: Review) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    const here = this.review.findingsFor(doc).filter((f) => toRange(f.range).contains(pos));
    if (here.length > 0) {
      const md = new vscode.MarkdownString(
        here.map((f) => findingMarkdown(f, RULES_BY_ID.get(f.ruleId)!) + `\n\n[Rule documentation](${docsCommand(f.ruleId)})`).join('\n\n---\n\n'),
      );
      md.isTrusted = { enabledCommands: ['goconc.showRuleDocs'] };
      return new vscode.Hover(md, toRange(here[0].range));
    }
    const facts = await this.review.factsFor(doc);
    const text = facts ? explainAt(facts, doc.offsetAt(pos), this.review.findingsFor(doc)) : undefined;
    return text ? new vscode.Hover(new vscode.MarkdownString(text)) : undefined;
  }
}

export class GoroutineLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly review: Review) {
    review.onDidReview(() => this.changed.fire());
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!vscode.workspace.getConfiguration('goconc', doc.uri).get<boolean>('codeLens', true)) return [];
    const facts = await this.review.factsFor(doc);
    if (!facts) return [];
    const findings = this.review.findingsFor(doc);
    return goroutineLenses(facts).map((lens) => {
      const start = doc.positionAt(lens.fnNode.startIndex);
      const range = new vscode.Range(start, start);
      const fnRange = new vscode.Range(start, doc.positionAt(lens.fnNode.endIndex));
      const leaks = findings.filter((f) => {
        const rule = RULES_BY_ID.get(f.ruleId);
        return rule?.category === 'goroutine-leak' && fnRange.contains(toRange(f.range));
      });
      // A click goes where it matters: to the places that may block forever, else to the go statements;
      // straight there when there is one, in a peek list when there are several.
      const locations = leaks.length
        ? leaks.map((f) => new vscode.Location(doc.uri, toRange(f.range)))
        : lens.goStatements.map((g) => new vscode.Location(doc.uri, doc.positionAt(g.node.startIndex)));
      return new vscode.CodeLens(range, {
        title: lensTitle(lens, leaks.length),
        tooltip: leaks.length ? `Go to where goroutines of ${lens.name} may block forever` : `Go to the go statements of ${lens.name}`,
        command: 'editor.action.goToLocations',
        arguments: [doc.uri, start, locations, locations.length === 1 ? 'goto' : 'peek', 'No goroutines here any more'],
      });
    });
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function docsCommand(ruleId: string): string {
  return `command:goconc.showRuleDocs?${encodeURIComponent(JSON.stringify([ruleId]))}`;
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
