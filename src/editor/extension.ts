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

/** This extension's id (package.json: publisher.name): its folder is known while the bundle loads, before `activate`. */
export const EXTENSION_ID = 'goconc.go-concurrency-review';

let client: BaseLanguageClient | undefined;

/** The language client and what serves it, started before VS Code calls `activate`. */
export interface Started {
  readonly extensionUri: string;
  readonly log: vscode.LogOutputChannel;
  readonly published: Published;
  readonly client: BaseLanguageClient;
  readonly disposables: vscode.Disposable[];
  readonly ready: Promise<void>;
}

/**
 * Starts the output channel, the language client and the handlers of the server's requests.
 * The entry points call it while their bundle loads: VS Code builds the extension's context
 * (whose storage asks the window) between loading the bundle and calling `activate`, 1.7 s in
 * code-server at start-up, and none of this needs the context, so the first Go file is
 * reviewed meanwhile. `activateExtension` adds the rest and hands everything to the context.
 */
export function startExtension(createClient: ClientFactory, extensionUri: vscode.Uri): Started {
  const log = vscode.window.createOutputChannel('Go Concurrency Review', { log: true });
  const published = new Published();
  const running = createClient(clientOptions(log, published));
  client = running;
  const disposables = [log, published, ...serveFiles(running, extensionUri, published)];
  return { extensionUri: extensionUri.toString(), log, published, client: running, disposables, ready: startClient(running, log, published) };
}

/**
 * The extension this bundle belongs to, as VS Code knows it while the bundle loads; undefined
 * when it cannot say (the entry point then starts everything in `activate`).
 */
export function loadingExtensionUri(): vscode.Uri | undefined {
  try {
    return vscode.extensions.getExtension(EXTENSION_ID)?.extensionUri;
  } catch {
    return undefined;
  }
}

/**
 * What the entry point started while its bundle loaded, when it belongs to this context's
 * extension (else it is stopped and undefined is returned, and the entry point starts afresh).
 */
export function claim(started: Started | undefined, context: vscode.ExtensionContext): Started | undefined {
  if (!started || started.extensionUri === context.extensionUri.toString()) return started;
  void started.client.stop().catch(() => undefined);
  for (const d of started.disposables) d.dispose();
  return undefined;
}

/** Registers the editor's own parts and hands everything started to the context. `loadedAt`: when the bundle began loading. */
export function activateExtension(context: vscode.ExtensionContext, started: Started, loadedAt?: number): Api {
  const { log, published, client: running, disposables, ready } = started;
  log.info(loadedAt === undefined ? 'activated' : `activated ${Date.now() - loadedAt} ms after VS Code began loading the extension`);
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

  context.subscriptions.push(
    ...disposables,
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
  return { ready };
}

export async function deactivateExtension(): Promise<void> {
  await client?.stop().catch(() => undefined);
  client = undefined;
}
