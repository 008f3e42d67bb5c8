/** Shared by the cli*.test.ts files: run goconc in-process and build throwaway Go trees. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run, type Io } from '../../src/cli/run';

export const WG_RULE = 'waitgroup-add-in-goroutine';

/** A WaitGroup bug with one safe fix (moving wg.Add before the go statement). */
export const BUG = `package p

import "sync"

func f() {
	var wg sync.WaitGroup
	go func() {
		wg.Add(1)
		defer wg.Done()
	}()
	wg.Wait()
}
`;

export const BUG_FIXED = `package p

import "sync"

func f() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
	}()
	wg.Wait()
}
`;

export const BUG_MESSAGE = '`wg.Add(1)` runs inside the goroutine started at line 7, so `wg.Wait()` can return before it is counted';

export const CLEAN = 'package p\n\nfunc g() {}\n';

export interface Result {
  code: number;
  out: string;
  err: string;
}

/** A cache folder for runs that do not name one, so no test touches the user's cache. */
const FALLBACK_CACHE = mkdtempSync(join(tmpdir(), 'goconc-cache-'));
process.on('exit', () => rmSync(FALLBACK_CACHE, { recursive: true, force: true }));

/** Runs goconc in this process with captured streams; `io` overrides cwd, env and TTY flags. */
export async function goconc(argv: string[], io: Partial<Io> = {}): Promise<Result> {
  let out = '';
  let err = '';
  const code = await run(argv, { out: (t) => (out += t), err: (t) => (err += t), env: { XDG_CACHE_HOME: FALLBACK_CACHE }, ...io });
  return { code, out, err };
}

/** A temporary folder with the given files (paths with `/`); removed by the returned function. */
export function tree(files: Record<string, string>): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'goconc-cli-'));
  for (const [rel, text] of Object.entries(files)) {
    const p = join(dir, ...rel.split('/'));
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
