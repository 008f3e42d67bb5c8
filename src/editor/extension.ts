/**
 * Wiring shared by the desktop (Node) and web-worker entry points. The WASM files are read
 * through vscode.workspace.fs from the extension's dist/ folder, which works in both hosts,
 * and only when the first Go document needs them.
 */
import * as vscode from 'vscode';
import { loadGo, type GoLanguage, type WasmFile } from '../core/syntax/parser';
import { DOCS_SCHEME, fixAllInFile, FixProvider, GoroutineLenses, Hovers, RuleDocsProvider, showRuleDocs } from './features';
import { GoVersionLookup } from './goVersion';
import { Review } from './review';
import { Siblings } from './siblings';
import { reviewWorkspace, StatusItem } from './workspace';
import { RuntimeEvidence } from './evidence';

const GO: vscode.DocumentSelector = [{ language: 'go' }];

export interface Api {
  review: Review;
}

export function activateExtension(context: vscode.ExtensionContext): Api {
  const log = vscode.window.createOutputChannel('Go Concurrency Review', { log: true });
  const readWasm = (file: WasmFile) => Promise.resolve(vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, 'dist', file)));
  let go: Promise<GoLanguage> | undefined;
  const lazyGo = () => {
    if (!go) {
      const started = Date.now();
      go = loadGo(readWasm);
      go.then(
        () => log.info(`Go parser ready in ${Date.now() - started} ms`),
        (e: unknown) => {
          log.error('could not load the Go parser', e);
          go = undefined;
        },
      );
    }
    return go;
  };
  const diagnostics = vscode.languages.createDiagnosticCollection('goconc');
  const versions = new GoVersionLookup();
  const siblings = new Siblings(lazyGo);
  const review = new Review(lazyGo, diagnostics, versions, siblings, log);
  const lenses = new GoroutineLenses(review);
  const evidence = new RuntimeEvidence(review, log);
  const guard =
    <A extends unknown[]>(name: string, f: (...args: A) => unknown) =>
    async (...args: A) => {
      try {
        await f(...args);
      } catch (e) {
        log.error(`${name} failed`, e);
      }
    };

  context.subscriptions.push(
    log,
    diagnostics,
    versions,
    siblings,
    review,
    lenses,
    new StatusItem(review),
    vscode.workspace.onDidOpenTextDocument((d) => review.opened(d)),
    vscode.workspace.onDidChangeTextDocument((e) => review.changed(e)),
    vscode.workspace.onDidSaveTextDocument((d) => review.saved(d)),
    vscode.workspace.onDidCloseTextDocument((d) => review.closed(d)),
    vscode.languages.onDidChangeDiagnostics((e) => review.foreignDiagnosticsChanged(e.uris)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('goconc')) review.refreshAll();
    }),
    versions.onDidChange(() => review.refreshAll()),
    siblings.onDidChangeFolder((dir) => review.refreshFolder(dir)),
    vscode.languages.registerCodeActionsProvider(GO, new FixProvider(review), { providedCodeActionKinds: FixProvider.kinds }),
    vscode.languages.registerHoverProvider(GO, new Hovers(review)),
    vscode.languages.registerCodeLensProvider(GO, lenses),
    vscode.workspace.registerTextDocumentContentProvider(DOCS_SCHEME, new RuleDocsProvider()),
    vscode.commands.registerCommand('goconc.showRuleDocs', guard('Show Rule Documentation', showRuleDocs)),
    vscode.commands.registerCommand('goconc.fixAllInFile', guard('Fix All in File', () => fixAllInFile(review))),
    evidence,
    vscode.languages.registerHoverProvider(GO, evidence),
    vscode.window.registerTreeDataProvider('goconc.evidence', evidence),
    vscode.commands.registerCommand('goconc.showEvidence', (from?: vscode.Uri | string) =>
      evidence.show(from).catch((e: unknown) => {
        log.error('Show Goroutine Dump or Profile failed', e);
        return 0;
      }),
    ),
    vscode.commands.registerCommand('goconc.clearEvidence', () => evidence.clear()),
    vscode.commands.registerCommand('goconc.reviewWorkspace', () => reviewWorkspace(lazyGo, review, diagnostics, log, versions).catch((e: unknown) => log.error('Review Workspace failed', e))),
  );
  for (const doc of vscode.workspace.textDocuments) review.opened(doc);
  return { review };
}
