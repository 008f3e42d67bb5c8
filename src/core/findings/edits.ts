/**
 * Building blocks for fixes. They work on whole lines where they can, so the fixed text keeps
 * gofmt's layout: statements inserted on their own line with the indentation of their
 * neighbour, statements deleted together with their line (and a blank line that would be left
 * dangling at the start of a block).
 */
import type { Node } from '../syntax/parser';
import type { TextEdit } from './rule';
import type { SourceText } from '../text/source';
import { walk } from '../syntax/nodes';

/** The leading whitespace of the line holding `offset`. */
export function indentAt(source: SourceText, offset: number): string {
  const line = source.lineAt(offset);
  return /^[ \t]*/.exec(source.lineText(line))![0];
}

/** The line break the file uses (CRLF files keep CRLF). */
export function eol(source: SourceText): string {
  const i = source.text.indexOf('\n');
  return i > 0 && source.text.charCodeAt(i - 1) === 13 ? '\r\n' : '\n';
}

/** True when `node` is the only thing on its lines, apart from indentation and a trailing comment. */
export function standsAlone(source: SourceText, node: Node): boolean {
  const startLine = source.lineAt(node.startIndex);
  const endLine = source.lineAt(node.endIndex);
  const before = source.text.slice(source.lineStart(startLine), node.startIndex);
  const after = source.text.slice(node.endIndex, source.lineEnd(endLine));
  return /^[ \t]*$/.test(before) && /^[ \t]*(\/\/.*)?$/.test(after);
}

/**
 * Inserts `lines` (without indentation or line breaks) on new lines just above the statement,
 * indented like it. Undefined when the statement shares its line with other code.
 */
export function insertLinesBefore(source: SourceText, stmt: Node, lines: readonly string[]): TextEdit | undefined {
  if (!standsAlone(source, stmt)) return undefined;
  const at = source.lineStart(source.lineAt(stmt.startIndex));
  const indent = indentAt(source, stmt.startIndex);
  const nl = eol(source);
  return { start: at, end: at, newText: lines.map((l) => (l === '' ? nl : indent + l + nl)).join('') };
}

/** Inserts lines just below the statement, indented like it. */
export function insertLinesAfter(source: SourceText, stmt: Node, lines: readonly string[], extraIndent = ''): TextEdit | undefined {
  if (!standsAlone(source, stmt)) return undefined;
  const endLine = source.lineAt(stmt.endIndex);
  const at = source.lineEnd(endLine);
  const indent = indentAt(source, stmt.startIndex) + extraIndent;
  const nl = eol(source);
  return { start: at, end: at, newText: lines.map((l) => nl + (l === '' ? '' : indent + l)).join('') };
}

/**
 * Deletes a statement with its whole line(s). When that would leave a blank line right after
 * an opening brace or right before a closing one, the blank line goes too.
 */
export function deleteStatement(source: SourceText, stmt: Node): TextEdit | undefined {
  if (!standsAlone(source, stmt)) return undefined;
  const firstLine = source.lineAt(stmt.startIndex);
  const lastLine = source.lineAt(stmt.endIndex);
  let start = source.lineStart(firstLine);
  let end = lastLine + 1 < source.lineCount ? source.lineStart(lastLine + 1) : source.text.length;
  const prev = firstLine > 0 ? source.lineText(firstLine - 1).trim() : '';
  const nextLine = lastLine + 1;
  const next = nextLine < source.lineCount ? source.lineText(nextLine).trim() : '';
  if (next === '' && nextLine < source.lineCount && (prev.endsWith('{') || prev.endsWith(':'))) {
    end = nextLine + 1 < source.lineCount ? source.lineStart(nextLine + 1) : source.text.length;
  } else if (prev === '' && firstLine > 0 && (next.startsWith('}') || next.startsWith('case ') || next.startsWith('default:'))) {
    start = source.lineStart(firstLine - 1);
  }
  return { start, end, newText: '' };
}

/** Replaces a node's text. */
export function replaceNode(node: Node, newText: string): TextEdit {
  return { start: node.startIndex, end: node.endIndex, newText };
}

/**
 * A name a fix may declare inside `scope` (usually the outermost function around the edit):
 * `base`, else `base2`, `base3`... The first that no identifier in `scope` spells, so the new
 * declaration can neither shadow a name the code uses nor clash with one. Undefined if all are taken.
 */
export function unusedName(scope: Node, base: string): string | undefined {
  const taken = new Set<string>();
  walk(scope, (n) => {
    if (n.type === 'identifier' || n.type === 'package_identifier') taken.add(n.text);
  });
  for (let i = 1; i < 10; i++) {
    const name = i === 1 ? base : `${base}${i}`;
    if (!taken.has(name)) return name;
  }
  return undefined;
}
