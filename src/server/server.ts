/**
 * The goconc language server: the engine of src/core behind the Language Server Protocol, for
 * any editor. It keeps open documents, reviews each one (with the other files of its folder as
 * its package) a moment after it changes, and answers with diagnostics, quick fixes, a
 * `source.fixAll.goconc` action and hovers that explain a finding.
 *
 * The host (stdio in `goconc lsp`) supplies the Go grammar and the files on disk.
 */
import {
  CodeActionKind,
  DiagnosticSeverity,
  TextDocumentSyncKind,
  TextDocuments,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type InitializeResult,
  type TextEdit,
} from 'vscode-languageserver/lib/common/api';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type SeveritySetting } from '../core/analyze';
import type { Finding, Severity } from '../core/findings/rule';
import { PackageIndex } from '../core/model/package';
import { findingMarkdown } from '../core/present/docs';
import { RULES_BY_ID } from '../core/rules';
import type { GoLanguage } from '../core/syntax/parser';

export interface ServerHost {
  /** The Go grammar. */
  loadGo(): Promise<GoLanguage>;
  /** The other `.go` files of a document's folder, from disk; empty when the document has none. */
  siblings(uri: string): Promise<{ path: string; text: string }[]>;
  /** The `go` directive of the document's module, when there is one. */
  goVersion(uri: string): string | undefined;
  /** A file system path for a document URI (`file:///a/b.go` -> `/a/b.go`), used as the file's name. */
  pathOf(uri: string): string;
  /** Where a rule's documentation lives. */
  ruleHelpUri(ruleId: string): string;
  version: string;
}

/** What a client may set under `goconc` (initializationOptions or workspace/didChangeConfiguration). */
interface Settings {
  enable: boolean;
  severity: Record<string, SeveritySetting>;
}

const FIX_ALL = 'source.fixAll.goconc';
const DEBOUNCE_MS = 150;

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function startServer(connection: Connection, host: ServerHost): void {
  const documents = new TextDocuments(TextDocument);
  /** The findings of each open document, for the version they were computed on. */
  const results = new Map<string, { version: number; findings: Finding[] }>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const packages = new Map<string, PackageIndex>();
  let settings: Settings = { enable: true, severity: {} };
  let go: Promise<GoLanguage> | undefined;

  const readSettings = (value: unknown): Settings => {
    const v = (value && typeof value === 'object' && 'goconc' in value ? (value as { goconc: unknown }).goconc : value) as Partial<Settings> | undefined;
    const severity: Record<string, SeveritySetting> = {};
    for (const [id, s] of Object.entries(v?.severity ?? {})) {
      const level = String(s).toLowerCase().replace(/^information$/, 'info');
      if (['off', 'hint', 'info', 'warning', 'error'].includes(level)) severity[id] = level as SeveritySetting;
    }
    return { enable: v?.enable !== false, severity };
  };

  connection.onInitialize((params): InitializeResult => {
    settings = readSettings(params.initializationOptions);
    go = host.loadGo();
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL] },
        hoverProvider: true,
      },
      serverInfo: { name: 'goconc', version: host.version },
    };
  });

  connection.onDidChangeConfiguration((change) => {
    settings = readSettings(change.settings);
    for (const doc of documents.all()) schedule(doc.uri, 0);
  });

  const folderOf = (uri: string) => uri.slice(0, uri.lastIndexOf('/') + 1);

  /** The package index of the document's folder: siblings from disk, open documents' texts over them. */
  const packageFor = async (uri: string, language: GoLanguage): Promise<PackageIndex> => {
    const folder = folderOf(uri);
    let index = packages.get(folder);
    if (!index) {
      index = new PackageIndex(language);
      packages.set(folder, index);
      for (const s of await host.siblings(uri)) index.setText(s.path, s.text);
    }
    for (const other of documents.all()) {
      if (other.uri !== uri && folderOf(other.uri) === folder && other.languageId !== 'plaintext') index.setText(host.pathOf(other.uri), other.getText());
    }
    return index;
  };

  const review = async (uri: string): Promise<void> => {
    const doc = documents.get(uri);
    if (!doc || !go) return;
    if (!settings.enable) {
      results.delete(uri);
      await connection.sendDiagnostics({ uri, diagnostics: [] });
      return;
    }
    const language = await go;
    const version = doc.version;
    const path = host.pathOf(uri);
    let findings: Finding[] = [];
    try {
      const index = await packageFor(uri, language);
      findings = analyze(language, doc.getText(), { fileName: path, package: index, goVersion: host.goVersion(uri), severity: settings.severity }).findings;
    } catch (e) {
      connection.console.error(`goconc: reviewing ${path} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    // A newer text arrived meanwhile: its own review will publish.
    if (documents.get(uri)?.version !== version) return;
    results.set(uri, { version, findings });
    await connection.sendDiagnostics({ uri, version, diagnostics: findings.map((f) => toDiagnostic(uri, f)) });
  };

  const schedule = (uri: string, delay = DEBOUNCE_MS) => {
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        void review(uri);
      }, delay),
    );
  };

  const toDiagnostic = (uri: string, f: Finding): Diagnostic => ({
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.ruleId,
    codeDescription: { href: host.ruleHelpUri(f.ruleId) },
    source: 'goconc',
    message: f.message,
    relatedInformation: f.related.map((r) => ({ location: { uri, range: r.range }, message: r.message })),
  });

  documents.onDidOpen((e) => schedule(e.document.uri, 0));
  documents.onDidChangeContent((e) => schedule(e.document.uri));
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    results.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  /** The findings of a document that are current for its text, or none. */
  const current = (uri: string): Finding[] => {
    const doc = documents.get(uri);
    const r = results.get(uri);
    return doc && r && r.version === doc.version ? r.findings : [];
  };

  connection.onCodeAction((params) => {
    const uri = params.textDocument.uri;
    const findings = current(uri);
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(k + '.'));
    const actions: CodeAction[] = [];
    if (wants(CodeActionKind.QuickFix)) {
      for (const f of findings) {
        if (!overlaps(f.range, params.range)) continue;
        for (const fix of f.fixes) {
          actions.push({
            title: fix.title,
            kind: CodeActionKind.QuickFix,
            diagnostics: [toDiagnostic(uri, f)],
            isPreferred: fix.safe,
            edit: { changes: { [uri]: fix.edits.map(toTextEdit) } },
          });
        }
      }
    }
    if (wants(FIX_ALL)) {
      const edits = safeEdits(findings);
      if (edits.length > 0) actions.push({ title: 'Fix all safe goconc findings', kind: FIX_ALL, edit: { changes: { [uri]: edits.map(toTextEdit) } } });
    }
    return actions;
  });

  connection.onHover((params) => {
    const findings = current(params.textDocument.uri).filter((f) => contains(f.range, params.position));
    if (findings.length === 0) return null;
    const parts = findings.map((f) => {
      const rule = RULES_BY_ID.get(f.ruleId);
      return rule ? findingMarkdown(f, rule) : f.message;
    });
    return { contents: { kind: 'markdown', value: parts.join('\n\n---\n\n') } };
  });

  documents.listen(connection);
  connection.listen();
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

function toTextEdit(e: Finding['fixes'][number]['edits'][number]): TextEdit {
  return { range: e.range, newText: e.newText };
}

/** The safe fixes of a document that do not overlap one another (the first one wins), as fix-all applies them. */
function safeEdits(findings: readonly Finding[]): Finding['fixes'][number]['edits'] {
  const out: Finding['fixes'][number]['edits'] = [];
  for (const f of findings) {
    const fix = f.fixes.find((x) => x.safe);
    if (!fix) continue;
    const clash = fix.edits.some((e) => out.some((o) => (e.start < o.end && o.start < e.end) || e.start === o.start));
    if (!clash) out.push(...fix.edits);
  }
  return out;
}
