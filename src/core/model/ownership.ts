/**
 * Who owns a value at a point of a function, for the race rules: a goroutine that holds the last
 * reference of a reference-counted value (its atomic decrement took the count to zero), and a
 * function that works on a value of its own (a local struct value, or one it has just built).
 * What such code reads is ordered after every earlier update by other goroutines, atomic or not.
 */
import type { FileFacts, FuncInfo, VarDecl } from './facts';
import type { Node } from '../syntax/parser';
import { blockStatements, callArgs, callParts, descendants, unparen } from '../syntax/nodes';

/** Where the last reference is held: the counted value (normalised), and the package method whose decrement says so. */
export interface LastReference {
  /** The value whose count reached zero, normalised like Op.target (`trackingMetric.d`, `local:r`). */
  obj: string;
  /** A package method of `obj` that returns its own atomic decrement (`d.decr()`); absent for `atomic.AddInt32(&d.refs, -1)` itself. */
  via?: string;
}

/**
 * `atomic.AddInt32(&x.refs, -1)` (or `^uint32(0)`, one step down an unsigned count): the path of the
 * counter's holder (`x`), or undefined when `call` is not such a decrement of a field.
 */
export function atomicDecrementHolder(facts: FileFacts, call: Node): Node | undefined {
  const atomic = facts.importName('sync/atomic');
  const parts = callParts(call);
  if (!atomic || parts?.receiver !== atomic || parts.receiverNode?.type !== 'identifier' || !/^Add(Int32|Int64|Uint32|Uint64)$/.test(parts.name)) return undefined;
  const [first, delta] = callArgs(call).map(unparen);
  if (!first || !delta || !isMinusOne(delta)) return undefined;
  const field = first.type === 'unary_expression' && first.childForFieldName('operator')?.text === '&' ? unparen(first.childForFieldName('operand')!) : undefined;
  return field?.type === 'selector_expression' ? (field.childForFieldName('operand') ?? undefined) : undefined;
}

/** `-1`, `^uint32(0)`, `^uint64(0)`: one step down. */
function isMinusOne(n: Node): boolean {
  const t = n.text.replace(/\s+/g, '');
  return t === '-1' || /^\^u?int(32|64)\(0\)$/.test(t);
}

/**
 * The value whose last reference `n` runs with: `n` stands in the branch of
 * `if atomic.AddInt32(&d.refs, -1) == 0 { ... }` (or `<= 0`, `< 1`), or after an
 * `if ... != 0 { return }` (`> 0`) of an enclosing block; the tested value may be the call itself,
 * a local set by it just before, or a call of a package method of the value (`m.d.decr() == 0`),
 * which the caller of this helper checks returns such a decrement. Undefined when none holds.
 */
export function lastReference(facts: FileFacts, fn: FuncInfo, n: Node, normalise: (expr: Node, at: Node) => string | undefined, calleeOf: (call: Node) => string | undefined): LastReference | undefined {
  for (let p: Node | null = n; p && p.id !== fn.node.id; p = p.parent) {
    const parent = p.parent;
    if (!parent) break;
    // In the branch of a zero test.
    if (parent.type === 'if_statement' && parent.childForFieldName('consequence')?.id === p.id) {
      const ref = zeroTest(parent.childForFieldName('condition'), true);
      if (ref) return ref;
    }
    // After `if count != 0 { return }` in the same block.
    if (parent.type === 'statement_list') {
      for (const s of blockStatements(parent.parent)) {
        if (s.startIndex >= p.startIndex) break;
        if (s.type !== 'if_statement' || s.childForFieldName('alternative')) continue;
        const body = blockStatements(s.childForFieldName('consequence'));
        if (body.length === 0 || body[body.length - 1].type !== 'return_statement') continue;
        const ref = zeroTest(s.childForFieldName('condition'), false);
        if (ref) return ref;
      }
    }
  }
  return undefined;

  /** `E == 0` (`zero`) or `E != 0` (not `zero`), where E is a decrement of a reference count. */
  function zeroTest(cond: Node | null, zero: boolean): LastReference | undefined {
    if (!cond) return undefined;
    // Kept with the top-level declaration: the answer reads the function around the condition,
    // and an edit anywhere in that declaration makes a new one (its untouched statements may
    // move into it, see copyTree).
    const byDecl = zero ? zeroTests : nonZeroTests;
    const top = cond.top ?? cond;
    let memo = byDecl.get(top);
    if (!memo) byDecl.set(top, (memo = new Map()));
    if (memo.has(cond)) return memo.get(cond) ?? undefined;
    const out = test(cond, zero);
    memo.set(cond, out ?? null);
    return out;
  }

  function test(cond: Node, zero: boolean): LastReference | undefined {
    const c = unparen(cond);
    if (c?.type !== 'binary_expression') return undefined;
    const op = c.childForFieldName('operator')?.text;
    const left = unparen(c.childForFieldName('left')!);
    const right = unparen(c.childForFieldName('right')!);
    const ok = zero ? (op === '==' || op === '<=') && right.text === '0' || op === '<' && right.text === '1' : (op === '!=' || op === '>') && right.text === '0';
    return ok ? counted(left) : undefined;
  }

  function counted(e: Node): LastReference | undefined {
    if (e.type === 'identifier') {
      const decl = facts.lookup(e.text, e)?.decl;
      // The local the decrement was stored in, never assigned again.
      if (!decl?.init || facts.lookup(e.text, e)?.fn?.node.id !== fn.node.id || assignedAgain(fn, decl.name, decl.node)) return undefined;
      return counted(unparen(decl.init));
    }
    if (e.type !== 'call_expression') return undefined;
    const holder = atomicDecrementHolder(facts, e);
    if (holder) {
      const obj = normalise(holder, e);
      return obj ? { obj } : undefined;
    }
    const parts = callParts(e);
    const via = calleeOf(e);
    const obj = parts?.receiverNode ? normalise(parts.receiverNode, e) : undefined;
    return via && obj && callArgs(e).length === 0 ? { obj, via } : undefined;
  }
}

const zeroTests = new WeakMap<Node, Map<Node, LastReference | null>>();
const nonZeroTests = new WeakMap<Node, Map<Node, LastReference | null>>();

function assignedAgain(fn: FuncInfo, name: string, decl: Node): boolean {
  return descendants(fn.body!, new Set(['assignment_statement', 'inc_statement', 'dec_statement'])).some(
    (s) => s.startIndex > decl.startIndex && (s.childForFieldName('left') ?? s.namedChild(0))?.text.split(/\s*,\s*/).includes(name),
  );
}

/**
 * For `return atomic.AddInt32(&d.refs, -1)` (every return of the function, or a local set by it):
 * the node of the counter's holder in the first return, so that the caller can normalise it.
 */
export function returnedDecrement(facts: FileFacts, fn: FuncInfo, returns: readonly Node[]): Node | undefined {
  let holder: Node | undefined;
  for (const ret of returns) {
    const first = ret.namedChild(0)?.namedChildren[0];
    if (!first) return undefined;
    let v = unparen(first);
    if (v.type === 'identifier') {
      const decl = facts.lookup(v.text, v)?.decl;
      if (!decl?.init || assignedAgain(fn, decl.name, decl.node)) return undefined;
      v = unparen(decl.init);
    }
    const h = v.type === 'call_expression' ? atomicDecrementHolder(facts, v) : undefined;
    if (!h || (holder && holder.text !== h.text)) return undefined;
    holder = h;
  }
  return holder;
}

/**
 * A value the function owns at `recv` (the receiver of a call): a local of a struct value type
 * (`var total Stats`), or a local it builds itself (`d := &T{...}`, `new(T)`), that no function
 * literal of the function captures and whose address it does not take. Returns `new` for a value
 * it builds, `type:T` for a local declared with the value type `T` (the caller checks `T` is a
 * struct of the package), `call:K` for a local set by a call of the package function or method `K`
 * (the caller checks its result is a struct value), or undefined.
 */
export function ownedLocal(facts: FileFacts, fn: FuncInfo, recv: Node, calleeOf: (call: Node) => string | undefined): string | undefined {
  const r = unparen(recv);
  if (r.type !== 'identifier') return undefined;
  const found = facts.lookup(r.text, r);
  const decl = found?.decl;
  if (!decl || found?.fn?.node.id !== fn.node.id) return undefined;
  if (owners.has(decl)) return owners.get(decl) ?? undefined;
  const out = owner(facts, fn, decl, calleeOf);
  owners.set(decl, out ?? null);
  return out;
}

const owners = new WeakMap<VarDecl, string | null>();
const namesOf = new WeakMap<FuncInfo, Map<string, Node[]>>();

function owner(facts: FileFacts, fn: FuncInfo, decl: VarDecl, calleeOf: (call: Node) => string | undefined): string | undefined {
  let names = namesOf.get(fn);
  if (!names) {
    names = new Map();
    for (const id of descendants(fn.body!, 'identifier')) {
      const list = names.get(id.text);
      if (list) list.push(id);
      else names.set(id.text, [id]);
    }
    namesOf.set(fn, names);
  }
  // Captured by a literal (a goroutine, a callback), or its address taken and handed on.
  for (const id of names.get(decl.name) ?? []) {
    if (facts.lookup(id.text, id)?.decl !== decl) continue;
    for (let p = id.parent; p && p.id !== fn.node.id; p = p.parent) if (p.type === 'func_literal') return undefined;
    const up = id.parent?.type === 'parenthesized_expression' ? id.parent.parent : id.parent;
    if (up?.type === 'unary_expression' && up.childForFieldName('operator')?.text === '&') return undefined;
  }
  const init = decl.init ? unparen(decl.init) : undefined;
  if (init) {
    if (init.type === 'composite_literal') return 'new';
    if (init.type === 'unary_expression' && init.childForFieldName('operator')?.text === '&' && unparen(init.childForFieldName('operand')!).type === 'composite_literal') return 'new';
    if (init.type === 'call_expression' && callParts(init)?.name === 'new' && !callParts(init)?.receiver) return 'new';
    const callee = init.type === 'call_expression' && !decl.multi ? calleeOf(init) : undefined;
    return callee ? `call:${callee}` : undefined;
  }
  const type = decl.type;
  return type && /^[A-Za-z_]\w*$/.test(type) ? `type:${type}` : undefined;
}

