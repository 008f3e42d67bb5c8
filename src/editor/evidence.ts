/**
 * Runtime evidence in the editor: a goroutine dump, a debug=1 goroutine or goroutineleak profile,
 * or a race report, taken from a file, the clipboard or a URL the user types, shown where it
 * happens in the code: diagnostics of their own source (`goconc-runtime`), the goroutine count
 * beside the line, a tree of places by count, and a hover that says whether the static analysis
 * reports the same line. Evidence is marked stale in a file once the file changes.
 */
import * as vscode from 'vscode';
import { readEvidence } from '../core/evidence/goroutines';
import { readEvidenceBytes } from '../core/evidence/pprof';
import { blockedSites, FrameMapper, raceSites, type Place } from '../core/evidence/sites';
import { modulePath } from '../core/text/gomod';
import { codeOf } from './client';

export const EVIDENCE_SOURCE = 'goconc-runtime';

interface Entry {
  uri: vscode.Uri;
  line: number;
  /** The diagnostic's message while the file is as it was. */
  message: string;
  /** Short text beside the line. */
  badge: string;
  count: number;
  severity: vscode.DiagnosticSeverity;
  related: vscode.DiagnosticRelatedInformation[];
  stale: boolean;
}

export class RuntimeEvidence implements vscode.Disposable, vscode.HoverProvider, vscode.TreeDataProvider<Entry> {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection(EVIDENCE_SOURCE);
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic' },
  });
  private readonly treeChanged = new vscode.EventEmitter<Entry | undefined>();
  readonly onDidChangeTreeData = this.treeChanged.event;
  private entries: Entry[] = [];
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.subscriptions = [
      vscode.window.onDidChangeVisibleTextEditors(() => this.decorate()),
      vscode.workspace.onDidChangeTextDocument((e) => this.changed(e)),
    ];
  }

  /**
   * Reads evidence and shows it. With no argument, asks where it comes from; tests and other
   * commands pass a file's URI or the text itself. Resolves to the number of places shown.
   */
  async show(from?: vscode.Uri | string): Promise<number> {
    const input = from === undefined ? await this.ask() : from instanceof vscode.Uri ? { bytes: await vscode.workspace.fs.readFile(from), label: vscode.workspace.asRelativePath(from) } : { text: from, label: 'the given text' };
    if (!input) return 0;
    const evidence = 'bytes' in input ? readEvidenceBytes(input.bytes) : readEvidence(input.text);
    if (evidence.kind === 'empty') {
      void vscode.window.showWarningMessage(`Go Concurrency: nothing to show from ${input.label}. ${evidence.problem?.replace(/`/g, '') ?? ''}`);
      return 0;
    }
    const mapper = await workspaceMapper();
    const entries: Entry[] = [];
    let summary: string;
    if (evidence.kind === 'races') {
      const races = raceSites(evidence.races, mapper);
      for (const r of races) {
        for (const a of r.accesses) {
          if (!a.place) continue;
          const other = r.accesses.find((x) => x !== a);
          const related = [other?.place ? relatedAt(other.place, `the other access: a ${other.kind}${other.goroutine !== undefined ? ` by goroutine ${other.goroutine}` : ' by the main goroutine'}`) : undefined, ...r.created.map((c) => (c.place ? relatedAt(c.place, `goroutine ${c.goroutine} was created here`) : undefined))].filter((x): x is vscode.DiagnosticRelatedInformation => !!x);
          entries.push({
            uri: uriOf(a.place),
            line: a.place.line - 1,
            message: `data race: this ${a.kind}${a.goroutine !== undefined ? ` by goroutine ${a.goroutine}` : ''} and a ${other?.kind ?? 'access'} of the same memory by another goroutine, with nothing ordering them`,
            badge: `data race (${a.kind})`,
            count: 1,
            severity: vscode.DiagnosticSeverity.Warning,
            related,
            stale: false,
          });
        }
      }
      summary = `${races.length} data race${races.length === 1 ? '' : 's'}`;
    } else {
      const lines = await linesOf(evidence.goroutines.filter((g) => g.state === 'unknown' || g.state === 'leaked').map((g) => mapper.blockingPlace(g.frames)?.file));
      const { sites, outside } = blockedSites(evidence.goroutines, mapper, (file, line) => lines.get(file)?.[line - 1]);
      for (const s of sites) {
        const n = `${s.count} goroutine${s.count === 1 ? '' : 's'}`;
        const wait = s.longestMinutes !== undefined ? ` for up to ${s.longestMinutes} minute${s.longestMinutes === 1 ? '' : 's'}` : '';
        const leaked = s.leaked === 0 ? '' : s.leaked === s.count ? ' (leaked)' : ` (${s.leaked} leaked)`;
        entries.push({
          uri: uriOf(s.place),
          line: s.place.line - 1,
          message: `${n} blocked here in ${s.state}${wait}${leaked}`,
          badge: `⏸ ${n}${leaked ? ' leaked' : ''}`,
          count: s.count,
          severity: s.leaked > 0 ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information,
          related: s.spawns.map((sp) => relatedAt(sp.place, `${sp.count} of them started here`)),
          stale: false,
        });
      }
      const total = sites.reduce((a, s) => a + s.count, 0);
      summary = `${total} goroutine${total === 1 ? '' : 's'} waiting at ${sites.length} place${sites.length === 1 ? '' : 's'} in the workspace (${outside} elsewhere)`;
    }
    this.entries = entries.sort((a, b) => b.count - a.count);
    this.publish();
    void vscode.commands.executeCommand('setContext', 'goconc.hasEvidence', this.entries.length > 0);
    this.log.info(`runtime evidence from ${input.label}: ${summary}`);
    void vscode.window.showInformationMessage(`Go Concurrency: ${summary}, from ${input.label}.`);
    return this.entries.length;
  }

  clear(): void {
    this.entries = [];
    this.publish();
    void vscode.commands.executeCommand('setContext', 'goconc.hasEvidence', false);
  }

  private async ask(): Promise<{ text: string; label: string } | { bytes: Uint8Array; label: string } | undefined> {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'From a file...', id: 'file' },
        { label: 'From the clipboard', id: 'clipboard' },
        { label: 'From a URL...', id: 'url', detail: 'a pprof endpoint such as http://localhost:6060/debug/pprof/goroutine?debug=2' },
      ],
      // Kept open when focus moves (a notification, a forwarded port): it asks for a deliberate choice.
      { placeHolder: 'A goroutine dump, a debug=1 goroutine or goroutineleak profile, or a race report', ignoreFocusOut: true },
    );
    if (pick?.id === 'clipboard') return { text: await vscode.env.clipboard.readText(), label: 'the clipboard' };
    if (pick?.id === 'file') {
      const [uri] = (await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Show' })) ?? [];
      return uri ? { bytes: await vscode.workspace.fs.readFile(uri), label: vscode.workspace.asRelativePath(uri) } : undefined;
    }
    if (pick?.id === 'url') {
      const url = await vscode.window.showInputBox({
        prompt: 'URL of a goroutine dump or profile (fetched once, now)',
        value: 'http://localhost:6060/debug/pprof/goroutine?debug=2',
        validateInput: (v) => (/^https?:\/\/\S+$/.test(v) ? undefined : 'An http:// or https:// URL'),
        ignoreFocusOut: true,
      });
      if (!url) return undefined;
      try {
        this.log.info(`fetching ${url}`);
        const res = await fetch(url);
        if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
        return { bytes: new Uint8Array(await res.arrayBuffer()), label: url };
      } catch (e) {
        this.log.error(`could not fetch ${url}`, e);
        void vscode.window.showErrorMessage(`Go Concurrency: could not fetch ${url}: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    }
    return undefined;
  }

  private changed(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0) return;
    let any = false;
    for (const entry of this.entries) {
      if (!entry.stale && entry.uri.toString() === e.document.uri.toString()) {
        entry.stale = true;
        any = true;
      }
    }
    if (any) this.publish();
  }

  private publish(): void {
    this.diagnostics.clear();
    const byUri = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
    for (const e of this.entries) {
      const d = new vscode.Diagnostic(new vscode.Range(e.line, 0, e.line, 10_000), e.stale ? `${e.message} (stale: the file changed since)` : e.message, e.stale ? vscode.DiagnosticSeverity.Hint : e.severity);
      d.source = EVIDENCE_SOURCE;
      d.relatedInformation = e.related;
      const slot = byUri.get(e.uri.toString()) ?? { uri: e.uri, list: [] };
      slot.list.push(d);
      byUri.set(e.uri.toString(), slot);
    }
    for (const { uri, list } of byUri.values()) this.diagnostics.set(uri, list);
    this.decorate();
    this.treeChanged.fire(undefined);
  }

  private decorate(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const here = this.entries.filter((e) => e.uri.toString() === editor.document.uri.toString());
      editor.setDecorations(
        this.decoration,
        here.map((e) => ({ range: new vscode.Range(e.line, 10_000, e.line, 10_000), renderOptions: { after: { contentText: e.stale ? `${e.badge} (stale)` : e.badge } } })),
      );
    }
  }

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const here = this.entries.filter((e) => e.uri.toString() === doc.uri.toString() && e.line === pos.line);
    if (here.length === 0) return undefined;
    // The static findings are the language server's diagnostics on the line.
    const statics = vscode.languages
      .getDiagnostics(doc.uri)
      .filter((d) => d.source === 'goconc' && d.range.start.line <= pos.line && pos.line <= d.range.end.line)
      .map((d) => ({ ruleId: codeOf(d), message: d.message }));
    const md = new vscode.MarkdownString();
    for (const e of here) md.appendMarkdown(`**Runtime evidence:** ${e.message}${e.stale ? ' _(stale: the file changed since)_' : ''}\n\n`);
    if (statics.length > 0) {
      md.appendMarkdown(`**The static analysis agrees:**\n\n`);
      for (const f of statics) md.appendMarkdown(`- \`${f.ruleId}\`: ${f.message}\n`);
    } else {
      md.appendMarkdown('The static analysis does not report this line: the cause may be in code it cannot see (another package, a library), or in a shape it does not model yet.');
    }
    return new vscode.Hover(md);
  }

  getTreeItem(e: Entry): vscode.TreeItem {
    const item = new vscode.TreeItem(`${vscode.workspace.asRelativePath(e.uri)}:${e.line + 1}`, vscode.TreeItemCollapsibleState.None);
    item.description = e.stale ? `${e.message} (stale)` : e.message;
    item.tooltip = e.message;
    item.iconPath = new vscode.ThemeIcon(e.severity === vscode.DiagnosticSeverity.Warning ? 'warning' : 'debug-pause');
    item.command = { command: 'vscode.open', title: 'Open', arguments: [e.uri, { selection: new vscode.Range(e.line, 0, e.line, 0) }] };
    return item;
  }

  getChildren(e?: Entry): Entry[] {
    return e ? [] : this.entries;
  }

  dispose(): void {
    this.diagnostics.dispose();
    this.decoration.dispose();
    this.treeChanged.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

/** The workspace's Go files and modules, as the frame mapper wants them (URI paths). */
async function workspaceMapper(): Promise<FrameMapper> {
  const exclude = '**/{vendor,node_modules,testdata,.git}/**';
  const [files, mods] = await Promise.all([vscode.workspace.findFiles('**/*.go', exclude, 50_000), vscode.workspace.findFiles('**/go.mod', exclude, 1000)]);
  const modules: { path: string; dir: string }[] = [];
  for (const m of mods) {
    try {
      const path = modulePath(await readText(m));
      if (path) modules.push({ path, dir: m.path.slice(0, m.path.lastIndexOf('/')) });
    } catch {
      // an unreadable go.mod: frames of that module map by path only
    }
  }
  uriByPath.clear();
  for (const f of files) uriByPath.set(f.path, f);
  return new FrameMapper({ files: files.map((f) => f.path), modules });
}

const uriByPath = new Map<string, vscode.Uri>();

/** The lines of the given workspace files (open documents as edited, others as saved); unreadable ones are left out. */
async function linesOf(files: readonly (string | undefined)[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const file of new Set(files)) {
    if (!file) continue;
    const uri = uriOf({ file, line: 1, func: '' });
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    try {
      const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      out.set(file, text.split(/\r?\n/));
    } catch {
      // a file that went away: its sites keep the state the evidence gave
    }
  }
  return out;
}

function uriOf(p: Place): vscode.Uri {
  return uriByPath.get(p.file) ?? vscode.Uri.file(p.file);
}

function relatedAt(p: Place, message: string): vscode.DiagnosticRelatedInformation {
  return new vscode.DiagnosticRelatedInformation(new vscode.Location(uriOf(p), new vscode.Position(p.line - 1, 0)), message);
}
