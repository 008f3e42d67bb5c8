/**
 * Helpers for the extension-host suite. They drive the real VS Code API: documents are written
 * into the workspace folder the host was opened on, and every wait is on an event
 * (onDidChangeDiagnostics) with a deadline, never a sleep; only activation, which fires no
 * event, is polled (`until`).
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'goconc.go-concurrency-review';
export const SOURCE = 'goconc';
/** How long a wait for diagnostics may take; the first review also loads the WASM parser. */
export const WAIT_MS = 15000;

/** The extension under test (the development path the host was started with). */
export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is loaded`);
  return ext;
}

/** A file of the extension's own folder (the repository when run from a checkout). */
export function extensionFile(...parts: string[]): string {
  return join(extension().extensionPath, ...parts);
}

/** The workspace folder the suite writes its Go files into. */
export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the extension host was opened on a workspace folder');
  assert.equal(folder.uri.scheme, 'file', 'the workspace folder is on disk');
  return folder.uri.fsPath;
}

/** Resolves once `holds` does (polled: some states, such as an extension's activation, fire no event); rejects after WAIT_MS. */
export async function until(holds: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!holds()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_MS} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let fileCounter = 0;

/** A fresh file name in the workspace, so no test sees another's document. */
function freshName(): string {
  return `case${++fileCounter}.go`;
}

/**
 * Writes a Go file into the workspace (under a fresh name unless one is given) and opens it in
 * an editor.
 */
export async function openGo(text: string, name = freshName()): Promise<vscode.TextDocument> {
  const file = join(workspaceDir(), name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  assert.equal(doc.languageId, 'go', `${file} opens as Go`);
  await vscode.window.showTextDocument(doc);
  return doc;
}

/**
 * Opens a Go file like openGo and resolves once its first review is published, with what it
 * published: the only way to show that a document got no diagnostic (a setting turned it off)
 * without sleeping. The listener is attached before the document opens, so the event cannot be
 * missed.
 */
export async function openGoReviewed(text: string, name = freshName()): Promise<{ doc: vscode.TextDocument; diags: vscode.Diagnostic[] }> {
  const uri = vscode.Uri.file(join(workspaceDir(), name));
  let sub: vscode.Disposable | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const published = new Promise<void>((resolve, reject) => {
    sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) resolve();
    });
    timer = setTimeout(() => reject(new Error(`no review of ${uri.path} was published within ${WAIT_MS} ms`)), WAIT_MS);
  });
  try {
    const doc = await openGo(text, name);
    await published;
    return { doc, diags: ours(doc.uri) };
  } finally {
    sub?.dispose();
    clearTimeout(timer);
  }
}

/**
 * Closes every editor. Edited documents are saved first (they are the suite's own files), since
 * closing a dirty editor would ask whether to save and wait for an answer.
 */
export async function closeAll(): Promise<void> {
  for (const d of vscode.workspace.textDocuments) if (d.isDirty && d.uri.scheme === 'file') await d.save();
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** A line in the suite's output (a measurement that is reported, not asserted). */
export function report(text: string): void {
  console.log(`${process.env.GOCONC_SUITE_MARK ?? ''}      ${text}`);
}

/** Our diagnostics for a document. */
export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

/** The rule id of a diagnostic (its code, which also links to the documentation). */
export function ruleOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : c === undefined ? undefined : String(c);
}

/**
 * Resolves with our diagnostics for `uri` once `ready` accepts them: at once when the current
 * ones do, else on the onDidChangeDiagnostics event that makes it true. Rejects after WAIT_MS
 * with what was last seen.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  ready: (diags: vscode.Diagnostic[]) => boolean,
  what = 'the expected diagnostics',
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const diags = ours(uri);
      if (!ready(diags)) return false;
      finish();
      resolve(diags);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out after ${WAIT_MS} ms waiting for ${what} on ${uri.path}; last seen: ${describe(ours(uri))}`));
    }, WAIT_MS);
    const finish = () => {
      clearTimeout(timer);
      sub.dispose();
    };
    check();
  });
}

/** Waits until at least `count` diagnostics of `ruleId` are published. */
export function waitForRule(uri: vscode.Uri, ruleId: string, count = 1): Promise<vscode.Diagnostic[]> {
  return waitForDiagnostics(uri, (ds) => ds.filter((d) => ruleOf(d) === ruleId).length >= count, `${count} × ${ruleId}`).then((ds) =>
    ds.filter((d) => ruleOf(d) === ruleId),
  );
}

/** Waits until no diagnostic of ours is left on the document. */
export function waitForNone(uri: vscode.Uri): Promise<vscode.Diagnostic[]> {
  return waitForDiagnostics(uri, (ds) => ds.length === 0, 'no diagnostics');
}

export function describe(diags: readonly vscode.Diagnostic[]): string {
  if (diags.length === 0) return '(none)';
  return diags
    .map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${ruleOf(d)} [${vscode.DiagnosticSeverity[d.severity]}] ${d.message}`)
    .join('; ');
}

/** Resolves when an editor tab whose label `matches` is open (now or after a tab change). */
export function waitForTab(matches: (label: string) => boolean): Promise<vscode.Tab> {
  return new Promise((resolve, reject) => {
    const find = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => matches(t.label));
    const check = () => {
      const tab = find();
      if (!tab) return;
      done();
      resolve(tab);
    };
    const sub = vscode.window.tabGroups.onDidChangeTabs(check);
    const timer = setTimeout(() => {
      done();
      const labels = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
      reject(new Error(`no such tab within ${WAIT_MS} ms; tabs: ${JSON.stringify(labels)}`));
    }, WAIT_MS);
    const done = () => {
      sub.dispose();
      clearTimeout(timer);
    };
    check();
  });
}

/** The range of the `nth` occurrence of `needle` in the document. */
export function rangeOf(doc: vscode.TextDocument, needle: string, nth = 1): vscode.Range {
  const text = doc.getText();
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `"${needle}" occurs ${nth} time(s) in ${doc.uri.path}`);
  }
  return new vscode.Range(doc.positionAt(at), doc.positionAt(at + needle.length));
}

/** The text of a hover's contents, Markdown or plain. */
export function hoverText(h: vscode.Hover): string {
  return h.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
}

/** Quick fixes offered at a range, with their edits (the command resolves them). */
export async function quickFixes(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const all = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider',
    uri,
    range,
    vscode.CodeActionKind.QuickFix.value,
  );
  return (all ?? []).filter((a): a is vscode.CodeAction => 'edit' in a || 'kind' in a);
}

/** Hovers at a position from every provider; ours are those that name a goconc rule. */
export async function hovers(uri: vscode.Uri, pos: vscode.Position): Promise<vscode.Hover[]> {
  return (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos)) ?? [];
}

type Scalar = string | number | boolean;
export type SettingValue = Scalar | Scalar[] | Record<string, Scalar> | undefined;

/** Sets `goconc.<key>` in the workspace folder's settings (undefined removes it). */
export async function setSetting(key: string, value: SettingValue): Promise<void> {
  await vscode.workspace.getConfiguration('goconc').update(key, value, vscode.ConfigurationTarget.Workspace);
}

/** In a describe(): resets the named goconc settings after every test. */
export function resetSettingsAfterEach(...keys: string[]): void {
  afterEach(async () => {
    for (const k of keys) await setSetting(k, undefined);
  });
}

/** Reads a test/testdata file of the extension's checkout. */
export function testdata(...parts: string[]): string {
  const path = extensionFile('test', 'testdata', ...parts);
  assert.ok(existsSync(path), `${path} exists`);
  return readFileSync(path, 'utf8');
}

/** `// want "re"` annotations of a fixture (the same syntax as the unit harness). */
export function wantsOf(text: string): { line: number; pattern: RegExp }[] {
  const wants: { line: number; pattern: RegExp }[] = [];
  text.split(/\r?\n/).forEach((lineText, i) => {
    const m = /\/\/ want(?: \+(\d+))?((?:\s+(?:"(?:[^"\\]|\\.)*"|`[^`]*`))+)/.exec(lineText);
    if (!m) return;
    for (const q of m[2].matchAll(/"((?:[^"\\]|\\.)*)"|`([^`]*)`/g)) {
      const source = q[1] !== undefined ? (JSON.parse(`"${q[1]}"`) as string) : q[2];
      wants.push({ line: i + (m[1] ? Number(m[1]) : 0), pattern: new RegExp(source) });
    }
  });
  return wants;
}

/** Sections `-- <fix title> --` of a .golden file. */
export function goldenSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  const parts = text.split(/^-- (.+) --\n/m);
  for (let i = 1; i + 1 < parts.length; i += 2) sections.set(parts[i], parts[i + 1]);
  return sections;
}
