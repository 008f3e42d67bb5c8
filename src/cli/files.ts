/** Finding the Go files under the paths given on the command line, and their module's Go version. */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { IgnoreStack, parseGitignore } from './gitignore';
import { goDirective, joinImportPath, modulePath } from '../core/text/gomod';
import { isHiddenFromGo, isPackageFileName } from '../core/text/gofiles';

export { goDirective };

export interface WalkOptions {
  includeTestdata: boolean;
  /** Honour .gitignore files (default true). */
  gitignore?: boolean;
  /**
   * Called for a folder inside the tree that cannot be read; the walk goes on without it.
   * Without it, such a folder throws like a missing path.
   */
  onError?: (message: string) => void;
}

/** Thrown for a path that cannot be read; the message names the path. */
export class WalkError extends Error {}

/**
 * Go files under `paths`, sorted, each once. Folders named `vendor`, `testdata` (unless asked
 * for) and `node_modules` are skipped, and so are files and folders whose names begin with "." or
 * "_", which the go command ignores too (`_examples/`), as are the files and folders that the
 * .gitignore files of the tree (and of its parents up to the repository root) ignore. Symbolic
 * links to folders are not followed, so link loops cannot trap the walk; links to files are.
 * A file named on the command line is always taken. A path that does not exist throws.
 */
export function goFiles(paths: readonly string[], options: WalkOptions): string[] {
  const out = new Set<string>();
  const useGitignore = options.gitignore !== false;
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      throw new WalkError(ioMessage(p, e));
    }
    if (st.isFile()) {
      out.add(p);
      continue;
    }
    if (!st.isDirectory()) throw new WalkError(`${p}: not a file or folder`);
    const root = useGitignore ? ancestorIgnores(p) : IgnoreStack.EMPTY;
    const stack: { dir: string; ignores: IgnoreStack }[] = [{ dir: p, ignores: root }];
    while (stack.length > 0) {
      const { dir, ignores: parentIgnores } = stack.pop()!;
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (e) {
        if (dir === p || !options.onError) throw new WalkError(ioMessage(dir, e));
        options.onError(ioMessage(dir, e));
        continue;
      }
      let ignores = parentIgnores;
      const absDir = slashes(resolve(dir));
      if (useGitignore && entries.some((e) => e.name === '.gitignore' && !e.isDirectory())) {
        ignores = ignores.with({ dir: absDir, rules: parseGitignore(readText(join(dir, '.gitignore'))) });
      }
      const subdirs: string[] = [];
      for (const entry of entries) {
        const name = entry.name;
        if (entry.isDirectory()) {
          if (isHiddenFromGo(name) || name === 'vendor' || name === 'node_modules') continue;
          if (name === 'testdata' && !options.includeTestdata) continue;
          if (ignores.ignores(absDir + '/' + name, true)) continue;
          subdirs.push(name);
        } else if (isPackageFileName(name)) {
          const full = join(dir, name);
          if (!(entry.isFile() || (entry.isSymbolicLink() && isFile(full)))) continue;
          if (ignores.ignores(absDir + '/' + name, false)) continue;
          out.add(full);
        }
      }
      // Pushed in reverse so folders are visited in name order (the result is sorted anyway).
      subdirs.sort();
      for (let i = subdirs.length - 1; i >= 0; i--) stack.push({ dir: join(dir, subdirs[i]), ignores });
    }
  }
  return [...out].sort(comparePaths);
}

/** Orders paths by their bytes, so the order is the same on every machine and locale. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Groups sorted files by folder (a Go package), keeping the files' order within each. */
export function groupByDir(files: readonly string[]): { dir: string; files: string[] }[] {
  const byDir = new Map<string, string[]>();
  for (const f of files) {
    const d = dirname(f);
    let list = byDir.get(d);
    if (!list) byDir.set(d, (list = []));
    list.push(f);
  }
  return [...byDir].map(([dir, list]) => ({ dir, files: list }));
}

/**
 * The .gitignore files between the repository root (the nearest folder above `dir` holding
 * `.git`) and `dir`'s parent: they apply inside `dir` too. Outside a repository: none.
 */
function ancestorIgnores(dir: string): IgnoreStack {
  const abs = resolve(dir);
  if (existsSync(join(abs, '.git'))) return IgnoreStack.EMPTY; // the walk reads the root's own .gitignore
  const chain: string[] = [];
  let found = false;
  for (let d = dirname(abs); ; ) {
    chain.push(d);
    if (existsSync(join(d, '.git'))) {
      found = true;
      break;
    }
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  if (!found) return IgnoreStack.EMPTY;
  let stack = IgnoreStack.EMPTY;
  for (const a of chain.reverse()) {
    const file = join(a, '.gitignore');
    if (existsSync(file)) stack = stack.with({ dir: slashes(a), rules: parseGitignore(readText(file)) });
  }
  return stack;
}

function slashes(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** "path: reason" from a Node fs error, without Node's "ENOENT: ... 'path'" repetition. */
export function ioMessage(path: string, e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const reason =
    err.code === 'ENOENT'
      ? 'no such file or directory'
      : err.code === 'EACCES' || err.code === 'EPERM'
        ? 'permission denied'
        : err.code === 'EISDIR'
          ? 'is a folder'
          : (err.message ?? String(e)).replace(/^[A-Z]+: /, '');
  return `${path}: ${reason}`;
}


interface GoMod {
  dir: string;
  version?: string;
  path: string;
}

/** Looks up the nearest go.mod above each file, caching per directory. */
export class GoVersions {
  private readonly byDir = new Map<string, GoMod | undefined>();

  /** The `go` directive of the file's module. */
  forFile(file: string): string | undefined {
    return this.moduleOf(file)?.version;
  }

  /** The import path of the file's package: the module path of its go.mod and the folder in the module. */
  importPath(file: string): string | undefined {
    const mod = this.moduleOf(file);
    if (!mod) return undefined;
    return joinImportPath(mod.path, relative(mod.dir, folderOf(file)).split(sep).join('/'));
  }

  /** The module the file belongs to: its path (the go.mod `module` line) and folder. */
  module(file: string): { path: string; dir: string } | undefined {
    const m = this.moduleOf(file);
    return m ? { path: m.path, dir: m.dir } : undefined;
  }

  private moduleOf(file: string): GoMod | undefined {
    return this.forDir(folderOf(file));
  }

  private forDir(dir: string): GoMod | undefined {
    if (this.byDir.has(dir)) return this.byDir.get(dir);
    const mod = join(dir, 'go.mod');
    let found: GoMod | undefined;
    if (existsSync(mod)) {
      const text = readText(mod);
      found = { dir, version: goDirective(text), path: modulePath(text) };
    }
    else {
      const parent = dirname(dir);
      found = parent !== dir ? this.forDir(parent) : undefined;
    }
    this.byDir.set(dir, found);
    return found;
  }
}

function folderOf(file: string): string {
  try {
    return dirname(realpathSync(file));
  } catch {
    return dirname(resolve(file));
  }
}
