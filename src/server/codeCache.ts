/**
 * V8's code cache for the desktop language server's bundle and the desktop extension's (issue
 * 13: first findings after the first Go file opens).
 *
 * Node 20 compiles a script from its source at every start: for the server's 1.4 MB bundle that
 * is 45 ms of an idle machine's 230 ms to the first findings, before any of the server's code
 * runs, and the functions the first review calls are compiled again as it calls them. V8 can
 * instead start from the bytecode of an earlier run (`vm.Script` with `cachedData`). So the
 * server's entry, dist/server.js, is a small loader: it compiles dist/server-main.js with the
 * cache this user's earlier server left, runs it as Node runs a CommonJS module, and once the
 * first review is published and the server is idle, writes the bytecode compiled so far (the
 * functions of the start and of a review included) for the next start. The extension's entry,
 * dist/extension.js (editor/nodeLoader.ts), loads dist/extension-main.js the same way, and the
 * extension writes its cache after its first findings have come.
 *
 * The cache is keyed by the bundle's content, the Node version and the architecture; V8 also
 * checks its own flags and rejects a cache made under others, which is then written again. It
 * lives in the user's cache folder (the CLI's, cli/cache.ts), never in a shared temporary one:
 * bytecode is code. Anything that goes wrong with the cache (a folder that cannot be written, a
 * damaged file) leaves the server loading as Node would, without it. `GOCONC_CODE_CACHE=0` turns
 * it off.
 */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module = require('node:module');
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { defaultCacheDir } from '../cli/cache';

/** What became of the cache at this start: `off` when disabled or no folder is known. */
export type CodeCacheState = 'used' | 'absent' | 'rejected' | 'off';

/** What the loader tells the bundle it loaded (through a global both bundles know). */
export interface CodeCache {
  readonly state: CodeCacheState;
  /** Milliseconds to read and compile the bundle. */
  readonly compileMs: number;
  /** Writes the bytecode compiled so far, once, unless the cache was used as it was. */
  save(): void;
}

const HANDLE = Symbol.for('goconc.codeCache');

/** The loader's report to the bundle it runs; undefined when the bundle was loaded otherwise. */
export function loadedCodeCache(): CodeCache | undefined {
  return (globalThis as { [HANDLE]?: CodeCache })[HANDLE];
}

/** For the server's start-up line: `code cache used, bundle compiled in 35 ms`, or `no code cache`. */
export function describeCodeCache(cache: CodeCache): string {
  return cache.state === 'off' ? 'no code cache' : `code cache ${cache.state}, bundle compiled in ${Math.round(cache.compileMs)} ms`;
}

/** The cache file of the script `bytes` for this runtime: `<name>-<node version>-<arch>-<content hash>.v8`. */
export function cacheFileName(name: string, bytes: Uint8Array, version: string = process.version, arch: string = process.arch): string {
  const hash = createHash('sha1').update(bytes).digest('hex').slice(0, 16);
  return `${name}-${version}-${arch}-${hash}.v8`;
}

/** Where the caches live: the CLI's cache folder, or undefined when `GOCONC_CODE_CACHE=0` turns them off. */
export function codeCacheDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.GOCONC_CODE_CACHE === '0' ? undefined : defaultCacheDir(env);
}

export interface LoadOptions {
  /** The cache file's first part (`server`). */
  name: string;
  /** Where caches live; undefined turns the cache off. */
  directory: string | undefined;
}

/**
 * Runs the CommonJS bundle `file` as `require` would, compiled with its code cache when there is
 * one, and returns its exports. Only the cache's own steps fall back to `require`: an error the
 * bundle throws is its own.
 */
export function runWithCodeCache(file: string, options: LoadOptions): unknown {
  const started = performance.now();
  const prepared = options.directory === undefined ? undefined : prepare(file, options.name, options.directory);
  if (!prepared) {
    publish({ state: 'off', compileMs: performance.now() - started, save: () => undefined });
    return Module.createRequire(file)(file);
  }
  const { script, cacheFile, state } = prepared;
  let saved = state === 'used';
  publish({
    state,
    compileMs: performance.now() - started,
    save: () => {
      if (saved) return;
      saved = true;
      writeCache(cacheFile, script.createCachedData());
    },
  });
  const module = new Module(file, undefined);
  module.filename = file;
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, Module.createRequire(file), module, file, dirname(file));
  module.loaded = true;
  return module.exports;
}

function publish(cache: CodeCache): void {
  (globalThis as { [HANDLE]?: CodeCache })[HANDLE] = cache;
}

function prepare(file: string, name: string, directory: string): { script: Script; cacheFile: string; state: CodeCacheState } | undefined {
  try {
    const bytes = readFileSync(file);
    // The bundle is ASCII (esbuild escapes the rest): read as such, it skips UTF-8's decoder (7 to 10 ms).
    const source = typeof isAscii === 'function' && isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
    const cacheFile = join(directory, cacheFileName(name, bytes));
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined; // none yet
    }
    const script = new Script(Module.wrap(source), { filename: file, cachedData });
    const state: CodeCacheState = cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'used';
    return { script, cacheFile, state };
  } catch {
    return undefined;
  }
}

/** Caches of other runtimes (another VS Code's Node) untouched this long are removed when one is written. */
const STALE_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Writes `data` to `cacheFile` whole (through a file of its own, renamed: two servers may start
 * at once), removes the caches of other builds for the same runtime, and those of other runtimes
 * untouched for 30 days. Failures are ignored: the next start compiles from the source.
 */
export function writeCache(cacheFile: string, data: Buffer, now = Date.now()): void {
  const directory = dirname(cacheFile);
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    mkdirSync(directory, { recursive: true });
    writeFileSync(temporary, data);
    renameSync(temporary, cacheFile);
    const mine = basename(cacheFile);
    const sameName = mine.slice(0, mine.indexOf('-') + 1);
    const sameRuntime = mine.slice(0, mine.lastIndexOf('-') + 1);
    for (const other of readdirSync(directory)) {
      if (other === mine || !other.startsWith(sameName) || !other.endsWith('.v8')) continue;
      const path = join(directory, other);
      if (other.startsWith(sameRuntime) || now - statSync(path).mtimeMs > STALE_MS) rmSync(path, { force: true });
    }
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // left for the next write's rename
    }
  }
}
