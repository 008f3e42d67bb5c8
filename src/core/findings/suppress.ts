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
    const line = n.startPosition.row;
    const ownLine = facts.source.lineText(line).trimStart().startsWith('//');
    let fromLine = line;
    let toLine = line;
    if (ownLine) {
      const fn = docCommentTarget(n);
      if (fn) {
        fromLine = fn.startPosition.row;
        toLine = fn.endPosition.row;
      } else {
        fromLine = toLine = line + 1;
      }
    }
    out.push({ comment: n, ruleIds, reason: reason.join(' '), fromLine, toLine, used: false });
  }
  return out;
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
