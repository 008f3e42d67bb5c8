/**
 * The editor path of one source tree, for `npm run bench:compare` (scripts/bench-compare.mjs),
 * which bundles this file once against the working tree and once against another revision and
 * loads both into one process: the machine's speed drifts by up to half over minutes, so two
 * builds are compared edit by edit, alternating, not run after run. Each edit is what
 * `editorPath` (bench/harness.ts) times: the protocol's change, the incremental re-parse, the
 * review with the document's package index, and the findings as protocol diagnostics; then,
 * untimed, the young-generation collection the server makes while idle.
 */
import { analyzeAll, corpus, generateGo, init } from './harness';
import { PackageIndex } from '../src/core/model/package';
import { OpenDocument } from '../src/server/document';
import { findingDiagnostic } from '../src/server/server';
import { collectYoungGeneration } from '../src/server/idleGc';

export { generateGo };

/**
 * The packages of `corpus(paths)`, each analysed whole on demand (parse, copy, facts, summaries
 * and every rule, as `npm run bench` times it): for `--analysis`, where each build runs in its own
 * process, so that one build's heap and collections do not land in the other's time.
 */
export async function analyser(paths: readonly string[]): Promise<{ count: number; analyse(i: number): number }> {
  const g = await init();
  const packages = corpus(paths);
  return { count: packages.length, analyse: (i) => analyzeAll(g, [packages[i]]).ms };
}

export interface Editor {
  text(): string;
  /** Types `x` at `at` (or deletes the character there) and reviews: milliseconds. */
  edit(at: number, remove: boolean): number;
}

/** Opens `text` as a document, after a whole-package analysis of `warm` (folders) when given. */
export async function open(text: string, warm: readonly string[] = []): Promise<Editor> {
  const g = await init();
  if (warm.length > 0) analyzeAll(g, corpus(warm));
  const uri = 'file:///bench/compare.go';
  const doc = new OpenDocument(uri, 'go', 1, text, 'compare.go');
  const options = { fileName: 'compare.go', timeBudgetMs: 600_000, package: new PackageIndex(g) };
  doc.keep(1, doc.review(g, options));
  let version = 1;
  return {
    text: () => doc.text,
    edit(at, remove) {
      const start = doc.doc.positionAt(at);
      const change = remove ? { range: { start, end: doc.doc.positionAt(at + 1) }, text: '' } : { range: { start, end: start }, text: 'x' };
      const t = performance.now();
      doc.applyChanges([change], ++version);
      const result = doc.review(g, options, version);
      doc.keep(version, result);
      result.findings.map((f) => findingDiagnostic(uri, f, (id) => id));
      const ms = performance.now() - t;
      // As editorPath: the server collects the young generation while idle, untimed.
      collectYoungGeneration();
      return ms;
    },
  };
}
