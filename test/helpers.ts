/** Shared test helpers: the Go grammar loaded from node_modules, gofmt, repo paths. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GoFile, loadGo, type GoLanguage, type Node, type WasmFile } from '../src/core/syntax/parser';

/** The repository root (tests run from a compiled copy somewhere under out/). */
export const ROOT = findRoot(__dirname);

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src', 'core'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no repository root above ${from}`);
  }
}
export const TESTDATA = join(ROOT, 'test', 'testdata');

const WASM_PATHS: Record<WasmFile, string> = {
  'web-tree-sitter.wasm': join(ROOT, 'node_modules', 'web-tree-sitter', 'web-tree-sitter.wasm'),
  'tree-sitter-go.wasm': join(ROOT, 'node_modules', 'tree-sitter-go', 'tree-sitter-go.wasm'),
};

export function loadGoForTests(): Promise<GoLanguage> {
  return loadGo(async (file) => readFileSync(WASM_PATHS[file]));
}

let gofmtPath: string | null | undefined;

/** Path of gofmt, or null when Go is not installed. In CI (CI=true) a missing gofmt is an error. */
export function gofmt(): string | null {
  if (gofmtPath === undefined) {
    const found = spawnSync('gofmt', ['-l'], { input: '' });
    gofmtPath = found.error ? null : 'gofmt';
    if (gofmtPath === null && process.env.CI) throw new Error('gofmt is required in CI (Debian package golang-go)');
  }
  return gofmtPath;
}

/** gofmt's verdict on a source text: undefined when it is clean, else the reason. */
export function gofmtProblem(text: string): string | undefined {
  const bin = gofmt();
  if (!bin) return undefined;
  const res = spawnSync(bin, [], { input: text, encoding: 'utf8' });
  if (res.status !== 0) return `gofmt failed: ${res.stderr.trim()}`;
  if (res.stdout !== text) return `not gofmt-clean; gofmt would write:\n${res.stdout}`;
  return undefined;
}

/** Parses `text` and passes its syntax tree to `f`; the tree is freed afterwards. */
export function withSyntax<T>(go: GoLanguage, text: string, f: (root: Node) => T): T {
  const file = new GoFile(go, text);
  try {
    return f(file.root!);
  } finally {
    file.dispose();
  }
}

/** The ERROR and MISSING nodes of a tree, anonymous ones included. */
export function errorNodes(root: Node): Node[] {
  const out: Node[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.isError || n.isMissing) out.push(n);
    stack.push(...n.children);
  }
  return out;
}
