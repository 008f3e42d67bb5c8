/** The "Review Workspace" command and the status bar item. */
import * as vscode from 'vscode';
import { analyzePackage } from '../core/analyze';
import type { GoLanguage } from '../core/syntax/parser';
import type { GoVersionLookup } from './goVersion';
import { fileOptions, toDiagnostic, type Review } from './review';
import { isExcluded, readSettings } from './settings';
import { dirOf } from './siblings';

/**
 * Reviews every Go file of the workspace (respecting `files.exclude` and `goconc.exclude`),
 * one folder (package) at a time, with a cancellable progress notification. Open documents
 * keep their live diagnostics; closed files get theirs in the Problems panel.
 */
export async function reviewWorkspace(
  go: () => Promise<GoLanguage>,
  review: Review,
  collection: vscode.DiagnosticCollection,
  log: vscode.LogOutputChannel,
  versions: GoVersionLookup,
): Promise<{ files: number; findings: number }> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Go Concurrency Review', cancellable: true },
    async (progress, token) => {
      const language = await go();
      // `undefined` keeps the user's files.exclude; vendor, testdata and dot folders are left out as the go command does.
      // Tested on the path inside the workspace, so a workspace that itself lives under a dot folder still counts.
      const skip = /(^|\/)(vendor|testdata|node_modules|\.[^/]*)\//;
      const uris = (await vscode.workspace.findFiles('**/*.go', undefined, undefined, token)).filter((u) => !skip.test(vscode.workspace.asRelativePath(u, false)));
      const byDir = new Map<string, vscode.Uri[]>();
      for (const u of uris) {
        const key = dirOf(u).toString();
        byDir.set(key, [...(byDir.get(key) ?? []), u]);
      }
      let done = 0;
      let findings = 0;
      let hints = 0;
      for (const files of byDir.values()) {
        if (token.isCancellationRequested) break;
        const texts: { uri: vscode.Uri; name: string; text: string }[] = [];
        for (const uri of files) {
          const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
          try {
            const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
            texts.push({ uri, name: uri.path, text });
          } catch (e) {
            log.warn(`cannot read ${uri.toString()}: ${String(e)}`);
          }
        }
        const settings = readSettings(files[0]);
        const results = analyzePackage(language, texts, await fileOptions(versions, files[0], settings));
        results.forEach((r, i) => {
          const uri = texts[i].uri;
          for (const e of r.errors) log.error(`rule ${e.ruleId} failed on ${uri.fsPath}: ${e.message}`);
          const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
          if (!settings.enable || isExcluded(open ?? { uri, languageId: 'go' }, settings.exclude)) return;
          const counted = countVisible(r.findings);
          findings += counted.listed;
          hints += counted.hints;
          if (!open) collection.set(uri, r.findings.map((f) => toDiagnostic(uri, f)));
        });
        done += files.length;
        progress.report({ message: `${done} of ${uris.length} Go files`, increment: (files.length / Math.max(1, uris.length)) * 100 });
      }
      review.coveredByWorkspaceReview(uris);
      review.refreshAll();
      log.info(`reviewed ${done} Go files: ${findings} findings in the Problems panel${hints ? `, and ${hints} hints shown only in the editor` : ''}`);
      return { files: done, findings };
    },
  );
}

/** Findings the Problems panel lists (errors, warnings, information) and hints, which it does not. */
export function countVisible(findings: readonly { severity: string }[]): { listed: number; hints: number } {
  const hints = findings.filter((f) => f.severity === 'hint').length;
  return { listed: findings.length - hints, hints };
}

/** Shows the number of findings in the active Go file, or why it was not reviewed. */
export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('goconc.status', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly review: Review) {
    this.item.name = 'Go Concurrency Review';
    this.item.command = 'workbench.actions.view.problems';
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      review.onDidReview(() => this.update()),
    );
    this.update();
  }

  update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'go') {
      this.item.hide();
      return;
    }
    const skipped = this.review.skippedReason(doc);
    if (skipped) {
      const why = skipped === 'too-large' ? 'file larger than goconc.maxFileSizeKB' : skipped === 'generated' ? 'generated file' : 'parsing took too long';
      this.item.text = '$(circle-slash) goconc';
      this.item.tooltip = `Go Concurrency Review: not reviewed (${why})`;
    } else {
      // The count is what the Problems panel lists; hints show only as dots in the editor.
      const { listed, hints } = countVisible(this.review.findingsFor(doc));
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
