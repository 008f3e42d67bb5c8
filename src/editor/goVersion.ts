/** The go.mod nearest to a document (its `go` directive and its folder), read through the VS Code file system (works on vscode.dev too). */
import * as vscode from 'vscode';
import { goDirective, joinImportPath, modulePath } from '../core/text/gomod';

export interface GoModule {
  /** The `go` directive: "1.22". */
  version?: string;
  /** The folder that holds the go.mod. */
  dir: vscode.Uri;
  /** The module path of its `module` line. */
  path: string;
}

export class GoVersionLookup implements vscode.Disposable {
  private readonly byDir = new Map<string, Promise<GoModule | undefined>>();
  private readonly watcher: vscode.FileSystemWatcher;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a go.mod changes, so open documents are reviewed again. */
  readonly onDidChange = this.changed.event;

  constructor() {
    this.watcher = vscode.workspace.createFileSystemWatcher('**/go.mod');
    const reset = () => {
      this.byDir.clear();
      this.changed.fire();
    };
    this.watcher.onDidChange(reset);
    this.watcher.onDidCreate(reset);
    this.watcher.onDidDelete(reset);
  }

  async forDocument(uri: vscode.Uri): Promise<string | undefined> {
    return (await this.moduleOf(uri))?.version;
  }

  /** The module a document belongs to, when a go.mod above it is found. */
  moduleOf(uri: vscode.Uri): Promise<GoModule | undefined> {
    if (uri.scheme === 'untitled') return Promise.resolve(undefined);
    return this.forDir(vscode.Uri.joinPath(uri, '..'), 0);
  }

  /** The import path of the document's package: its module's path and the folder in the module. */
  async importPathOf(uri: vscode.Uri): Promise<string | undefined> {
    const mod = await this.moduleOf(uri);
    const dir = vscode.Uri.joinPath(uri, '..').path;
    if (!mod || !dir.startsWith(mod.dir.path)) return undefined;
    return joinImportPath(mod.path, dir.slice(mod.dir.path.length));
  }

  private forDir(dir: vscode.Uri, depth: number): Promise<GoModule | undefined> {
    const key = dir.toString();
    let found = this.byDir.get(key);
    if (!found) {
      found = (async () => {
        try {
          const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, 'go.mod'));
          const text = new TextDecoder().decode(bytes);
          return { version: goDirective(text), dir, path: modulePath(text) };
        } catch {
          const parent = vscode.Uri.joinPath(dir, '..');
          if (parent.path === dir.path || depth > 32) return undefined;
          return this.forDir(parent, depth + 1);
        }
      })();
      this.byDir.set(key, found);
    }
    return found;
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}
