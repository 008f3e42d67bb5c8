/**
 * Results a function always returns as `nil`, and the branches they make impossible. A function
 * whose every `return` gives `nil` for its error (`loadResync` logs each failure and goes on) never
 * fails: in its caller, `if err := p.loadResync(); err == nil { return }` always returns, so what
 * follows (a retry pause) never runs.
 */
import type { FileFacts, FuncInfo } from './facts';
import type { Node } from '../syntax/parser';
import { unparen } from '../syntax/nodes';
import { calleeKey, type PackageView } from './package';
import { conditionsAt } from './paths';

/**
 * The positions of the `error` results that are the literal `nil` in every `return` of `fn` (its
 * own, not its literals'). None for a function without a return, with named results (a bare
 * return, or a deferred closure, may set them) or with a `return g()` that forwards another call.
 */
export function nilResultsOf(fn: FuncInfo, returns: readonly Node[]): number[] {
  if (returns.length === 0 || fn.namedResults.length > 0 || !fn.results.includes('error')) return [];
  const out: number[] = [];
  fn.results.forEach((type, i) => {
    if (type !== 'error') return;
    const nil = returns.every((ret) => {
      const values = ret.namedChild(0)?.namedChildren ?? [];
      const v = values.length === fn.results.length ? values[i] : undefined;
      return v ? unparen(v).text === 'nil' : false;
    });
    if (nil) out.push(i);
  });
  return out;
}

/**
 * True when the local `id` holds, for good, an error result that its package callee always returns
 * as `nil`: `err := p.load()` or `v, err := p.load()`, with no other assignment to the name in its
 * function.
 */
export function alwaysNil(file: FileFacts, view: PackageView, id: Node): boolean {
  if (id.type !== 'identifier') return false;
  const d = file.lookup(id.text, id)?.decl;
  const init = d?.multi ?? (d?.init && unparen(d.init).type === 'call_expression' ? { call: unparen(d.init), index: 0 } : undefined);
  const fn = file.lookup(id.text, id)?.fn;
  if (!d || !init || !fn?.body || !setOnce(fn.body, d.name, d.statement)) return false;
  const key = calleeKey(file, init.call);
  return !!key && (view.func(key)?.nilResults?.includes(init.index) ?? false);
}

/**
 * No statement of `body` but `decl` sets `name`, nor takes its address: no assignment, `:=`
 * redeclaration, `++`, range variable or `&name`, in the function or its literals (shadowing
 * names count too, which only errs towards "set again").
 */
function setOnce(body: Node, name: string, decl: Node): boolean {
  for (const id of body.descendantsOfType('identifier')) {
    if (!id || id.text !== name) continue;
    let e: Node = id;
    while (e.parent?.type === 'parenthesized_expression') e = e.parent;
    const p = e.parent;
    if (p?.type === 'unary_expression' && p.childForFieldName('operator')?.text === '&') return false;
    if (p?.type === 'inc_statement' || p?.type === 'dec_statement') return false;
    const list = p?.type === 'expression_list' ? p : undefined;
    const stmt = list?.parent ?? p;
    if (!stmt || stmt.id === decl.id) continue;
    if (['assignment_statement', 'short_var_declaration', 'range_clause'].includes(stmt.type) && stmt.childForFieldName('left')?.id === (list ?? e).id) return false;
  }
  return true;
}

/** `err == nil` (true) or `err != nil` (false) for an error that is always nil; undefined otherwise. */
function conditionValue(file: FileFacts, view: PackageView, cond: Node): boolean | undefined {
  const c = unparen(cond);
  if (c.type !== 'binary_expression') return undefined;
  const op = c.childForFieldName('operator')?.text;
  if (op !== '==' && op !== '!=') return undefined;
  const [l, r] = [c.childForFieldName('left'), c.childForFieldName('right')].map((x) => (x ? unparen(x) : undefined));
  const other = l?.text === 'nil' ? r : r?.text === 'nil' ? l : undefined;
  if (!other || !alwaysNil(file, view, other)) return undefined;
  return op === '==';
}

/**
 * True when `node` never runs: a condition that must have gone one way to reach it always goes
 * the other (`node` after `if err == nil { return }`, where `err` is always nil).
 */
export function neverRuns(file: FileFacts, view: PackageView, node: Node): boolean {
  return conditionsAt(node).some((c) => conditionValue(file, view, c.cond) === !c.holds);
}
