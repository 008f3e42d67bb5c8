/**
 * The result cache: analysis results keyed on a hash of the options and of the names and bytes
 * of the package's files (see packageKeys), in one JSON file per engine version (see engineHash) under the user's cache
 * folder. A re-scan of an unchanged tree only reads and hashes the files.
 *
 * The file is replaced atomically (write, then rename), so two goconc runs at once cannot
 * corrupt it; the last one to finish wins. Entries unused for 30 days are dropped when the file
 * is written, and so are other engine versions' files untouched for 7 days.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import type { EngineOptions, FileResult } from './engine';

const FORMAT = 1;
const DAY_MS = 24 * 60 * 60 * 1000;
const KEEP_DAYS = 30;
const MAX_ENTRIES = 200_000;

/** `$XDG_CACHE_HOME/goconc`, else `~/.cache/goconc`. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'goconc');
  return join(env.HOME || homedir(), '.cache', 'goconc');
}

/** The part of the key that does not depend on the texts: the options, the Go version and the package's folder in its module. */
export function optionsKey(options: EngineOptions, goVersion: string | undefined, importPath?: string): string {
  return JSON.stringify([options.rules, options.maxBytes, options.includeGenerated, options.timeBudgetMs, goVersion ?? '', importPath ?? null]);
}

/** sha256 of a file's bytes. */
export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64url');
}

/**
 * The cache keys of a package's files. Rules see the whole package, so a file's result depends
 * on its siblings: every key covers the options and the names and content hashes of all the
 * package's files, and one changed file re-analyses its package.
 */
export function packageKeys(optKey: string, files: readonly { path: string; hash: string }[]): string[] {
  const h = createHash('sha256').update(optKey);
  for (const f of files) h.update('\0').update(basename(f.path)).update('\0').update(f.hash);
  const pkg = h.digest('base64url');
  return files.map((f) => `${pkg}:${basename(f.path)}`);
}

interface Entry {
  /** Day (since 1970) the entry was last used. */
  u: number;
  r: FileResult;
}

interface CacheFile {
  format: number;
  engine: string;
  entries: Record<string, Entry>;
}

export class ResultCache {
  hits = 0;
  misses = 0;
  private readonly entries: Map<string, Entry>;
  private dirty = false;
  private readonly today = Math.floor(Date.now() / DAY_MS);
  readonly file: string;

  constructor(
    readonly dir: string,
    readonly engine: string,
  ) {
    this.file = join(dir, `results-${engine}.json`);
    this.entries = new Map();
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as CacheFile;
      if (data.format === FORMAT && data.engine === engine) {
        for (const [k, v] of Object.entries(data.entries)) this.entries.set(k, v);
      }
    } catch {
      // no cache yet, or an unreadable one: start empty
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): FileResult | undefined {
    const e = this.entries.get(key);
    if (!e) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    if (e.u !== this.today) {
      e.u = this.today;
      this.dirty = true;
    }
    return e.r;
  }

  /** Stores a result; incomplete results (a time budget ran out) are not worth keeping. */
  set(key: string, result: FileResult): void {
    if (result.incomplete || result.skipped === 'unreadable' || result.skipped === 'parse-timeout') return;
    this.entries.set(key, { u: this.today, r: result });
    this.dirty = true;
  }

  /** Writes the cache when something changed. Throws on I/O errors (the caller warns). */
  save(): void {
    if (!this.dirty) return;
    mkdirSync(this.dir, { recursive: true });
    let kept = [...this.entries].filter(([, e]) => e.u >= this.today - KEEP_DAYS);
    if (kept.length > MAX_ENTRIES) kept = kept.sort((a, b) => b[1].u - a[1].u).slice(0, MAX_ENTRIES);
    const data: CacheFile = { format: FORMAT, engine: this.engine, entries: Object.fromEntries(kept) };
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, JSON.stringify(data));
    renameSync(tmp, this.file);
    this.dirty = false;
    this.pruneOtherEngines();
  }

  private pruneOtherEngines(): void {
    const now = Date.now();
    for (const name of readdirSync(this.dir)) {
      if (!/^results-[\w-]+\.json(\.\d+\.\d+\.tmp)?$/.test(name) || name === basename(this.file)) continue;
      const p = join(this.dir, name);
      try {
        const age = now - statSync(p).mtimeMs;
        if (age > 7 * DAY_MS || (name.endsWith('.tmp') && age > DAY_MS)) unlinkSync(p);
      } catch {
        // another run removed it
      }
    }
  }
}
