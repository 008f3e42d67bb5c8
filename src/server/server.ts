/**
 * The goconc language server: the engine of src/core behind the Language Server Protocol, for
 * VS Code (desktop over IPC, vscode.dev in a web worker) and any other editor (`goconc lsp`).
 *
 * It keeps a parsed GoFile per open document and feeds it the protocol's incremental changes, so
 * a keystroke re-parses only what changed; reviews each document (with the other files of its
 * folder as its package) a moment after it changes; and answers with diagnostics, quick fixes, a
 * `source.fixAll.goconc` action, hovers that explain a finding or a goroutine, CodeLens over
 * functions that start goroutines, and Review Workspace with cancellable progress.
 *
 * The host supplies the Go grammar, the file system and the documentation links.
 */
import {
  CodeActionKind,
  DiagnosticSeverity,
  DiagnosticTag,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocumentSyncKind,
  type CancellationToken,
  type CodeAction,
  type CodeLens,
  type Connection,
  type Diagnostic,
  type InitializeResult,
  type TextEdit,
} from 'vscode-languageserver/lib/common/api';
import { analyzePackage, type AnalysisResult, type AnalyzeOptions } from '../core/analyze';
import type { Finding, Severity } from '../core/findings/rule';
import { FileFacts } from '../core/model/facts';
import { findingMarkdown, ruleMarkdown } from '../core/present/docs';
import { explainAt, goroutineLenses, lensTitle } from '../core/present/explain';
import { compatibleSafeFixes } from '../core/present/fixes';
import { RULES, RULES_BY_ID } from '../core/rules';
import type { GoLanguage } from '../core/syntax/parser';
import { OpenDocument } from './document';
import { dirOf, Modules, Packages, pathOf, type FileSystem } from './files';
import { GO_TO_LOCATIONS, OPEN_DOCUMENT_SETTINGS, REVIEW_WORKSPACE, REVIEWED, RULE_DOCS, RULES as RULES_REQUEST, type OpenDocumentSettings, type RuleDocsParams, type RuleInfo, type ReviewedParams, type ReviewWorkspaceParams, type ReviewWorkspaceResult } from './protocol';
import { DEFAULT_SETTINGS, parseSettings, type Settings } from './settings';
import { StartupTimeline } from './startup';
import { warmUp } from './warmup';

export interface ServerHost {
  /** The Go grammar (asked for once: after `initialized`, or at once when `parserIsLocal`). */
  loadGo(): Promise<GoLanguage>;
  /**
   * The grammar is read without the client (from disk, or sent ahead to a web worker): loading
   * it can start before `initialize`. A promise when that is known only later.
   */
  parserIsLocal?: boolean | Promise<boolean>;
  fs: FileSystem;
  /** Where a rule's documentation lives (a link in hovers and diagnostics). */
  ruleHelpUri(ruleId: string): string;
  version: string;
  /**
   * Called after a review is published when no other review is scheduled; `stillIdle` says
   * whether that is still so. The Node hosts collect the heap's young generation then, so that a
   * keystroke's review rarely pauses for a collection (see idleGc.ts).
   */
  idle?(stillIdle: () => boolean): void;
  /** How the server's code was loaded, for the line logged with the first findings (the desktop server: its code cache). */
  startupNote?: string;
}

const FIX_ALL = 'source.fixAll.goconc';
/** A keystroke waits this long (and on big files twice the last run) before the review. */
const TYPING_DELAY_MS = 200;
const MAX_TYPING_DELAY_MS = 2000;
/** The other open documents of a folder are reviewed again this long after one of them changed. */
const SIBLING_DELAY_MS = 1000;
/** Parsed trees kept at most; the least recently used documents give theirs up first. */
const MAX_TREES = 32;

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** An open document and its scheduled review. */
type DocState = OpenDocument & { timer?: ReturnType<typeof setTimeout> };

export function startServer(connection: Connection, host: ServerHost): void {
  const startup = new StartupTimeline();
  startup.mark('bundle loaded');
  // The server may start before its client connects (VS Code desktop starts it while the extension
  // loads): nothing is sent to the client before the handshake.
  let handshake = (): void => undefined;
  const initialized = new Promise<void>((resolve) => (handshake = resolve));
  const states = new Map<string, DocState>();
  /** Closed files whose findings Review Workspace published: they keep findings of their text on disk. */
  const workspaceFiles = new Set<string>();
  const modules = new Modules(host.fs);
  let go: Promise<GoLanguage> | undefined;
  const language = (): Promise<GoLanguage> => {
    if (!go) {
      const started = Date.now();
      go = host.loadGo();
      go.then(
        () => {
          startup.mark('parser ready');
          const ms = Date.now() - started;
          void initialized.then(() => connection.console.log(`Go parser ready in ${ms} ms`));
        },
        (e: unknown) => {
          void initialized.then(() => connection.console.error(`could not load the Go parser: ${errorText(e)}`));
          go = undefined;
        },
      );
    }
    return go;
  };
  // The parser's memory walk is checked after the first findings are out, not before them (see
  // loadGo): the first review copies its tree with web-tree-sitter's cursor.
  let walkChecked = false;
  const checkWalk = (g: GoLanguage): void => {
    if (walkChecked) return;
    walkChecked = true;
    g.checkMemoryWalk();
    const how = g.readsMemory ? 'read from WASM memory' : "read through web-tree-sitter's cursor (this build's memory layout is not the one expected)";
    void initialized.then(() => connection.console.log(`syntax trees are ${how}`));
  };
  const checkWalkSoon = (): void => {
    if (!walkChecked) setTimeout(() => language().then(checkWalk, () => undefined), 0);
  };
  const packages = new Packages(host.fs, language);
  // While the client and the server shake hands, the parser's WASM is already being compiled.
  // A server up before its client (VS Code starts it while the extension loads) then warms the
  // rules up until the client's handshake begins: a message that arrives waits for at most one
  // step of it, and under heavy load a step is long enough to slow the handshake down.
  let handshakeStarted = false;
  let analysing = false;
  const analysisStarts = (): void => {
    analysing = true;
  };
  const waited = (): boolean => handshakeStarted || analysing || states.size > 0;
  const preload = async (): Promise<void> => {
    const goLanguage = await language();
    if (waited()) return;
    checkWalk(goLanguage);
    const warm = await warmUp(goLanguage, waited);
    startup.mark('warmed up');
    void initialized.then(() => connection.console.log(`warmed up ${warm.rules} of ${RULES.length} rules in ${warm.ms} ms`));
  };
  void Promise.resolve(host.parserIsLocal).then((local) => {
    if (local) preload().catch(() => undefined); // a failed load is logged above; the first review tries again
  });
  let clock = 0;

  // Settings: pulled per document from clients that can answer workspace/configuration (VS Code
  // scopes them by folder), else what initializationOptions and didChangeConfiguration push.
  let pushed: Settings = DEFAULT_SETTINGS;
  let canPull = false;
  let canRefreshLenses = false;
  let canWatch = false;
  let canRegisterConfiguration = false;
  const pulled = new Map<string, Promise<Settings>>();
  const settingsFor = (uri: string): Promise<Settings> => {
    if (!canPull) return Promise.resolve(pushed);
    let s = pulled.get(uri);
    if (!s) {
      s = connection.workspace.getConfiguration({ scopeUri: uri, section: 'goconc' }).then(parseSettings, () => pushed);
      pulled.set(uri, s);
    }
    return s;
  };

  const openTexts = (): Map<string, string> => new Map([...states.values()].map((s) => [s.uri, s.doc.getText()]));

  connection.onInitialize((params): InitializeResult => {
    startup.mark('initialize');
    handshakeStarted = true;
    pushed = parseSettings(params.initializationOptions);
    const caps = params.capabilities;
    canPull = !!caps.workspace?.configuration;
    const open = (params.initializationOptions as Record<string, unknown> | undefined)?.[OPEN_DOCUMENT_SETTINGS];
    if (canPull && open && typeof open === 'object') {
      for (const [uri, value] of Object.entries(open as OpenDocumentSettings)) pulled.set(uri, Promise.resolve(parseSettings(value)));
    }
    canRefreshLenses = !!caps.workspace?.codeLens?.refreshSupport;
    canWatch = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    canRegisterConfiguration = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL] },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'goconc', version: host.version },
    };
  });

  connection.onInitialized(() => {
    startup.mark('initialized');
    handshake();
    void language();
    if (canWatch) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.go' }, { globPattern: '**/go.mod' }] });
    }
    if (canPull && canRegisterConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'goconc' });
  });

  // Only documents whose settings changed are reviewed again: VS Code also sends this once right
  // after the server registers for it, which must not review every open document a second time.
  connection.onDidChangeConfiguration(async (change) => {
    const before = new Map([...states.keys()].map((uri) => [uri, settingsFor(uri)]));
    if (!canPull) pushed = parseSettings(change.settings);
    pulled.clear();
    for (const [uri, old] of before) {
      const [a, b] = await Promise.all([old, settingsFor(uri)]);
      const state = states.get(uri);
      if (state && JSON.stringify(a) !== JSON.stringify(b)) schedule(state, 0);
    }
  });

  connection.onDidChangeWatchedFiles(async (params) => {
    let modulesChanged = false;
    const folders = new Set<string>();
    for (const c of params.changes) {
      if (c.uri.endsWith('/go.mod')) modulesChanged = true;
      else if (c.uri.endsWith('.go') && !states.has(c.uri)) {
        if (await packages.fileChanged(c.uri, c.type === FileChangeType.Deleted, openTexts())) folders.add(dirOf(c.uri));
      }
    }
    if (modulesChanged) {
      modules.clear();
      refreshAll();
      return;
    }
    for (const s of states.values()) if (folders.has(dirOf(s.uri))) schedule(s, 0);
  });

  // Documents. The protocol's changes are applied one by one to the text and turned into the
  // parser's offsets against the text each one applies to, which is what GoFile.update expects.
  connection.onDidOpenTextDocument(({ textDocument: t }) => {
    if (t.languageId !== 'go' && !t.uri.endsWith('.go')) return;
    startup.mark('opened');
    const previous = states.get(t.uri);
    previous?.dropTree();
    if (previous?.timer) clearTimeout(previous.timer);
    const state: DocState = new OpenDocument(t.uri, t.languageId, t.version, t.text, pathOf(t.uri));
    states.set(t.uri, state);
    schedule(state, 0);
  });

  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    const state = states.get(textDocument.uri);
    if (!state || contentChanges.length === 0) return;
    state.applyChanges(contentChanges, textDocument.version);
    void settingsFor(state.uri).then((settings) => {
      if (settings.run !== 'onType' || states.get(state.uri) !== state) return;
      // At least TYPING_DELAY_MS, and on big files twice the last run, so reviews never pile up while typing.
      schedule(state, Math.min(MAX_TYPING_DELAY_MS, Math.max(TYPING_DELAY_MS, state.lastMs * 2)));
      // The package-aware rules of the folder's other open documents read this text too.
      for (const other of states.values()) if (other !== state && dirOf(other.uri) === dirOf(state.uri)) schedule(other, SIBLING_DELAY_MS);
    });
  });

  connection.onDidSaveTextDocument(({ textDocument }) => {
    const state = states.get(textDocument.uri);
    if (state) void settingsFor(state.uri).then((s) => s.run === 'onSave' && schedule(state, 0));
  });

  connection.onDidCloseTextDocument(({ textDocument: { uri } }) => {
    const state = states.get(uri);
    if (!state) return;
    if (state.timer) clearTimeout(state.timer);
    state.dropTree();
    states.delete(uri);
    pulled.delete(uri);
    if (workspaceFiles.has(uri)) {
      // Back to what Review Workspace shows for files that are not open: the findings of the text on disk.
      reviewOnDisk(uri)
        .catch((e: unknown) => {
          connection.console.error(`review of ${pathOf(uri)} failed: ${errorText(e)}`);
          void connection.sendDiagnostics({ uri, diagnostics: [] });
        })
        .finally(() => packages.prune(states.keys()));
      return;
    }
    void connection.sendDiagnostics({ uri, diagnostics: [] });
    packages.prune(states.keys());
  });

  const schedule = (state: DocState, delay: number): void => {
    if (state.timer) clearTimeout(state.timer); // a newer change cancels the scheduled run
    state.timer = setTimeout(() => {
      state.timer = undefined;
      review(state).catch((e: unknown) => connection.console.error(`review of ${pathOf(state.uri)} failed: ${errorText(e)}`));
    }, delay);
  };

  function refreshAll(): void {
    for (const s of states.values()) schedule(s, 0);
  }

  /** The analysis options of a file from its settings and its module. */
  const optionsFor = async (uri: string, settings: Settings): Promise<AnalyzeOptions> => {
    const [mod, importPath] = await Promise.all([modules.moduleOf(uri), modules.importPathOf(uri)]);
    return {
      fileName: pathOf(uri),
      goVersion: settings.goVersion ?? mod?.version,
      importPath,
      severity: settings.severity,
      maxBytes: settings.maxBytes,
      includeGenerated: settings.includeGenerated,
    };
  };

  const live = (state: DocState, version: number) => states.get(state.uri) === state && state.doc.version === version;

  /** Reviews an open document's current text and publishes its diagnostics. */
  async function review(state: DocState): Promise<void> {
    const version = state.doc.version;
    // The folder's files are read (and the parser loaded) while the client answers for the settings.
    const parser = language();
    const pkgLoaded = packages.indexFor(state.uri, openTexts()).catch(() => undefined);
    const settings = await settingsFor(state.uri);
    startup.mark('settings');
    if (!live(state, version)) return; // stale: a newer run follows
    if (!settings.enable) {
      finish(state, version, { findings: [], errors: [], syntaxErrors: false });
      return;
    }
    const [goLanguage, options, pkg] = await Promise.all([parser, optionsFor(state.uri, settings), pkgLoaded]);
    startup.mark('package');
    if (!live(state, version)) return;
    analysisStarts();
    const run = { ...options, package: pkg, isCancelled: () => !live(state, version) };
    const result = state.review(goLanguage, run, ++clock);
    startup.mark('reviewed');
    evictTrees();
    if (result.incomplete === 'cancelled') return;
    for (const e of result.errors) connection.console.error(`rule ${e.ruleId} failed on ${run.fileName}: ${e.message}`);
    if (result.skipped === 'too-large') connection.console.info(`${run.fileName} is larger than goconc.maxFileSizeKB; not reviewed`);
    if (result.incomplete === 'timeout') connection.console.warn(`${run.fileName}: time budget exceeded, findings may be incomplete`);
    finish(state, version, result);
  }

  function finish(state: DocState, version: number, result: AnalysisResult): void {
    state.keep(version, result);
    const first = startup.report(pathOf(state.uri), state.lastMs, host.startupNote);
    if (first) connection.console.log(first);
    void connection.sendDiagnostics({ uri: state.uri, version, diagnostics: result.findings.map((f) => toDiagnostic(state.uri, f)) });
    checkWalkSoon();
    const reviewed: ReviewedParams = { uri: state.uri, version, skipped: result.skipped };
    void connection.sendNotification(REVIEWED, reviewed);
    if (canRefreshLenses) void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
    if (host.idle && idle()) host.idle(idle);
  }

  /** No review is scheduled. */
  const idle = (): boolean => {
    for (const s of states.values()) if (s.timer) return false;
    return true;
  };

  function evictTrees(): void {
    const withTrees = [...states.values()].filter((s) => s.hasTree);
    if (withTrees.length <= MAX_TREES) return;
    withTrees.sort((a, b) => a.lastUsed - b.lastUsed);
    for (const s of withTrees.slice(0, withTrees.length - MAX_TREES)) s.dropTree();
  }

  /** Reviews a file that is not open from its text on disk, as Review Workspace does. */
  async function reviewOnDisk(uri: string): Promise<void> {
    const settings = await settingsFor(uri);
    if (!settings.enable) {
      await connection.sendDiagnostics({ uri, diagnostics: [] });
      return;
    }
    const [goLanguage, text, options, pkg] = await Promise.all([
      language(),
      host.fs.readFile(uri, settings.maxBytes),
      optionsFor(uri, settings),
      packages.indexFor(uri, openTexts()).catch(() => undefined),
    ]);
    if (states.has(uri)) return; // opened again meanwhile: the live review owns it
    analysisStarts();
    const findings = text === undefined ? [] : analyzePackage(goLanguage, [{ name: options.fileName!, text }], { ...options, package: pkg })[0].findings;
    await connection.sendDiagnostics({ uri, diagnostics: findings.map((f) => toDiagnostic(uri, f)) });
  }

  const toDiagnostic = (uri: string, f: Finding): Diagnostic => findingDiagnostic(uri, f, host.ruleHelpUri);

  /** The findings of a document that are current for its text, or none. */
  const current = (uri: string): Finding[] => states.get(uri)?.current ?? [];

  connection.onCodeAction((params) => {
    const uri = params.textDocument.uri;
    const state = states.get(uri);
    const findings = current(uri);
    if (!state) return [];
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(k + '.'));
    const actions: CodeAction[] = [];
    if (wants(CodeActionKind.QuickFix)) {
      // The findings behind the diagnostics the client sent; a client that sends none gets those under the range.
      const ours = params.context.diagnostics.filter((d) => d.source === 'goconc');
      const chosen = ours.length > 0 ? ours.flatMap((d) => findings.filter((f) => sameFinding(f, d)).map((f) => ({ f, d }))) : findings.filter((f) => overlaps(f.range, params.range)).map((f) => ({ f, d: toDiagnostic(uri, f) }));
      for (const { f, d } of chosen) {
        const safe = f.fixes.filter((x) => x.safe);
        for (const fix of f.fixes) {
          actions.push({
            title: fix.title,
            kind: CodeActionKind.QuickFix,
            diagnostics: [d],
            isPreferred: fix.safe && safe.length === 1,
            edit: { changes: { [uri]: fix.edits.map(toTextEdit) } },
          });
        }
        actions.push(ignoreAction(state.doc, f, d));
      }
    }
    if (wants(FIX_ALL)) {
      const fixes = compatibleSafeFixes(findings);
      if (fixes.length > 0) {
        actions.push({ title: `Fix all safe Go concurrency findings (${fixes.length})`, kind: FIX_ALL, edit: { changes: { [uri]: fixes.flatMap((x) => x.edits).map(toTextEdit) } } });
      }
    }
    return actions;
  });

  connection.onHover(async (params) => {
    const state = states.get(params.textDocument.uri);
    if (!state) return null;
    const findings = current(state.uri);
    const here = findings.filter((f) => contains(f.range, params.position));
    if (here.length > 0) {
      const parts = here.map((f) => {
        const rule = RULES_BY_ID.get(f.ruleId);
        return (rule ? findingMarkdown(f, rule) : f.message) + `\n\n[Rule documentation](${host.ruleHelpUri(f.ruleId)})`;
      });
      return { contents: { kind: 'markdown', value: parts.join('\n\n---\n\n') }, range: here[0].range };
    }
    const facts = await factsOf(state).catch(() => undefined);
    const text = facts ? explainAt(facts, state.doc.offsetAt(params.position), findings) : undefined;
    return text ? { contents: { kind: 'markdown', value: text } } : null;
  });

  /** Syntax facts of the document as it is now (for hovers and CodeLens); undefined for skipped files. */
  async function factsOf(state: DocState): Promise<FileFacts | undefined> {
    if (state.skipped) return undefined;
    const goLanguage = await language();
    analysisStarts();
    return states.get(state.uri) === state ? state.facts(goLanguage, ++clock) : undefined;
  }

  connection.onCodeLens(async (params) => {
    const state = states.get(params.textDocument.uri);
    if (!state || !(await settingsFor(state.uri)).codeLens) return [];
    const facts = await factsOf(state).catch(() => undefined);
    if (!facts) return [];
    const findings = current(state.uri);
    const doc = state.doc;
    return goroutineLenses(facts).map((lens): CodeLens => {
      const start = doc.positionAt(lens.fnNode.startIndex);
      const fnRange = { start, end: doc.positionAt(lens.fnNode.endIndex) };
      const leaks = findings.filter((f) => RULES_BY_ID.get(f.ruleId)?.category === 'goroutine-leak' && contains(fnRange, f.range.start) && contains(fnRange, f.range.end));
      // A click goes where it matters: to the places that may block forever, else to the go statements;
      // straight there when there is one, in a peek list when there are several.
      const locations = leaks.length
        ? leaks.map((f) => ({ uri: state.uri, range: f.range }))
        : lens.goStatements.map((g) => {
            const at = doc.positionAt(g.node.startIndex);
            return { uri: state.uri, range: { start: at, end: at } };
          });
      const tooltip = leaks.length ? `Go to where goroutines of ${lens.name} may block forever` : `Go to the go statements of ${lens.name}`;
      return {
        range: { start, end: start },
        command: {
          title: lensTitle(lens, leaks.length),
          command: GO_TO_LOCATIONS,
          arguments: [state.uri, start, locations, locations.length === 1 ? 'goto' : 'peek', 'No goroutines here any more', tooltip],
        },
      };
    });
  });

  connection.onRequest(REVIEW_WORKSPACE, async (params: ReviewWorkspaceParams, token: CancellationToken): Promise<ReviewWorkspaceResult> => {
    const progress = connection.window.attachWorkDoneProgress(params.workDoneToken);
    progress.begin('Go Concurrency Review', 0, `0 of ${params.uris.length} Go files`, true);
    const byDir = new Map<string, string[]>();
    for (const u of params.uris) byDir.set(dirOf(u), [...(byDir.get(dirOf(u)) ?? []), u]);
    const goLanguage = await language();
    checkWalk(goLanguage);
    analysisStarts();
    let done = 0;
    let findings = 0;
    let hints = 0;
    try {
      for (const files of byDir.values()) {
        if (token.isCancellationRequested) break;
        const settings = await settingsFor(files[0]);
        const options = await optionsFor(files[0], settings);
        const texts: { uri: string; name: string; text: string }[] = [];
        for (const uri of files) {
          const text = states.get(uri)?.doc.getText() ?? (await host.fs.readFile(uri, settings.maxBytes));
          if (text !== undefined) texts.push({ uri, name: pathOf(uri), text });
        }
        const results = analyzePackage(goLanguage, texts, options);
        results.forEach((r, i) => {
          const uri = texts[i].uri;
          for (const e of r.errors) connection.console.error(`rule ${e.ruleId} failed on ${texts[i].name}: ${e.message}`);
          if (!settings.enable) return;
          const h = r.findings.filter((f) => f.severity === 'hint').length;
          hints += h;
          findings += r.findings.length - h;
          workspaceFiles.add(uri);
          if (!states.has(uri)) void connection.sendDiagnostics({ uri, diagnostics: r.findings.map((f) => toDiagnostic(uri, f)) });
        });
        done += files.length;
        progress.report((done / Math.max(1, params.uris.length)) * 100, `${done} of ${params.uris.length} Go files`);
        await new Promise((r) => setTimeout(r, 0)); // lets a cancellation arrive between packages
      }
    } finally {
      progress.done();
    }
    refreshAll();
    return { files: done, findings, hints, cancelled: token.isCancellationRequested };
  });

  connection.onRequest(RULES_REQUEST, (): RuleInfo[] => RULES.map((r) => ({ id: r.id, title: r.title, overlaps: [...(r.overlaps ?? [])] })));
  connection.onRequest(RULE_DOCS, ({ id }: RuleDocsParams): string | null => {
    const rule = RULES_BY_ID.get(id);
    return rule ? ruleMarkdown(rule) : null;
  });

  connection.onShutdown(() => {
    for (const s of states.values()) {
      if (s.timer) clearTimeout(s.timer);
      s.dropTree();
    }
    states.clear();
  });

  connection.listen();
}

/** A finding as a protocol diagnostic: rule id as code with its documentation link, related places in the same file. */
export function findingDiagnostic(uri: string, f: Finding, ruleHelpUri: (ruleId: string) => string): Diagnostic {
  return {
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.ruleId,
    codeDescription: { href: ruleHelpUri(f.ruleId) },
    source: 'goconc',
    message: f.message,
    relatedInformation: f.related.length > 0 ? f.related.map((r) => ({ location: { uri, range: r.range }, message: r.message })) : undefined,
    tags: f.unnecessary ? [DiagnosticTag.Unnecessary] : undefined,
  };
}

function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

type Position = { line: number; character: number };
type Range = { start: Position; end: Position };

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function overlaps(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function contains(r: Range, p: Position): boolean {
  return !before(p, r.start) && !before(r.end, p);
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** The finding behind a diagnostic of ours, matched by rule, range and message. */
function sameFinding(f: Finding, d: Diagnostic): boolean {
  return f.ruleId === String(d.code) && f.message === d.message && sameRange(f.range, d.range);
}

function toTextEdit(e: Finding['fixes'][number]['edits'][number]): TextEdit {
  return { range: e.range, newText: e.newText };
}

/**
 * "Ignore this finding": a `//goconc:ignore <rule> reason` line above the finding's line. (The
 * VS Code client turns `reason` into a snippet placeholder, selected for typing.)
 */
function ignoreAction(doc: OpenDocument['doc'], f: Finding, d: Diagnostic): CodeAction {
  const line = f.range.start.line;
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  const indent = /^[ \t]*/.exec(text)![0];
  const at = { line, character: 0 };
  return {
    title: `Ignore this finding (${f.ruleId})`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    edit: { changes: { [doc.uri]: [{ range: { start: at, end: at }, newText: `${indent}//goconc:ignore ${f.ruleId} reason\n` }] } },
  };
}
