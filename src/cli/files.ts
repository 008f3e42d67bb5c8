/** Finding the Go files under the paths given on the command line, and their module's Go version. */
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface WalkOptions {
  includeTestdata: boolean;
}

/**
 * Go files under `paths`, sorted, each once. Directories named `vendor` or `testdata` and dot
 * directories are skipped (as the go command does); symbolic links to directories are not
 * followed, so link loops cannot trap the walk. A path that does not exist throws.
 */
export function goFiles(paths: readonly string[], options: WalkOptions): string[] {
  const out = new Set<string>();
  for (const p of paths) {
    const st = statSync(p); // throws ENOENT with the path in the message
    if (st.isFile()) {
      out.add(p);
      continue;
    }
    const stack = [p];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      for (const name of readdirSync(dir).sort()) {
        const full = join(dir, name);
        const lst = lstatSync(full);
        if (lst.isDirectory()) {
          if (name.startsWith('.') || name === 'vendor' || name === 'node_modules') continue;
          if (name === 'testdata' && !options.includeTestdata) continue;
          stack.push(full);
        } else if (name.endsWith('.go') && (lst.isFile() || (lst.isSymbolicLink() && isFile(full)))) {
          out.add(full);
        }
      }
    }
  }
  return [...out].sort();
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The `go` directive of a go.mod text: `go 1.22.3` -> "1.22". */
export function goDirective(goMod: string): string | undefined {
  const m = /^go\s+(\d+\.\d+)/m.exec(goMod);
  return m?.[1];
}

/** Looks up the nearest go.mod above each file, caching per directory. */
export class GoVersions {
  private readonly byDir = new Map<string, string | undefined>();

  forFile(file: string): string | undefined {
    let dir: string;
    try {
      dir = dirname(realpathSync(file));
    } catch {
      dir = dirname(file);
    }
    return this.forDir(dir);
  }

  private forDir(dir: string): string | undefined {
    if (this.byDir.has(dir)) return this.byDir.get(dir);
    const mod = join(dir, 'go.mod');
    let version: string | undefined;
    if (existsSync(mod)) version = goDirective(readFileSync(mod, 'utf8'));
    else {
      const parent = dirname(dir);
      version = parent !== dir ? this.forDir(parent) : undefined;
    }
    this.byDir.set(dir, version);
    return version;
  }
}
