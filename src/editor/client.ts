/**
 * The language client: starts the goconc language server (a Node process on the desktop, a web
 * worker on vscode.dev) and adapts what it answers to VS Code. The extension host itself never
 * analyses: it answers the server's file reads through vscode.workspace.fs, and keeps only what
 * is about the editor: `goconc.exclude` (VS Code's own glob matching), hiding findings gopls
 * already reports on the same line, the "Ignore this finding" snippet and the CodeLens commands.
 */
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  RevealOutputChannelOn,
  State,
  type BaseLanguageClient,
  type LanguageClientOptions,
  type Middleware,
} from 'vscode-languageclient';
import {
  GO_TO_LOCATIONS,
  OPEN_DOCUMENT_SETTINGS,
  READ_DIRECTORY,
  READ_FILE,
  READ_WASM,
  REVIEWED,
  RULES,
  toBase64,
  type DirectoryEntry,
  type OpenDocumentSettings,
  type ReadDirectoryParams,
  type ReadFileParams,
  type ReadWasmParams,
  type ReviewedParams,
  type RuleInfo,
} from '../server/protocol';
import { LOADED_AT } from './loaded';
import { isExcluded, readExclude } from './settings';

export const SOURCE = 'goconc';
const SECTION = 'goconc';

/** Restarts allowed within RESTART_WINDOW_MS before the client gives up on a crashing server. */
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60 * 1000;

export type ClientFactory = (options: LanguageClientOptions) => BaseLanguageClient;

/**
 * Our diagnostics as the server published them, before the editor's filters: the filters are
 * applied again when gopls' diagnostics or `goconc.exclude` change.
 */
export class Published implements vscode.Disposable {
  private readonly raw = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[]; foreign: string }>();
  private readonly reviewed = new vscode.EventEmitter<ReviewedParams>();
  /** A document was reviewed (or skipped); the status bar listens. */
  readonly onDidReview = this.reviewed.event;
  private readonly skipped = new Map<string, ReviewedParams['skipped']>();
  private publish: ((uri: vscode.Uri, diagnostics: vscode.Diagnostic[]) => void) | undefined;
  /** The server's rules (empty until it answers): their ids, titles and the analyzers they overlap. */
  rules: RuleInfo[] = [];
  private overlaps = new Map<string, string[]>();
  private overlapped = new Set<string>();

  setRules(rules: RuleInfo[]): void {
    this.rules = rules;
    this.overlaps = new Map(rules.map((r) => [r.id, r.overlaps]));
    this.overlapped = new Set(rules.flatMap((r) => r.overlaps));
    this.refilter();
  }

  /** The middleware of the diagnostics the server publishes. */
  handle(uri: vscode.Uri, diagnostics: vscode.Diagnostic[], next: (uri: vscode.Uri, diagnostics: vscode.Diagnostic[]) => void): void {
    this.publish = next;
    const foreign = this.overlappingForeign(uri);
    this.raw.set(uri.toString(), { uri, diagnostics, foreign: this.foreignKey(foreign) });
    next(uri, this.visible(uri, diagnostics, foreign));
  }

  private visible(uri: vscode.Uri, diagnostics: vscode.Diagnostic[], foreign: vscode.Diagnostic[]): vscode.Diagnostic[] {
    if (isExcluded(uri, readExclude(uri))) return [];
    return diagnostics.filter((d) => !this.reportedByGopls(d, foreign));
  }

  /** gopls published or withdrew diagnostics: show or hide the findings they duplicate. */
  foreignChanged(uris: readonly vscode.Uri[]): void {
    for (const uri of uris) {
      const entry = this.raw.get(uri.toString());
      if (!entry || !this.publish) continue;
      const foreign = this.overlappingForeign(uri);
      // Our own publishing fires this event too: act only when the other tools' diagnostics changed.
      const key = this.foreignKey(foreign);
      if (key === entry.foreign) continue;
      entry.foreign = key;
      this.publish(uri, this.visible(uri, entry.diagnostics, foreign));
    }
  }

  /** `goconc.exclude` changed: apply it to everything published so far. */
  refilter(): void {
    for (const e of this.raw.values()) {
      const foreign = this.overlappingForeign(e.uri);
      e.foreign = this.foreignKey(foreign);
      this.publish?.(e.uri, this.visible(e.uri, e.diagnostics, foreign));
    }
  }

  reviewedNow(p: ReviewedParams): void {
    this.skipped.set(p.uri, p.skipped);
    this.reviewed.fire(p);
  }

  skippedReason(uri: vscode.Uri): ReviewedParams['skipped'] {
    return this.skipped.get(uri.toString());
  }

  /** Another tool's diagnostics on the document whose source or code names an analyzer a rule overlaps. */
  private overlappingForeign(uri: vscode.Uri): vscode.Diagnostic[] {
    return vscode.languages.getDiagnostics(uri).filter((d) => d.source !== SOURCE && this.analyzerOf(d) !== undefined);
  }

  private analyzerOf(d: vscode.Diagnostic): string | undefined {
    return [d.source, codeOf(d)].find((x): x is string => x !== undefined && this.overlapped.has(x));
  }

  private foreignKey(foreign: readonly vscode.Diagnostic[]): string {
    return foreign.map((d) => `${this.analyzerOf(d)}:${d.range.start.line}`).sort().join(',');
  }

  private reportedByGopls(d: vscode.Diagnostic, foreign: readonly vscode.Diagnostic[]): boolean {
    const names = this.overlaps.get(codeOf(d) ?? '');
    return !!names && names.length > 0 && foreign.some((f) => f.range.start.line === d.range.start.line && names.includes(this.analyzerOf(f)!));
  }

  dispose(): void {
    this.reviewed.dispose();
  }
}

export function clientOptions(log: vscode.LogOutputChannel, published: Published): LanguageClientOptions {
  const restarts: number[] = [];
  let first = true;
  const middleware: Middleware = {
    handleDiagnostics: (uri, diagnostics, next) => {
      if (first) {
        first = false;
        log.info(`first review received ${Date.now() - LOADED_AT} ms after VS Code began loading the extension`);
      }
      published.handle(uri, diagnostics, next);
    },
    provideCodeActions: async (doc, range, codeActionContext, token, next) => {
      // An excluded file gets no fix either (nor a fix-all on save).
      if (isExcluded(doc.uri, readExclude(doc.uri))) return [];
      const actions = await next(doc, range, codeActionContext, token);
      return actions?.map((a) => (a instanceof vscode.CodeAction ? withIgnoreSnippet(a) : a));
    },
    provideCodeLenses: async (doc, token, next) => {
      if (isExcluded(doc.uri, readExclude(doc.uri))) return [];
      return (await next(doc, token))?.map(toGoToLocations);
    },
    provideHover: (doc, pos, token, next) => (isExcluded(doc.uri, readExclude(doc.uri)) ? undefined : next(doc, pos, token)),
  };
  return {
    documentSelector: [{ language: 'go' }],
    initializationOptions: () => ({ [OPEN_DOCUMENT_SETTINGS]: openDocumentSettings() }),
    outputChannel: log,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    markdown: { isTrusted: { enabledCommands: ['goconc.showRuleDocs'] } },
    middleware,
    errorHandler: {
      error: () => ({ action: ErrorAction.Continue, handled: true }),
      closed: () => {
        const now = Date.now();
        while (restarts.length > 0 && now - restarts[0] > RESTART_WINDOW_MS) restarts.shift();
        restarts.push(now);
        if (restarts.length <= MAX_RESTARTS) {
          log.error('The Go Concurrency Review server stopped unexpectedly; restarting it.');
          return { action: CloseAction.Restart, handled: true };
        }
        const message = `The Go Concurrency Review server stopped ${restarts.length} times in ${RESTART_WINDOW_MS / 60000} minutes and is not restarted. Its log is in the "Go Concurrency Review" output; reload the window to try again.`;
        log.error(message);
        void vscode.window.showErrorMessage(message);
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    },
  };
}

/**
 * The `goconc` settings of the open Go documents, read as vscode-languageclient answers the
 * server's workspace/configuration request for a document (the whole section, scoped by its URI).
 */
export function openDocumentSettings(): OpenDocumentSettings {
  const settings: OpenDocumentSettings = {};
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.languageId !== 'go') continue;
    const value: unknown = vscode.workspace.getConfiguration(undefined, doc.uri).get(SECTION);
    settings[doc.uri.toString()] = value === undefined ? null : JSON.parse(JSON.stringify(value));
  }
  return settings;
}

/** Answers the server's reads (files, folders, the parser's WASM) through the editor's file system. */
export function serveFiles(client: BaseLanguageClient, extensionUri: vscode.Uri, published: Published): vscode.Disposable[] {
  return [
    client.onRequest(READ_FILE, async ({ uri, maxBytes }: ReadFileParams): Promise<string | null> => {
      try {
        const u = vscode.Uri.parse(uri);
        const stat = await vscode.workspace.fs.stat(u);
        if (stat.type & vscode.FileType.Directory || stat.size > maxBytes) return null;
        return new TextDecoder().decode(await vscode.workspace.fs.readFile(u));
      } catch {
        return null;
      }
    }),
    client.onRequest(READ_DIRECTORY, async ({ uri }: ReadDirectoryParams): Promise<DirectoryEntry[]> => {
      try {
        return (await vscode.workspace.fs.readDirectory(vscode.Uri.parse(uri))).map(([name, type]) => ({ name, isFile: (type & vscode.FileType.File) !== 0 }));
      } catch {
        return [];
      }
    }),
    client.onRequest(READ_WASM, async ({ file }: ReadWasmParams): Promise<string> => {
      if (file !== 'web-tree-sitter.wasm' && file !== 'tree-sitter-go.wasm') throw new Error(`unknown WASM file ${String(file)}`);
      return toBase64(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'dist', file)));
    }),
    client.onNotification(REVIEWED, (p: ReviewedParams) => published.reviewedNow(p)),
  ];
}

/** Starts the client, logging (not throwing) when the server cannot start; then asks for the rules. */
export async function startClient(client: BaseLanguageClient, log: vscode.LogOutputChannel, published: Published): Promise<void> {
  const started = Date.now();
  try {
    await client.start();
    log.info(`language server started in ${Date.now() - started} ms`);
    published.setRules(await client.sendRequest<RuleInfo[]>(RULES));
  } catch (e) {
    log.error('the Go Concurrency Review language server could not start', e);
  }
}

export function isRunning(client: BaseLanguageClient): boolean {
  return client.state === State.Running;
}

/** "Ignore this finding" arrives as a plain edit; in VS Code its reason becomes a placeholder to type over. */
function withIgnoreSnippet(action: vscode.CodeAction): vscode.CodeAction {
  if (!action.title.startsWith('Ignore this finding (') || !action.edit) return action;
  const entries = action.edit.entries();
  if (entries.length !== 1 || entries[0][1].length !== 1) return action;
  const [uri, [edit]] = entries[0];
  const m = /^([ \t]*\/\/goconc:ignore \S+ )reason(\r?\n)$/.exec(edit.newText);
  if (!m) return action;
  const snippet = new vscode.SnippetString();
  snippet.appendText(m[1]).appendPlaceholder('reason').appendText(m[2]);
  const replaced = new vscode.WorkspaceEdit();
  replaced.set(uri, [new vscode.SnippetTextEdit(edit.range, snippet)]);
  action.edit = replaced;
  return action;
}

/** The server's CodeLens command (JSON arguments) as VS Code's "go to locations" with its own types. */
function toGoToLocations(lens: vscode.CodeLens): vscode.CodeLens {
  const c = lens.command;
  if (c?.command !== GO_TO_LOCATIONS || !c.arguments) return lens;
  type P = { line: number; character: number };
  const [uri, at, locations, mode, empty, tooltip] = c.arguments as [string, P, { uri: string; range: { start: P; end: P } }[], string, string, string];
  const pos = (p: P) => new vscode.Position(p.line, p.character);
  lens.command = {
    title: c.title,
    tooltip,
    command: 'editor.action.goToLocations',
    arguments: [vscode.Uri.parse(uri), pos(at), locations.map((l) => new vscode.Location(vscode.Uri.parse(l.uri), new vscode.Range(pos(l.range.start), pos(l.range.end)))), mode, empty],
  };
  return lens;
}

/** The rule id of a diagnostic (its code). */
export function codeOf(d: vscode.Diagnostic): string | undefined {
  return typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);
}
