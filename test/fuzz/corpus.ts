/** Inputs for the fuzzer: our fixtures and examples, saved regressions, and standard-library files when Go is installed. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, TESTDATA } from '../helpers';

export const REGRESSIONS = join(ROOT, 'test', 'fuzz', 'regressions');
export const GOROOT_SRC = '/usr/lib/go/src';

/** Our fixtures and examples, plus small standard-library files when Go is installed. */
export function fuzzCorpus(maxStdlibFiles: number, maxBytes = 6000, packages: readonly string[] | 'all' = ['sync', 'context', 'net/http', 'os/exec', 'time', 'io']): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const add = (dir: string, depth = 0) => {
    if (!existsSync(dir) || depth > 6) return;
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) add(p, depth + 1);
      else if ((name.endsWith('.go') || name.endsWith('.txt')) && st.size <= maxBytes) out.push({ name: p.slice(ROOT.length + 1), text: readFileSync(p, 'utf8') });
    }
  };
  add(TESTDATA);
  add(join(ROOT, 'examples'));
  add(REGRESSIONS);
  let taken = 0;
  const dirs = packages === 'all' ? allDirs(GOROOT_SRC) : packages.map((p) => join(GOROOT_SRC, p));
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (taken < maxStdlibFiles && name.endsWith('.go') && statSync(p).size <= maxBytes) {
        out.push({ name: p, text: readFileSync(p, 'utf8') });
        taken++;
      }
    }
  }
  return out;
}

function allDirs(root: string): string[] {
  const out: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    if (!existsSync(dir)) continue;
    out.push(dir);
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (name !== 'testdata' && statSync(p).isDirectory()) stack.push(p);
    }
  }
  return out.sort();
}
