/** Editor commands around the findings: Fix All in File and the rule documentation view. */
import * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import { RULE_DOCS, type RuleDocsParams, type RuleInfo } from '../server/protocol';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('goconc');

/** Applies every compatible safe fix of the active file (the "Fix All in File" command), as the server's fix-all action offers them. */
export async function fixAllInFile(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'go') return;
  const doc = editor.document;
  const whole = new vscode.Range(0, 0, doc.lineCount, 0);
  const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, whole, FIX_ALL_KIND.value)) ?? [];
  const fixAll = actions.find((a) => a.kind?.value === FIX_ALL_KIND.value && a.edit);
  if (!fixAll?.edit) {
    void vscode.window.showInformationMessage('Go Concurrency Review: no safe fixes to apply in this file.');
    return;
  }
  await vscode.workspace.applyEdit(fixAll.edit);
}

export const DOCS_SCHEME = 'goconc-docs';

/** Serves `goconc-docs:/<rule-id>.md` documents, rendered by the language server from rule metadata. */
export class RuleDocsProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly client: BaseLanguageClient) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = uri.path.replace(/^\//, '').replace(/\.md$/, '');
    const markdown = await this.client.sendRequest<string | null>(RULE_DOCS, { id } satisfies RuleDocsParams).catch(() => null);
    return markdown ?? `# Unknown rule \`${id}\`\n`;
  }
}

/** The "Go Concurrency: Show Rule Documentation" command. */
export async function showRuleDocs(rules: readonly RuleInfo[], ruleId?: unknown): Promise<void> {
  let id = typeof ruleId === 'string' ? ruleId : undefined;
  if (!id) {
    const pick = await vscode.window.showQuickPick(
      rules.map((r) => ({ label: r.id, description: r.title })),
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
