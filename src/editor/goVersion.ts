/** The `go` directive of the go.mod nearest to a document, read through the VS Code file system (works on vscode.dev too). */
import * as vscode from 'vscode';

export class GoVersionLookup implements vscode.Disposable {
  private readonly byDir = new Map<string, Promise<string | undefined>>();
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

  forDocument(uri: vscode.Uri): Promise<string | undefined> {
    if (uri.scheme === 'untitled') return Promise.resolve(undefined);
    return this.forDir(vscode.Uri.joinPath(uri, '..'), 0);
  }

  private forDir(dir: vscode.Uri, depth: number): Promise<string | undefined> {
    const key = dir.toString();
    let found = this.byDir.get(key);
    if (!found) {
      found = (async () => {
        try {
          const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, 'go.mod'));
          return /^go\s+(\d+\.\d+)/m.exec(new TextDecoder().decode(bytes))?.[1];
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
