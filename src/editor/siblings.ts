/**
 * The other Go files of a document's package (its folder), for the package-aware rules. Texts
 * come from open editors when they have one (unsaved changes win) and from the file system
 * otherwise; the PackageIndex keeps their summaries until a text changes.
 */
import * as vscode from 'vscode';
import { PackageIndex } from '../core/model/package';
import type { GoLanguage } from '../core/syntax/parser';

const MAX_SIBLINGS = 200;
const MAX_SIBLING_BYTES = 1024 * 1024;

export class Siblings implements vscode.Disposable {
  private readonly folders = new Map<string, { index: PackageIndex; loaded?: Promise<void> }>();
  private readonly watcher: vscode.FileSystemWatcher;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires with a folder whose files changed on disk, so open documents there are reviewed again. */
  readonly onDidChangeFolder = this.changed.event;

  constructor(private readonly go: () => Promise<GoLanguage>) {
    this.watcher = vscode.workspace.createFileSystemWatcher('**/*.go');
    this.watcher.onDidChange((u) => this.refresh(u));
    this.watcher.onDidCreate((u) => this.refresh(u));
    this.watcher.onDidDelete((u) => {
      this.folder(u)?.index.remove(u.path);
      this.changed.fire(dirOf(u));
    });
  }

  /** The index of the document's folder, with every sibling's current text loaded. */
  async indexFor(doc: vscode.TextDocument | vscode.Uri): Promise<PackageIndex | undefined> {
    const uri = doc instanceof vscode.Uri ? doc : doc.uri;
    if (uri.scheme === 'untitled') return undefined;
    const dir = dirOf(uri);
    let entry = this.folders.get(dir.toString());
    if (!entry) {
      entry = { index: new PackageIndex(await this.go()) };
      this.folders.set(dir.toString(), entry);
      const e = entry;
      e.loaded = this.load(dir, e.index).catch(() => undefined);
    }
    await entry.loaded;
    // Open editors win over disk, and their latest text is always current.
    for (const other of vscode.workspace.textDocuments) {
      if (other.languageId === 'go' && other.uri.toString() !== uri.toString() && dirOf(other.uri).toString() === dir.toString()) entry.index.setText(other.uri.path, other.getText());
    }
    return entry.index;
  }

  private async load(dir: vscode.Uri, index: PackageIndex): Promise<void> {
    const entries = await vscode.workspace.fs.readDirectory(dir);
    const goFiles = entries.filter(([name, type]) => type === vscode.FileType.File && name.endsWith('.go')).slice(0, MAX_SIBLINGS);
    await Promise.all(goFiles.map(([name]) => this.read(vscode.Uri.joinPath(dir, name), index)));
  }

  private async read(uri: vscode.Uri, index: PackageIndex): Promise<void> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) {
      index.setText(uri.path, open.getText());
      return;
    }
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      if (bytes.byteLength <= MAX_SIBLING_BYTES) index.setText(uri.path, new TextDecoder().decode(bytes));
    } catch {
      index.remove(uri.path);
    }
  }

  private refresh(uri: vscode.Uri): void {
    const entry = this.folder(uri);
    if (!entry) return;
    this.read(uri, entry.index).then(() => this.changed.fire(dirOf(uri)), () => undefined);
  }

  private folder(uri: vscode.Uri) {
    return this.folders.get(dirOf(uri).toString());
  }

  /** Forgets folders with no open Go document, so their summaries can be collected. */
  prune(): void {
    const open = new Set(vscode.workspace.textDocuments.filter((d) => d.languageId === 'go').map((d) => dirOf(d.uri).toString()));
    for (const key of this.folders.keys()) if (!open.has(key)) this.folders.delete(key);
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
    this.folders.clear();
  }
}

export function dirOf(uri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(uri, '..');
}
