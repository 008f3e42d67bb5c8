/** What goconc knows about itself: version, home page, and a hash of the engine for the cache. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { WasmFile } from '../core/syntax/parser';
import { RULES } from '../core/rules';

interface PackageJson {
  name?: string;
  version?: string;
  publisher?: string;
  homepage?: string;
  repository?: string | { url?: string };
}

/** The folders from this file's folder up to the file system's root. */
function ancestors(): string[] {
  const out: string[] = [];
  for (let d = __dirname; ; d = dirname(d)) {
    out.push(d);
    if (dirname(d) === d) return out;
  }
}

/**
 * package.json next to the bundle's folder (dist/..), beside the bundle in the `goconc` npm
 * package, or, from compiled sources, the repository root above.
 */
function readPackageJson(): PackageJson {
  for (const d of ancestors()) {
    try {
      const pkg = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as PackageJson;
      if (pkg.name === 'go-concurrency-review' || pkg.name === 'goconc') return pkg;
    } catch {
      // not here: look further up
    }
  }
  return {};
}

const PKG = readPackageJson();

export const VERSION: string = PKG.version ?? '0.1.0';

function repositoryUrl(): string | undefined {
  const r = typeof PKG.repository === 'string' ? PKG.repository : PKG.repository?.url;
  if (!r) return undefined;
  return r.replace(/^git\+/, '').replace(/\.git$/, '').replace(/^github:/, 'https://github.com/');
}

const REPOSITORY = repositoryUrl();

/**
 * The tool's home page (SARIF `informationUri`): package.json's homepage or repository when it
 * has one, else the extension's Marketplace page (publisher.name).
 */
export const HOMEPAGE: string =
  PKG.homepage ??
  REPOSITORY ??
  `https://marketplace.visualstudio.com/items?itemName=${PKG.publisher ?? 'goconc'}.${PKG.name ?? 'go-concurrency-review'}`;

/** Where a rule's documentation lives (SARIF `helpUri`). */
export function ruleHelpUri(ruleId: string): string {
  const base = REPOSITORY ? `${REPOSITORY}/blob/main/docs/rules.md` : HOMEPAGE;
  return `${base}#${ruleId}`;
}

/** Locates the WASM files next to the bundle (dist/) or, when run from compiled sources, in node_modules. */
export function wasmPath(file: WasmFile): string {
  const pkg = file === 'web-tree-sitter.wasm' ? 'web-tree-sitter' : 'tree-sitter-go';
  const beside = join(__dirname, file);
  if (existsSync(beside)) return beside;
  for (const d of ancestors()) {
    const c = join(d, 'node_modules', pkg, file);
    if (existsSync(c)) return c;
  }
  throw new Error(`cannot find ${file} (looked in ${__dirname} and in node_modules/${pkg} above it)`);
}

export async function loadWasm(file: WasmFile): Promise<Uint8Array> {
  return readFileSync(wasmPath(file));
}

let engineHashCache: string | undefined;

/**
 * A hash that changes whenever the analysis could: the code of the engine and rules (the
 * bundle itself, or every compiled file of src/core and src/cli when run from sources), the
 * Go grammar, the rule ids and the version. Cached results carry it.
 */
export function engineHash(): string {
  if (engineHashCache) return engineHashCache;
  const h = createHash('sha256');
  h.update(`goconc ${VERSION}\0${RULES.map((r) => r.id).join(',')}\0`);
  const coreDir = join(__dirname, '..', 'core');
  if (existsSync(coreDir)) {
    // Compiled sources (out/src/cli): hash the engine's and the CLI's JavaScript.
    for (const f of jsFiles(coreDir).concat(jsFiles(__dirname))) h.update(f).update(readFileSync(f));
  } else {
    h.update(readFileSync(__filename)); // the bundle holds the engine, the rules and the CLI
  }
  try {
    h.update(readFileSync(wasmPath('tree-sitter-go.wasm')));
  } catch {
    // no grammar found: loading it will fail with a clear message later
  }
  engineHashCache = h.digest('hex').slice(0, 20);
  return engineHashCache;
}

function jsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...jsFiles(p));
    else if (e.name.endsWith('.js')) out.push(p);
  }
  return out.sort();
}
