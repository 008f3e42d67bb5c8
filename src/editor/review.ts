/**
 * Keeps one parsed GoFile per open Go document, feeds it VS Code's content changes for
 * incremental re-parsing, and publishes findings as diagnostics after a debounce. Stale runs are
 * dropped (a newer version or a closed document wins); trees are freed on close and when more
 * than MAX_TREES documents are open (least recently used first).
 */
import * as vscode from 'vscode';
import { analyze, analyzeFile, skipReason, type AnalysisResult, type AnalyzeOptions } from '../core/analyze';
import { GoFile, type GoLanguage, type TextChange } from '../core/syntax/parser';
import type { Finding, Severity } from '../core/findings/rule';
import { FileFacts } from '../core/model/facts';
import { RULES, RULES_BY_ID } from '../core/rules';
import type { GoVersionLookup } from './goVersion';
import { isExcluded, readSettings, type Settings } from './settings';
import { dirOf, type Siblings } from './siblings';

export const SOURCE = 'goconc';
const TYPING_DELAY_MS = 250;
const MAX_TYPING_DELAY_MS = 2000;
const SIBLING_DELAY_MS = 1000;
const MAX_TREES = 32;

interface DocState {
  file?: GoFile;
  /** Changes not yet given to the parser. */
  pending: TextChange[];
  timer?: ReturnType<typeof setTimeout>;
  /** Findings of the last run and the document version they belong to. */
  findings: Finding[];
  version: number;
  lastUsed: number;
  /** How long the last analysis took: typing waits longer on files that are slow to analyse. */
  lastMs?: number;
  skipped?: AnalysisResult['skipped'];
  /** The other tools' overlapping diagnostics the last publish saw (see foreignKey). */
  foreign?: string;
}

export interface ReviewEvents {
  /** A document was reviewed (or skipped); the status bar listens. */
  readonly onDidReview: vscode.Event<vscode.Uri>;
}

export class Review implements vscode.Disposable, ReviewEvents {
  private readonly states = new Map<string, DocState>();
  /** Files Review Workspace reported on: their findings stay in the Problems panel when their editor closes. */
  private readonly workspaceFiles = new Set<string>();
  private readonly reviewed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidReview = this.reviewed.event;
  private clock = 0;

  constructor(
    private readonly go: () => Promise<GoLanguage>,
    private readonly diagnostics: vscode.DiagnosticCollection,
    private readonly versions: GoVersionLookup,
    private readonly siblings: Siblings,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /**
   * Syntax facts of the document as it is now (for hovers and CodeLens), re-parsing pending
   * changes first. Undefined before the parser has loaded or for skipped files.
   */
  async factsFor(doc: vscode.TextDocument): Promise<FileFacts | undefined> {
    const state = this.states.get(doc.uri.toString());
    if (!state || state.skipped) return undefined;
    const go = await this.go();
    if (doc.isClosed) return undefined;
    this.syncTree(go, doc, state, doc.getText());
    const root = state.file?.root;
    return root ? new FileFacts(root, state.file!.source, doc.uri.path) : undefined;
  }

  /** Findings of the current version of a document (none when it changed since the last run). */
  findingsFor(doc: vscode.TextDocument): Finding[] {
    const s = this.states.get(doc.uri.toString());
    return s && s.version === doc.version ? s.findings : [];
  }

  skippedReason(doc: vscode.TextDocument): AnalysisResult['skipped'] {
    return this.states.get(doc.uri.toString())?.skipped;
  }

  opened(doc: vscode.TextDocument): void {
    if (doc.languageId !== 'go') return;
    this.schedule(doc, 0);
  }

  changed(e: vscode.TextDocumentChangeEvent): void {
    const doc = e.document;
    if (doc.languageId !== 'go' || e.contentChanges.length === 0) return;
    const state = this.states.get(doc.uri.toString());
    if (state?.file) {
      for (const c of e.contentChanges) state.pending.push({ rangeOffset: c.rangeOffset, rangeLength: c.rangeLength, text: c.text });
    }
    if (readSettings(doc.uri).run === 'onType') {
      const last = this.states.get(doc.uri.toString())?.lastMs ?? 0;
      // At least TYPING_DELAY_MS, and on big files twice the last run, so analysis never hogs the host while typing.
      this.schedule(doc, Math.min(MAX_TYPING_DELAY_MS, Math.max(TYPING_DELAY_MS, last * 2)));
      this.refreshFolder(dirOf(doc.uri), doc, SIBLING_DELAY_MS); // package-aware rules read this file too
    }
  }

  /** Reviews the open Go documents of a folder again (a sibling changed). */
  refreshFolder(dir: vscode.Uri, except?: vscode.TextDocument, delay = 0): void {
    for (const other of vscode.workspace.textDocuments) {
      if (other !== except && other.languageId === 'go' && dirOf(other.uri).toString() === dir.toString() && this.states.has(other.uri.toString())) {
        this.schedule(other, delay);
      }
    }
  }

  saved(doc: vscode.TextDocument): void {
    if (doc.languageId === 'go' && readSettings(doc.uri).run === 'onSave') this.schedule(doc, 0);
  }

  closed(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const state = this.states.get(key);
    if (state) {
      if (state.timer) clearTimeout(state.timer);
      state.file?.dispose();
      this.states.delete(key);
    }
    if (this.workspaceFiles.has(key)) {
      // Back to what Review Workspace shows for files that are not open: the findings of the text on disk.
      this.reviewOnDisk(doc.uri)
        .catch((e: unknown) => {
          this.log.error(`review of ${doc.uri.fsPath} failed`, e);
          this.diagnostics.delete(doc.uri);
        })
        .finally(() => this.siblings.prune());
      return;
    }
    this.diagnostics.delete(doc.uri);
    this.siblings.prune();
  }

  /** Review Workspace reported on these files (open or not). */
  coveredByWorkspaceReview(uris: readonly vscode.Uri[]): void {
    for (const u of uris) this.workspaceFiles.add(u.toString());
  }

  /** Reviews a file that is not open from its text on disk, as Review Workspace does. */
  private async reviewOnDisk(uri: vscode.Uri): Promise<void> {
    const settings = readSettings(uri);
    const isOpen = () => vscode.workspace.textDocuments.some((d) => d.languageId === 'go' && d.uri.toString() === uri.toString());
    if (!settings.enable || isExcluded({ uri, languageId: 'go' }, settings.exclude)) {
      this.diagnostics.delete(uri);
      return;
    }
    const [go, bytes, options, pkg] = await Promise.all([
      this.go(),
      vscode.workspace.fs.readFile(uri),
      fileOptions(this.versions, uri, settings),
      this.siblings.indexFor(uri).catch(() => undefined),
    ]);
    if (isOpen()) return; // opened again meanwhile: the live review owns it
    const result = analyze(go, new TextDecoder().decode(bytes), { ...options, fileName: uri.path, package: pkg });
    this.diagnostics.set(uri, result.findings.map((f) => toDiagnostic(uri, f)));
  }

  /** Reviews every open Go document again (settings or go.mod changed). */
  refreshAll(): void {
    for (const doc of vscode.workspace.textDocuments) if (doc.languageId === 'go') this.schedule(doc, 0);
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    const key = doc.uri.toString();
    let state = this.states.get(key);
    if (!state) {
      state = { pending: [], findings: [], version: -1, lastUsed: 0 };
      this.states.set(key, state);
    }
    if (state.timer) clearTimeout(state.timer); // a newer change cancels the scheduled run
    const s = state;
    s.timer = setTimeout(() => {
      s.timer = undefined;
      this.run(doc, s).catch((e: unknown) => this.log.error(`review of ${doc.uri.fsPath} failed`, e));
    }, delay);
  }

  /** Runs the rules on the document's current text and publishes the diagnostics. */
  async run(doc: vscode.TextDocument, state: DocState): Promise<void> {
    const settings = readSettings(doc.uri);
    if (!settings.enable || isExcluded(doc, settings.exclude)) {
      this.diagnostics.delete(doc.uri);
      state.findings = [];
      state.version = doc.version;
      this.reviewed.fire(doc.uri);
      return;
    }
    const version = doc.version;
    const [go, fileOpts, pkg] = await Promise.all([
      this.go(),
      fileOptions(this.versions, doc.uri, settings),
      this.siblings.indexFor(doc).catch(() => undefined),
    ]);
    if (doc.isClosed || doc.version !== version || !this.states.has(doc.uri.toString())) return; // stale: a newer run follows

    const text = doc.getText();
    const options = {
      ...fileOpts,
      fileName: doc.uri.path,
      isCancelled: () => doc.version !== version,
      package: pkg,
    };
    const skipped = skipReason(text, options);
    let result: AnalysisResult;
    if (skipped) {
      state.file?.dispose();
      state.file = undefined;
      state.pending = [];
      result = { findings: [], errors: [], skipped, syntaxErrors: false };
    } else {
      const started = Date.now();
      this.syncTree(go, doc, state, text);
      result = analyzeFile(state.file!, options);
      state.lastMs = Date.now() - started;
      this.evictTrees();
    }
    if (result.incomplete === 'cancelled') return;
    for (const e of result.errors) this.log.error(`rule ${e.ruleId} failed on ${doc.uri.fsPath}: ${e.message}`);
    if (result.skipped === 'too-large') this.log.info(`${doc.uri.fsPath} is larger than goconc.maxFileSizeKB; not reviewed`);
    if (result.incomplete === 'timeout') this.log.warn(`${doc.uri.fsPath}: time budget exceeded, findings may be incomplete`);
    state.findings = result.findings;
    state.version = version;
    state.skipped = result.skipped;
    this.publish(doc.uri, state);
    this.reviewed.fire(doc.uri);
  }

  /**
   * Sets the document's diagnostics: its findings, less those that gopls already reports on the
   * same line (see Rule.overlaps), which keep their hover and would only double the squiggle.
   */
  private publish(uri: vscode.Uri, state: DocState): void {
    const foreign = overlappingForeign(uri);
    state.foreign = foreignKey(foreign);
    this.diagnostics.set(uri, state.findings.filter((f) => !reportedByGopls(f, foreign)).map((f) => toDiagnostic(uri, f)));
  }

  /** gopls published or withdrew diagnostics: show or hide the findings they duplicate. */
  foreignDiagnosticsChanged(uris: readonly vscode.Uri[]): void {
    for (const uri of uris) {
      const state = this.states.get(uri.toString());
      if (!state || state.version < 0) continue;
      // Our own publishing fires this event too: act only when the other tools' diagnostics changed.
      if (foreignKey(overlappingForeign(uri)) !== state.foreign) this.publish(uri, state);
    }
  }

  /** Brings the document's tree up to date: incrementally when the pending changes lead to the same text. */
  private syncTree(go: GoLanguage, doc: vscode.TextDocument, state: DocState, text: string): void {
    state.lastUsed = ++this.clock;
    if (state.file && state.pending.length > 0) state.file.update(state.pending);
    state.pending = [];
    if (state.file && state.file.text !== text) {
      this.log.debug(`incremental text of ${doc.uri.fsPath} diverged; re-parsing in full`);
      state.file.setText(text);
    }
    if (!state.file) state.file = new GoFile(go, text, doc.uri.path);
  }

  private evictTrees(): void {
    const withTrees = [...this.states.values()].filter((s) => s.file);
    if (withTrees.length <= MAX_TREES) return;
    withTrees.sort((a, b) => a.lastUsed - b.lastUsed);
    for (const s of withTrees.slice(0, withTrees.length - MAX_TREES)) {
      s.file!.dispose();
      s.file = undefined;
      s.pending = [];
    }
  }

  dispose(): void {
    for (const s of this.states.values()) {
      if (s.timer) clearTimeout(s.timer);
      s.file?.dispose();
    }
    this.states.clear();
    this.reviewed.dispose();
  }
}

/**
 * The analysis options of a file from its settings and its module (the go.mod's Go version unless
 * the settings name one, and the package's import path): the same for a live document, a closed
 * file and Review Workspace.
 */
export async function fileOptions(
  versions: GoVersionLookup,
  uri: vscode.Uri,
  settings: Settings,
): Promise<Pick<AnalyzeOptions, 'goVersion' | 'importPath' | 'severity' | 'maxBytes' | 'includeGenerated'>> {
  const [goVersion, importPath] = await Promise.all([settings.goVersion ?? versions.forDocument(uri), versions.importPathOf(uri)]);
  return { goVersion, importPath, severity: settings.severity, maxBytes: settings.maxBytes, includeGenerated: settings.includeGenerated };
}

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function toRange(r: Finding['range']): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export function ruleDocsUri(ruleId: string): vscode.Uri {
  return vscode.Uri.parse(`command:goconc.showRuleDocs?${encodeURIComponent(JSON.stringify([ruleId]))}`);
}

export function toDiagnostic(uri: vscode.Uri, f: Finding): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(f.range), f.message, SEVERITY[f.severity]);
  d.source = SOURCE;
  d.code = { value: f.ruleId, target: ruleDocsUri(f.ruleId) };
  if (f.related.length > 0) {
    d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, toRange(r.range)), r.message));
  }
  return d;
}

/** Analyzer names some rule overlaps (Rule.overlaps). */
const OVERLAPPED = new Set(RULES.flatMap((r) => r.overlaps ?? []));

/** Another tool's diagnostics on the document whose source or code names an analyzer a rule overlaps. */
function overlappingForeign(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source !== SOURCE && analyzerOf(d) !== undefined);
}

function analyzerOf(d: vscode.Diagnostic): string | undefined {
  const code = typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);
  return [d.source, code].find((x): x is string => x !== undefined && OVERLAPPED.has(x));
}

function foreignKey(foreign: readonly vscode.Diagnostic[]): string {
  return foreign.map((d) => `${analyzerOf(d)}:${d.range.start.line}`).sort().join(',');
}

function reportedByGopls(f: Finding, foreign: readonly vscode.Diagnostic[]): boolean {
  const names = RULES_BY_ID.get(f.ruleId)?.overlaps;
  return !!names && foreign.some((d) => d.range.start.line === f.range.start.line && names.includes(analyzerOf(d)!));
}

/** The finding behind a diagnostic of ours, matched by rule, range and message. */
export function findingOf(findings: readonly Finding[], d: vscode.Diagnostic): Finding | undefined {
  if (d.source !== SOURCE) return undefined;
  const code = typeof d.code === 'object' ? d.code.value : d.code;
  return findings.find((f) => f.ruleId === code && f.message === d.message && toRange(f.range).isEqual(d.range));
}
