/**
 * Suppression comments:
 *
 *     //goconc:ignore <rule-id>[,<rule-id>...] <reason>
 *
 * at the end of a line silences that line; on a line of its own it silences the next line; in
 * the doc comment of a function it silences the whole function. A reason is required, and a
 * suppression that silences nothing is reported, so stale ones do not pile up.
 */
import type { FileFacts } from '../model/facts';
import type { Node } from '../syntax/parser';
import { descendants } from '../syntax/nodes';

export const DIRECTIVE = /^\/\/\s*goconc:ignore\b(.*)$/;

export interface Suppression {
  comment: Node;
  ruleIds: string[];
  reason: string;
  /** Zero-based lines silenced, inclusive. */
  fromLine: number;
  toLine: number;
  used: boolean;
}

/** Parses every suppression comment of a file. */
export function suppressions(facts: FileFacts): Suppression[] {
  const out: Suppression[] = [];
  for (const n of descendants(facts.root, 'comment')) {
    const m = DIRECTIVE.exec(n.text);
    if (!m) continue;
    const [ids = '', ...reason] = m[1].trim().split(/\s+/);
    const ruleIds = ids.split(',').filter(Boolean);
    out.push({ comment: n, ruleIds, reason: reason.join(' '), ...coveredLines(facts, n), used: false });
  }
  return out;
}

/**
 * The zero-based lines a directive comment covers: its own line at a line's end; alone on a line,
 * the next line, or the whole function it documents.
 */
function coveredLines(facts: FileFacts, comment: Node): { fromLine: number; toLine: number } {
  const line = comment.startPosition.row;
  if (!facts.source.lineText(line).trimStart().startsWith('//')) return { fromLine: line, toLine: line };
  const fn = docCommentTarget(comment);
  return fn ? { fromLine: fn.startPosition.row, toLine: fn.endPosition.row } : { fromLine: line + 1, toLine: line + 1 };
}

/** The function a comment documents: the declaration that follows a run of comment lines with no blank line. */
function docCommentTarget(comment: Node): Node | undefined {
  let n: Node | null = comment.nextNamedSibling;
  let lastRow = comment.endPosition.row;
  while (n && n.type === 'comment') {
    if (n.startPosition.row !== lastRow + 1) return undefined;
    lastRow = n.endPosition.row;
    n = n.nextNamedSibling;
  }
  if (!n || n.startPosition.row !== lastRow + 1) return undefined;
  return n.type === 'function_declaration' || n.type === 'method_declaration' ? n : undefined;
}

/** The suppression that silences a finding of `ruleId` starting on `line`, marking it used. */
export function suppressing(list: readonly Suppression[], ruleId: string, line: number): Suppression | undefined {
  const s = list.find((x) => x.ruleIds.includes(ruleId) && line >= x.fromLine && line <= x.toLine);
  if (s) s.used = true;
  return s;
}

/**
 * golangci-lint's `//nolint` directives (`//nolint`, `//nolint:govet,errcheck // reason`, `// nolint: govet`): the
 * lines where the code's maintainers silenced another linter. A finding of a rule that reports
 * what a vet analyzer reports (its `overlaps`: lostcancel, copylocks, ...) is dropped under a
 * directive naming that linter, as the maintainers already judged the same problem there.
 */
export interface NoLint {
  /** The linters named; empty for a bare `//nolint` (every linter). */
  linters: string[];
  fromLine: number;
  toLine: number;
}

/**
 * The linters a comment's `//nolint` directive names, read as golangci-lint reads it: the leading
 * slashes and spaces come off (`// nolint: govet` counts too), then `nolint` followed by a space,
 * a colon or the end; after `nolint:` the names up to a second `//`, split on commas. Empty for a
 * bare `//nolint` (every linter); undefined when the comment is no directive.
 */
function noLintLinters(comment: string): string[] | undefined {
  if (!comment.startsWith('//')) return undefined;
  const text = comment.replace(/^[/ ]+/, '');
  if (!/^nolint( |:|$)/.test(text)) return undefined;
  if (!text.startsWith('nolint:')) return [];
  return text.split('//')[0].slice('nolint:'.length).split(',').map((s) => s.trim().toLowerCase());
}

/** The vet analyzers golangci-lint runs as its `govet` linter, among those the rules overlap. */
const GOVET = new Set(['lostcancel', 'copylocks', 'loopclosure', 'waitgroup']);

/** Parses every `//nolint` directive of a file, with the lines it covers (as `//goconc:ignore`'s). */
export function noLints(facts: FileFacts): NoLint[] {
  if (!facts.text.includes('nolint')) return [];
  const out: NoLint[] = [];
  for (const n of descendants(facts.root, 'comment')) {
    const linters = noLintLinters(n.text);
    if (linters) out.push({ linters, ...coveredLines(facts, n) });
  }
  return out;
}

/** A `//nolint` directive that covers `line` and names a linter reporting what the rule reports (`overlaps`). */
export function silencedByNoLint(list: readonly NoLint[], overlaps: readonly string[] | undefined, line: number): boolean {
  if (!overlaps?.length) return false;
  return list.some(
    (d) =>
      line >= d.fromLine &&
      line <= d.toLine &&
      (d.linters.length === 0 || d.linters.some((l) => l === 'all' || overlaps.includes(l) || (l === 'govet' && overlaps.some((a) => GOVET.has(a))))),
  );
}
