/**
 * Fix builders shared by the cancellation rules: the statement to run when a context is
 * cancelled, a blocking statement wrapped in a select with `ctx.Done()`, a `ctx.Done()` case
 * added to a select.
 */
import type { FileFacts, FuncInfo } from '../../model/facts';
import { eol, indentAt, replaceNode, standsAlone } from '../../findings/edits';
import type { TextEdit } from '../../findings/rule';
import type { Node } from '../../syntax/parser';
import {
  FUNCTION_TYPES,
  selectCases,
  walk,
} from '../../syntax/nodes';

const NUMERIC = /^(u?int(8|16|32|64)?|uintptr|byte|rune|float(32|64)|complex(64|128)|time\.Duration)$/;
const NILABLE = /^(\*|\[\]|map\[|chan\b|<-\s*chan\b|func\b|interface\s*\{)/;

/** The zero value of a result type as Go source, when it is obvious from the syntax. */
export function zeroValue(file: FileFacts, typeNode: Node): string | undefined {
  const t = typeNode.text.trim();
  if (NUMERIC.test(t)) return '0';
  if (t === 'string') return '""';
  if (t === 'bool') return 'false';
  if (t === 'error' || t === 'any' || NILABLE.test(t)) return 'nil';
  // A struct type declared at the top of this file (not generic): its composite literal is the zero value.
  if (/^[A-Za-z_]\w*$/.test(t) && isPlainStruct(file, t)) return `${t}{}`;
  return undefined;
}

/** True when the file declares `type <name> struct{...}` at package level, without type parameters. */
function isPlainStruct(file: FileFacts, name: string): boolean {
  let plain = false;
  walk(file.root, (n) => {
    if (plain || FUNCTION_TYPES.has(n.type)) return false;
    if (n.type === 'type_spec' && n.childForFieldName('name')?.text === name) {
      plain = n.childForFieldName('type')?.type === 'struct_type' && !n.childForFieldName('type_parameters');
    }
  });
  return plain;
}

/**
 * The statement a function should run when `ctxName` is cancelled: `return` for a function
 * without results, `return <zeros>, ctx.Err()` when its last result is `error`. Results whose zero
 * value is not obvious are returned by name when the results are named. Undefined when no such
 * statement is certainly right (a last result that is not `error`, an unknown type without a name).
 */
export function cancelReturn(file: FileFacts, fn: FuncInfo, ctxName: string): string | undefined {
  const result = fn.node.childForFieldName('result');
  if (!result) return 'return';
  const entries: { name?: string; type: Node }[] = [];
  if (result.type === 'parameter_list') {
    for (const p of result.namedChildren) {
      if (p?.type !== 'parameter_declaration') continue;
      const type = p.childForFieldName('type');
      if (!type) return undefined;
      const names = p.childrenForFieldName('name').filter((x): x is Node => x !== null);
      if (names.length === 0) entries.push({ type });
      for (const nm of names) entries.push({ name: nm.text, type });
    }
  } else {
    entries.push({ type: result });
  }
  if (entries.length === 0) return 'return';
  const last = entries[entries.length - 1];
  if (last.type.text.trim() !== 'error') return undefined;
  const values: string[] = [];
  for (const e of entries.slice(0, -1)) {
    const zero = zeroValue(file, e.type) ?? (e.name && e.name !== '_' ? e.name : undefined);
    if (!zero) return undefined;
    values.push(zero);
  }
  values.push(`${ctxName}.Err()`);
  return `return ${values.join(', ')}`;
}

/**
 * Replaces a one-line statement with a select that runs `caseHeader` (a send or a receive) or,
 * when `ctxName` is cancelled, runs `ret` (or nothing when `ret` is omitted), laid out as gofmt would:
 *
 *	select {
 *	case out <- v:
 *	case <-ctx.Done():
 *		return ctx.Err()
 *	}
 */
export function wrapInCancelSelect(file: FileFacts, stmt: Node, caseHeader: string, ctxName: string, ret?: string): TextEdit | undefined {
  if (!standsAlone(file.source, stmt) || /[\r\n]/.test(caseHeader)) return undefined;
  const indent = indentAt(file.source, stmt.startIndex);
  const lines = ['select {', `case ${caseHeader}:`, `case <-${ctxName}.Done():`, ...(ret ? [`\t${ret}`] : []), '}'];
  return replaceNode(stmt, lines.map((l, i) => (i === 0 ? l : indent + l)).join(eol(file.source)));
}

/**
 * True when a `return` inserted at `stmt` would skip no work the function does after it, apart
 * from the rest of the innermost loop around `stmt` (leaving that loop early is the point): every
 * statement list outside that loop continues with nothing or just a `return`, and no outer loop
 * would lose iterations. Without a loop around `stmt`, everything after it must be empty or a `return`.
 */
export function returnSkipsNoWork(stmt: Node): boolean {
  let outsideLoop = ancestorLoop(stmt) === undefined;
  for (let n: Node = stmt; n.parent; n = n.parent) {
    const up = n.parent;
    if (outsideLoop && up.type === 'statement_list') {
      const rest: Node[] = [];
      for (let sib = n.nextNamedSibling; sib; sib = sib.nextNamedSibling) if (sib.type !== 'comment') rest.push(sib);
      if (rest.length > 1 || (rest.length === 1 && rest[0].type !== 'return_statement')) return false;
    }
    if (FUNCTION_TYPES.has(up.type)) return true;
    if (up.type === 'for_statement') {
      if (outsideLoop) return false; // an outer loop would lose its remaining iterations
      outsideLoop = true;
    }
  }
  return false;
}

function ancestorLoop(node: Node): Node | undefined {
  for (let n = node.parent; n && !FUNCTION_TYPES.has(n.type); n = n.parent) if (n.type === 'for_statement') return n;
  return undefined;
}

/**
 * Inserts `case <-ctx.Done():` followed by `ret` as the first case of a select, indented like
 * the other cases. (A case node ends at the start of the next line, so the generic line helpers
 * of edits.ts do not apply.) Undefined when the first case shares its line with other code.
 */
export function insertDoneCase(file: FileFacts, select: Node, ctxName: string, ret: string): TextEdit | undefined {
  const first = selectCases(select)[0];
  if (!first) return undefined;
  const source = file.source;
  const at = source.lineStart(source.lineAt(first.startIndex));
  if (!/^[ \t]*$/.test(source.text.slice(at, first.startIndex))) return undefined;
  const indent = indentAt(source, first.startIndex);
  const nl = eol(source);
  return { start: at, end: at, newText: `${indent}case <-${ctxName}.Done():${nl}${indent}\t${ret}${nl}` };
}
