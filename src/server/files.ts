/**
 * What the server knows of files beyond the open documents: the folders' Go files (a package
 * index per folder, for the package-aware rules) and the go.mod above each document (its Go
 * version and module path). Read through the host's FileSystem: the editor's file system in
 * VS Code (desktop, remote, vscode.dev), the disk in `goconc lsp`.
 */
import { PackageIndex } from '../core/model/package';
import type { GoLanguage } from '../core/syntax/parser';
import { isPackageFileName } from '../core/text/gofiles';
import { goDirective, joinImportPath, modulePath } from '../core/text/gomod';
import type { DirectoryEntry } from './protocol';

export interface FileSystem {
  /** The file's text; undefined when it cannot be read or is larger than maxBytes. */
  readFile(uri: string, maxBytes: number): Promise<string | undefined>;
  /** The folder's entries; empty when it cannot be read. */
  readDirectory(uri: string): Promise<DirectoryEntry[]>;
}

const MAX_SIBLINGS = 200;
const MAX_SIBLING_BYTES = 1024 * 1024;
const MAX_MODULE_DEPTH = 32;

/** `scheme://authority` and the path of a URI (`file:///a/b.go` -> `file://`, `/a/b.go`, still encoded). */
function split(uri: string): { prefix: string; path: string } {
  const m = /^([a-zA-Z][\w+.-]*:(?:\/\/[^/]*)?)(.*)$/.exec(uri);
  return m ? { prefix: m[1], path: m[2] } : { prefix: '', path: uri };
}

/** The decoded path of a URI: the file name the analysis uses (`file:///a/b%20c.go` -> `/a/b c.go`). */
export function pathOf(uri: string): string {
  const { path } = split(uri);
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The URI of a document's folder (`file:///a/b.go` -> `file:///a`). */
export function dirOf(uri: string): string {
  const { prefix, path } = split(uri);
  const i = path.lastIndexOf('/');
  return prefix + (i <= 0 ? '/' : path.slice(0, i));
}

/** The decoded file name of a URI (`file:///a/b%20c.go` -> `b c.go`). */
export function baseOf(uri: string): string {
  const path = pathOf(uri);
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A child of a folder URI. */
export function childOf(dir: string, name: string): string {
  return (dir.endsWith('/') ? dir : dir + '/') + encodeURIComponent(name);
}

export interface GoModule {
  version?: string;
  /** The folder's decoded path. */
  dir: string;
  path: string;
}

/** The go.mod above each folder, read once until a go.mod changes. */
export class Modules {
  private readonly byDir = new Map<string, Promise<GoModule | undefined>>();

  constructor(private readonly fs: FileSystem) {}

  moduleOf(uri: string): Promise<GoModule | undefined> {
    if (uri.startsWith('untitled:')) return Promise.resolve(undefined);
    return this.forDir(dirOf(uri), 0);
  }

  /** The import path of a document's package: its module's path and the folder within it. */
  async importPathOf(uri: string): Promise<string | undefined> {
    const mod = await this.moduleOf(uri);
    const dir = pathOf(dirOf(uri));
    if (!mod || !dir.startsWith(mod.dir)) return undefined;
    return joinImportPath(mod.path, dir.slice(mod.dir.length));
  }

  clear(): void {
    this.byDir.clear();
  }

  private forDir(dir: string, depth: number): Promise<GoModule | undefined> {
    let found = this.byDir.get(dir);
    if (!found) {
      found = (async () => {
        const text = await this.fs.readFile(childOf(dir, 'go.mod'), MAX_SIBLING_BYTES).catch(() => undefined);
        if (text !== undefined) return { version: goDirective(text), dir: pathOf(dir), path: modulePath(text) };
        const parent = dirOf(dir);
        if (parent === dir || depth >= MAX_MODULE_DEPTH) return undefined;
        return this.forDir(parent, depth + 1);
      })();
      this.byDir.set(dir, found);
    }
    return found;
  }
}

/** One PackageIndex per folder with an open Go document: the folder's files, open texts over them. */
export class Packages {
  private readonly folders = new Map<string, { index: PackageIndex; loaded: Promise<void> }>();

  constructor(
    private readonly fs: FileSystem,
    private readonly go: () => Promise<GoLanguage>,
  ) {}

  /**
   * The index of the document's folder with every file loaded, and the other open documents of
   * the folder (`open`: uri -> text) over what is on disk.
   */
  async indexFor(uri: string, open: ReadonlyMap<string, string>): Promise<PackageIndex | undefined> {
    if (uri.startsWith('untitled:')) return undefined;
    const dir = dirOf(uri);
    let entry = this.folders.get(dir);
    if (!entry) {
      const index = new PackageIndex(await this.go());
      const created = this.folders.get(dir); // another review created it while the parser loaded
      entry = created ?? { index, loaded: this.load(dir, index, open) };
      if (!created) this.folders.set(dir, entry);
    }
    await entry.loaded;
    for (const [other, text] of open) {
      if (other !== uri && dirOf(other) === dir && isPackageFileName(baseOf(other))) entry.index.setText(pathOf(other), text);
    }
    return entry.index;
  }

  /** A Go file changed, appeared or went away on disk: true when a folder the server keeps has it. */
  async fileChanged(uri: string, deleted: boolean, open: ReadonlyMap<string, string>): Promise<boolean> {
    const entry = this.folders.get(dirOf(uri));
    if (!entry || !isPackageFileName(baseOf(uri))) return false;
    if (deleted) entry.index.remove(pathOf(uri));
    else await this.read(uri, entry.index, open);
    return true;
  }

  /** Forgets folders without an open document, so their summaries can be collected. */
  prune(open: Iterable<string>): void {
    const keep = new Set([...open].map(dirOf));
    for (const dir of this.folders.keys()) if (!keep.has(dir)) this.folders.delete(dir);
  }

  private async load(dir: string, index: PackageIndex, open: ReadonlyMap<string, string>): Promise<void> {
    const entries = await this.fs.readDirectory(dir).catch(() => []);
    const files = entries.filter((e) => e.isFile && isPackageFileName(e.name)).slice(0, MAX_SIBLINGS);
    await Promise.all(files.map((e) => this.read(childOf(dir, e.name), index, open)));
  }

  private async read(uri: string, index: PackageIndex, open: ReadonlyMap<string, string>): Promise<void> {
    const path = pathOf(uri);
    const openText = [...open].find(([u]) => pathOf(u) === path)?.[1];
    if (openText !== undefined) {
      index.setText(path, openText);
      return;
    }
    const text = await this.fs.readFile(uri, MAX_SIBLING_BYTES).catch(() => undefined);
    if (text === undefined) index.remove(path);
    else index.setText(path, text);
  }
}
