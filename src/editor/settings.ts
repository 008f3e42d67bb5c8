/**
 * The one setting the client applies itself: `goconc.exclude`, matched with VS Code's own globs
 * (relative to the file's workspace folder). The language server reads every other setting.
 */
import * as vscode from 'vscode';

export function readExclude(scope: vscode.Uri): string[] {
  return vscode.workspace.getConfiguration('goconc', scope).get<string[]>('exclude', []);
}

/** True when a file matches one of the `goconc.exclude` globs. */
export function isExcluded(uri: vscode.Uri, globs: readonly string[]): boolean {
  if (globs.length === 0) return false;
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  // languages.match reads only the uri and language of the document, so a closed file's uri works too.
  const asDoc = { uri, languageId: 'go' } as vscode.TextDocument;
  return globs.some((g) => vscode.languages.match({ pattern: folder ? new vscode.RelativePattern(folder, g) : g }, asDoc) > 0);
}
