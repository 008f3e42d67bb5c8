/** The "Review Workspace" command and the status bar item. */
import * as vscode from 'vscode';
import { WorkDoneProgress, type BaseLanguageClient } from 'vscode-languageclient';
import { REVIEW_WORKSPACE, type ReviewWorkspaceParams, type ReviewWorkspaceResult } from '../server/protocol';
import { SOURCE, type Published } from './client';
import { isExcluded, readExclude } from './settings';

/**
 * Reviews every Go file of the workspace (respecting `files.exclude` and `goconc.exclude`) in the
 * language server, one folder (package) at a time, with a cancellable progress notification.
 * Open documents keep their live diagnostics; closed files get theirs in the Problems panel.
 */
export async function reviewWorkspace(client: BaseLanguageClient, log: vscode.LogOutputChannel): Promise<ReviewWorkspaceResult | undefined> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Go Concurrency Review', cancellable: true }, async (progress, token) => {
    // `undefined` keeps the user's files.exclude; vendor, testdata and names that begin with "." or "_" are left out as the go command does.
    // Tested on the path inside the workspace, so a workspace that itself lives under a dot folder still counts.
    const skip = /(^|\/)((vendor|testdata|node_modules|[._][^/]*)\/|[._][^/]*$)/;
    const uris = (await vscode.workspace.findFiles('**/*.go', undefined, undefined, token)).filter((u) => !skip.test(vscode.workspace.asRelativePath(u, false)) && !isExcluded(u, readExclude(u)));
    if (token.isCancellationRequested) return undefined;
    const workDoneToken = `goconc-review-${Date.now()}`;
    let reported = 0;
    const sub = client.onProgress(WorkDoneProgress.type, workDoneToken, (p) => {
      if (p.kind === 'end') return;
      const percentage = p.percentage ?? 0;
      progress.report({ message: p.message, increment: percentage - reported });
      reported = percentage;
    });
    try {
      const params: ReviewWorkspaceParams = { uris: uris.map((u) => u.toString()), workDoneToken };
      const result = await client.sendRequest<ReviewWorkspaceResult>(REVIEW_WORKSPACE, params, token);
      log.info(`reviewed ${result.files} Go files: ${result.findings} findings in the Problems panel${result.hints ? `, and ${result.hints} hints shown only in the editor` : ''}${result.cancelled ? ' (cancelled)' : ''}`);
      return result;
    } finally {
      sub.dispose();
    }
  });
}

/** Findings the Problems panel lists (errors, warnings, information) and hints, which it does not. */
export function countVisible(diagnostics: readonly vscode.Diagnostic[]): { listed: number; hints: number } {
  const hints = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Hint).length;
  return { listed: diagnostics.length - hints, hints };
}

/** Shows the number of findings in the active Go file, or why it was not reviewed. */
export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('goconc.status', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly published: Published) {
    this.item.name = 'Go Concurrency Review';
    this.item.command = 'workbench.actions.view.problems';
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.languages.onDidChangeDiagnostics((e) => {
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (active && e.uris.some((u) => u.toString() === active)) this.update();
      }),
      published.onDidReview(() => this.update()),
    );
    this.update();
  }

  update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'go') {
      this.item.hide();
      return;
    }
    const skipped = this.published.skippedReason(doc.uri);
    if (skipped) {
      const why = skipped === 'too-large' ? 'file larger than goconc.maxFileSizeKB' : skipped === 'generated' ? 'generated file' : 'parsing took too long';
      this.item.text = '$(circle-slash) goconc';
      this.item.tooltip = `Go Concurrency Review: not reviewed (${why})`;
    } else {
      // The count is what the Problems panel lists; hints show only as dots in the editor.
      const { listed, hints } = countVisible(vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === SOURCE));
      this.item.text = listed === 0 ? '$(check) goconc' : `$(warning) goconc ${listed}`;
      const hintNote = hints === 0 ? '' : ` (and ${hints} hint${hints === 1 ? '' : 's'}, shown as dots under the code, not in the Problems panel)`;
      this.item.tooltip =
        listed === 0
          ? `Go Concurrency Review: no findings in the Problems panel for this file${hintNote}`
          : `Go Concurrency Review: ${listed} finding${listed === 1 ? '' : 's'} in the Problems panel for this file${hintNote}`;
    }
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
