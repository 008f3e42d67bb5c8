/**
 * sync.Cond as the package uses it: the `for <condition> { c.Wait() }` loops, what lets each
 * waiter go on (a flag set, a queue grown, a counter moved), the writes that do it, and the
 * mutex a cond was made with. Shared by the rules about lost and missing wakeups.
 */
import { isCondValue, type FileFacts, type FuncInfo } from './facts';
import { localTypeName, variableField } from './locks';
import { normaliseTarget, typedTarget, type PackageView } from './package';
import type { Node } from '../syntax/parser';
import { EVERYWHERE, callArgs, callParts, descendants, descendantsNaming, textHas, unparen, whileCondition } from '../syntax/nodes';

export interface CondLoop {
  fn: FuncInfo;
  /** The `X.Wait()` call. */
  wait: Node;
  /** The cond as a typed target (`Queue.cond`). */
  cond: string;
  loopCond: Node;
  /** What lets the waiter go on, by field (`Queue.closed`): the kind of write that does it. */
  needs: Map<string, Need>;
}

export type Need = 'true' | 'false' | 'grow' | 'up' | 'down';

export function typed(file: FileFacts, fn: FuncInfo, expr: Node, at: Node): string | undefined {
  const t = normaliseTarget(file, expr, at);
  return t ? typedTarget({ params: fn.params.map((p) => p.type) }, t) : undefined;
}

/**
 * The cond a method call's receiver stands for, as a typed target: `Queue.cond` for `q.cond`, and
 * `window.Cond` for `w` whose struct embeds a `sync.Cond` (`w.Wait()`, `w.Broadcast()`).
 */
export function condTarget(file: FileFacts, view: PackageView, fn: FuncInfo, recv: Node, at: Node): string | undefined {
  if (isCondValue(file, recv)) return typed(file, fn, recv, at);
  const name = localTypeName(file.typeOf(recv));
  const embedded = name ? view.struct(name)?.['Cond'] : undefined;
  const t = embedded && /^\*?sync\.Cond$/.test(embedded) ? typed(file, fn, recv, at) : undefined;
  return t ? `${t}.Cond` : undefined;
}

/** The function a node is in, declarations only (a literal counts as its declaration). */
export function outerFunction(file: FileFacts, node: Node): FuncInfo | undefined {
  let fn = file.functionOf(node);
  while (fn?.kind === 'literal') fn = file.functionOf(fn.node);
  return fn;
}

/** Text of a declaration that may make a Cond (`sync.NewCond(...)`, spaces allowed). */
const NEW_COND = /NewCond\s*\(/;

/** Text of a declaration that may set a Cond's lock (`c.L = ...`). */
const SETS_LOCKER = /\.L\s*=/;

/**
 * The focus a cond rule can keep (see RuleContext.inFocus). The waits, and the NewCond that
 * names a cond's lock, come from the bodies of other functions: when the declarations in focus
 * hold none of the waits and make no Cond, the waits are the last review's, and only the
 * functions in focus can hold new findings; else every function is looked at.
 */
export function condFocus(file: FileFacts, inFocus: (node: Node) => boolean, waits: readonly CondLoop[]): (node: Node) => boolean {
  if (inFocus === EVERYWHERE || waits.some((w) => inFocus(w.fn.node)) || file.root.children.some((c) => inFocus(c) && (textHas(c, NEW_COND) || textHas(c, SETS_LOCKER)))) return EVERYWHERE;
  return inFocus;
}

/** A `c.Wait()` of the file inside a `for` loop of its function, and the cond as a typed target. */
export interface CondWaitInLoop {
  fn: FuncInfo;
  wait: Node;
  cond: string;
  loop: Node;
}

const waitCache = new WeakMap<FileFacts, { view: PackageView; waits: CondWaitInLoop[] }>();

/** Every `X.Wait()` on a cond that sits in a `for` loop of its own function (literals count as their own). */
export function condWaitLoops(file: FileFacts, view: PackageView): CondWaitInLoop[] {
  const hit = waitCache.get(file);
  if (hit?.view === view) return hit.waits;
  const out: CondWaitInLoop[] = [];
  waitCache.set(file, { view, waits: out });
  for (const decl of file.root.children) {
    for (const { call, loop } of waitsInLoops(decl)) {
      const fn = outerFunction(file, call);
      if (!fn) continue;
      const cond = condTarget(file, view, fn, callParts(call)!.receiverNode!, call);
      if (cond) out.push({ fn, wait: call, cond, loop });
    }
  }
  return out;
}

/**
 * The argument-less `x.Wait()` calls of a top-level declaration that sit in a `for` loop of their
 * own function, read from the syntax alone and kept with the declaration's node, which outlives
 * a keystroke elsewhere.
 */
function waitsInLoops(decl: Node): { call: Node; loop: Node }[] {
  let out = waitsByDecl.get(decl);
  if (out) return out;
  out = [];
  for (const call of descendants(decl, 'call_expression')) {
    const parts = callParts(call);
    if (parts?.name !== 'Wait' || !parts.receiverNode || callArgs(call).length > 0) continue;
    let loop: Node | null = call.parent;
    while (loop && loop.type !== 'for_statement' && loop.type !== 'func_literal' && loop.type !== 'function_declaration' && loop.type !== 'method_declaration') loop = loop.parent;
    if (loop?.type === 'for_statement') out.push({ call, loop });
  }
  waitsByDecl.set(decl, out);
  return out;
}

const waitsByDecl = new WeakMap<Node, { call: Node; loop: Node }[]>();

const loopCache = new WeakMap<FileFacts, { view: PackageView; loops: CondLoop[] }>();

/** The wait loops whose condition tests fields of a struct (`for !q.ready { q.cond.Wait() }`), with what lets each go on. */
export function condLoops(file: FileFacts, view: PackageView): CondLoop[] {
  const hit = loopCache.get(file);
  if (hit?.view === view) return hit.loops;
  const out: CondLoop[] = [];
  loopCache.set(file, { view, loops: out });
  for (const { fn, wait, cond, loop } of condWaitLoops(file, view)) {
    const loopCond = whileCondition(loop);
    if (!loopCond) continue;
    const needs = new Map<string, Need>();
    collectNeeds(file, fn, loopCond, needs);
    if (needs.size > 0) out.push({ fn, wait, cond, loopCond, needs });
  }
  return out;
}

/** What makes each atom of a wait loop's condition false (the waiter may go on). */
function collectNeeds(file: FileFacts, fn: FuncInfo, cond: Node, needs: Map<string, Need>): void {
  const c = unparen(cond);
  const field = (x: Node | null | undefined) => (x && unparen(x).type === 'selector_expression' ? typed(file, fn, unparen(x), x) : undefined);
  const lenOf = (x: Node | null | undefined) => {
    const n = x ? unparen(x) : undefined;
    return n?.type === 'call_expression' && callParts(n)?.name === 'len' && !callParts(n)?.receiver ? field(callArgs(n)[0]) : undefined;
  };
  const zero = (x: Node | null | undefined) => !!x && unparen(x).type === 'int_literal' && unparen(x).text === '0';
  if (c.type === 'binary_expression') {
    const op = c.childForFieldName('operator')?.text;
    const l = c.childForFieldName('left');
    const r = c.childForFieldName('right');
    if (op === '&&' || op === '||') {
      if (l) collectNeeds(file, fn, l, needs);
      if (r) collectNeeds(file, fn, r, needs);
      return;
    }
    const lf = lenOf(l);
    if (lf && (op === '==' || op === '<=') && zero(r)) needs.set(lf, 'grow');
    const f = field(l);
    if (f && (op === '==' || op === '<=') && zero(r)) needs.set(f, 'up');
    if (f && op === '>' && zero(r)) needs.set(f, 'down');
    return;
  }
  if (c.type === 'unary_expression' && c.childForFieldName('operator')?.text === '!') {
    const f = field(c.childForFieldName('operand'));
    if (f) needs.set(f, 'true');
    return;
  }
  const f = field(c);
  if (f) needs.set(f, 'false');
}

/** `fn` waits on the same cond itself (a consumer that also changes the state). */
export function waitsOn(file: FileFacts, view: PackageView, fn: FuncInfo, cond: string): boolean {
  return descendants(fn.body!, 'call_expression').some((call) => {
    const parts = callParts(call);
    return parts?.name === 'Wait' && !!parts.receiverNode && condTarget(file, view, fn, parts.receiverNode, call) === cond;
  });
}

/** Statements of `fn` (closures included) that make a need of the loop come true. */
export function wakingWrites(file: FileFacts, fn: FuncInfo, w: CondLoop): { node: Node; field: string }[] {
  const out: { node: Node; field: string }[] = [];
  for (const s of descendants(fn.body!, new Set(['assignment_statement', 'inc_statement', 'dec_statement']))) {
    if (s.type === 'assignment_statement') {
      const left = s.childForFieldName('left')?.namedChildren ?? [];
      const right = s.childForFieldName('right')?.namedChildren ?? [];
      const op = s.childForFieldName('operator')?.text;
      if (left.length !== 1 || right.length !== 1) continue;
      const f = unparen(left[0]!).type === 'selector_expression' ? typed(file, fn, unparen(left[0]!), s) : undefined;
      const need = f ? w.needs.get(f) : undefined;
      if (!need) continue;
      const v = unparen(right[0]!);
      const ok =
        (need === 'true' && op === '=' && v.type === 'true') ||
        (need === 'false' && op === '=' && v.type === 'false') ||
        (need === 'grow' && op === '=' && v.type === 'call_expression' && callParts(v)?.name === 'append' && !callParts(v)?.receiver) ||
        (need === 'up' && op === '+=') ||
        (need === 'down' && op === '-=');
      if (ok) out.push({ node: s, field: f! });
    } else {
      const target = s.namedChild(0);
      const f = target && unparen(target).type === 'selector_expression' ? typed(file, fn, unparen(target), s) : undefined;
      const need = f ? w.needs.get(f) : undefined;
      if ((need === 'up' && s.type === 'inc_statement') || (need === 'down' && s.type === 'dec_statement')) out.push({ node: s, field: f! });
    }
  }
  return out;
}

/**
 * A field or variable as a typed target, seen from anywhere in the file: `q.mu` is `Queue.mu`
 * when `q` is a `*Queue` (a constructor's local, a receiver, a parameter), a package variable
 * is `var:mu`. Undefined for other locals.
 */
function fieldTarget(file: FileFacts, fn: FuncInfo | undefined, expr: Node): string | undefined {
  const e = unparen(expr);
  return variableField(file, e) ?? (fn ? typed(file, fn, e, e) : undefined);
}

/**
 * The mutex each cond of the file was made with, as typed targets: `q.cond = sync.NewCond(&q.mu)`
 * gives `Queue.cond` -> `Queue.mu`; `cond: sync.NewCond(&mu)` in a `Queue{...}` literal gives
 * `Queue.cond` -> `var:mu` for a package variable; `q.cond.L = &q.mu` for a cond held by value.
 * Conds made in ways the file does not show are absent.
 */
export function condLockers(file: FileFacts): Map<string, string> {
  return new Map([...condBindings(file)].map(([cond, b]) => [cond, b.locker]));
}

/** Where a cond of the file gets its mutex: the `sync.NewCond(&q.mu)` call or the `q.cond.L = &q.mu` assignment. */
export interface CondBinding {
  locker: string;
  at: Node;
}

/** {@link condLockers}, with the place each cond gets its mutex. */
export function condBindings(file: FileFacts): Map<string, CondBinding> {
  const out = new Map<string, CondBinding>();
  if (!file.text.includes('NewCond(') && !SETS_LOCKER.test(file.text)) return out;
  const lockerOf = (fn: FuncInfo | undefined, arg: Node | undefined) => {
    let a = arg ? unparen(arg) : undefined;
    if (a?.type === 'unary_expression' && a.childForFieldName('operator')?.text === '&') a = a.childForFieldName('operand') ?? undefined;
    return a ? fieldTarget(file, fn, a) : undefined;
  };
  for (const call of descendantsNaming(file.root, NEW_COND, 'call_expression')) {
    const parts = callParts(call);
    if (parts?.name !== 'NewCond' || parts.receiver !== 'sync') continue;
    const fn = outerFunction(file, call);
    const locker = lockerOf(fn, callArgs(call)[0]);
    if (!locker) continue;
    const p = call.parent;
    let cond: string | undefined;
    if (p?.type === 'expression_list' && p.parent?.type === 'assignment_statement' && p.namedChildren.length === 1) {
      const left = p.parent.childForFieldName('left')?.namedChildren ?? [];
      if (left.length === 1 && left[0]) cond = fieldTarget(file, fn, left[0]);
    } else if (p?.type === 'literal_element' && p.parent?.type === 'keyed_element') {
      const key = p.parent.namedChildren[0]?.text;
      let lit: Node | null = p.parent.parent;
      while (lit && lit.type !== 'composite_literal') lit = lit.parent;
      const typeName = lit ? localTypeName(lit.childForFieldName('type')?.text) : undefined;
      if (key && typeName) cond = `${typeName}.${key}`;
    }
    if (cond) out.set(cond, { locker, at: call });
  }
  // `q.cond.L = &q.mu`: a cond held by value gets its locker by assignment.
  for (const a of descendantsNaming(file.root, SETS_LOCKER, 'assignment_statement')) {
    const left = a.childForFieldName('left')?.namedChildren ?? [];
    const right = a.childForFieldName('right')?.namedChildren ?? [];
    const l = left.length === 1 && left[0] ? unparen(left[0]) : undefined;
    if (l?.type !== 'selector_expression' || l.childForFieldName('field')?.text !== 'L' || right.length !== 1) continue;
    const fn = outerFunction(file, a);
    const condExpr = l.childForFieldName('operand');
    const cond = condExpr && isCondValue(file, condExpr) ? fieldTarget(file, fn, condExpr) : undefined;
    const locker = lockerOf(fn, right[0] ?? undefined);
    if (cond && locker) out.set(cond, { locker, at: a });
  }
  return out;
}
