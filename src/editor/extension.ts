/**
 * Wiring shared by the desktop (Node) and web-worker entry points. The analysis runs in the
 * language server the entry point starts; the extension host keeps the editor-only parts:
 * commands, the status bar, the rule documentation view and runtime evidence.
 */
import * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import { clientOptions, Published, serveFiles, startClient, type ClientFactory } from './client';
import { RuntimeEvidence } from './evidence';
import { DOCS_SCHEME, fixAllInFile, RuleDocsProvider, showRuleDocs } from './features';
import { reviewWorkspace, StatusItem } from './workspace';

const GO: vscode.DocumentSelector = [{ language: 'go' }];

export interface Api {
  /** Resolves once the language server runs (or failed to start, which the output says). */
  ready: Promise<void>;
}

let client: BaseLanguageClient | undefined;

/** `loadedAt`: when the bundle began loading; VS Code builds the extension's context between that and `activate`. */
export function activateExtension(context: vscode.ExtensionContext, createClient: ClientFactory, loadedAt?: number): Api {
  const log = vscode.window.createOutputChannel('Go Concurrency Review', { log: true });
  log.info(loadedAt === undefined ? 'activated' : `activated ${Date.now() - loadedAt} ms after VS Code began loading the extension`);
  const published = new Published();
  client = createClient(clientOptions(log, published));
  const evidence = new RuntimeEvidence(log);
  const guard =
    <A extends unknown[]>(name: string, f: (...args: A) => unknown) =>
    async (...args: A) => {
      try {
        await f(...args);
      } catch (e) {
        log.error(`${name} failed`, e);
      }
    };
  const running = client;

  context.subscriptions.push(
    log,
    published,
    ...serveFiles(running, context, published),
    new StatusItem(published),
    vscode.languages.onDidChangeDiagnostics((e) => published.foreignChanged(e.uris)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('goconc.exclude')) published.refilter();
    }),
    vscode.workspace.registerTextDocumentContentProvider(DOCS_SCHEME, new RuleDocsProvider(running)),
    vscode.commands.registerCommand('goconc.showRuleDocs', guard('Show Rule Documentation', (id?: unknown) => showRuleDocs(published.rules, id))),
    vscode.commands.registerCommand('goconc.fixAllInFile', guard('Fix All in File', fixAllInFile)),
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
    vscode.commands.registerCommand('goconc.reviewWorkspace', () => reviewWorkspace(running, log).catch((e: unknown) => log.error('Review Workspace failed', e))),
  );
  return { ready: startClient(running, log, published) };
}

export async function deactivateExtension(): Promise<void> {
  await client?.stop().catch(() => undefined);
  client = undefined;
}
