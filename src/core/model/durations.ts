/**
 * How long a `time.Duration` expression can be, as far as the file proves it: constants
 * (`100 * time.Millisecond`, a `const` of the file, or of another file of the package when the
 * package view is given), the counter of a counted loop
 * (`time.Duration(100*attempt) * time.Millisecond` in `for attempt := range 3`), `min(...)` caps
 * (`pollTime = min(2*pollTime, time.Second)`), random jitter (`rand.Int63n(int64(time.Second))`,
 * `time.Duration(r.Float64() * float64(3*time.Second))`), sums,
 * and locals whose every assignment is bounded.
 * Values are nanoseconds; undefined means "not proven bounded".
 */
import type { Node } from '../syntax/parser';
import { blockStatements, callArgs, callParts, contains, descendants, enclosingFunction, FUNCTION_TYPES, operandsOf, settersOf, unparen, whileCondition } from '../syntax/nodes';
import { valuesAssigned, type FileFacts } from './facts';
import type { PackageView } from './package';

const UNITS: Record<string, number> = { Nanosecond: 1, Microsecond: 1e3, Millisecond: 1e6, Second: 1e9, Minute: 60e9, Hour: 3600e9 };

const CONVERSIONS = new Set(['int', 'int64', 'uint64', 'float64', 'float32']);
const RANDOM = new Set(['Int63n', 'Int31n', 'Intn', 'IntN', 'Int64N', 'N', 'Int32N', 'Uint64N']);
/** Receivers of `Float64()`, `Int63n(n)` and the like that are random sources: `rand`, `r`, `rnd`, `dm.rng`, `c.rand`. */
const RANDOM_SOURCE = /(^|\.)(m?rand|rnd|rng|r|random)$/i;

/** Values fixed for the evaluation: a loop counter at one of its values. */
type Env = ReadonlyMap<string, number>;

/** The value in nanoseconds of a constant duration: a product of integer literals, `time` units and constants. */
export function constantDuration(expr: Node, file: FileFacts, view?: PackageView): number | undefined {
  return evaluate(expr, file, new Map(), new Set(), 0, false, view);
}

/** An upper bound in nanoseconds of a duration expression at `expr`'s place. */
export function durationBound(expr: Node, file: FileFacts, view?: PackageView): number | undefined {
  return evaluate(expr, file, new Map(), new Set(), 0, true, view);
}

/**
 * The most a counted loop (`for i := 1; i <= 3; i++`, `for i := range 3`) can sleep in all its rounds
 * on `sleep`'s argument: the sum of the bound at each value of the counter. Undefined for loops
 * that are not counted by a constant or durations that are not bounded.
 */
export function loopSleepTotal(loop: Node, duration: Node, file: FileFacts, view?: PackageView): number | undefined {
  const c = countedBy(loop, file, view);
  if (!c || c.last - c.first > 1000) return undefined;
  let total = 0;
  for (let v = c.first; v <= c.last; v++) {
    const ns = evaluate(duration, file, new Map([[c.name, v]]), new Set(), 0, true, view);
    if (ns === undefined) return undefined;
    total += ns;
  }
  return total;
}

interface Counter {
  name: string;
  first: number;
  last: number;
}

/** The counter of a loop counted by constants: its name, first and last value. The body must not assign it. */
export function countedBy(loop: Node, file: FileFacts, view?: PackageView): Counter | undefined {
  const body = loop.childForFieldName('body');
  const assigned = (name: string) => !!body && settersOf(body, name).length > 0;
  const range = loop.namedChildren.find((c) => c?.type === 'range_clause');
  if (range) {
    const left = range.childForFieldName('left')?.namedChildren ?? [];
    const right = range.childForFieldName('right');
    const n = right ? integer(right, file, view) : undefined;
    if (n === undefined || left.length !== 1 || left[0].type !== 'identifier' || assigned(left[0].text)) return undefined;
    return { name: left[0].text, first: 0, last: n - 1 };
  }
  const clause = loop.namedChildren.find((c) => c?.type === 'for_clause');
  const init = clause?.childForFieldName('initializer');
  const cond = clause?.childForFieldName('condition');
  const update = clause?.childForFieldName('update');
  const counter = init?.type === 'short_var_declaration' ? init.childForFieldName('left')?.namedChildren : undefined;
  const start = init?.childForFieldName('right')?.namedChildren;
  if (counter?.length !== 1 || counter[0].type !== 'identifier' || start?.length !== 1) return undefined;
  const name = counter[0].text;
  const first = integer(start[0], file, view);
  const op = cond?.type === 'binary_expression' ? cond.childForFieldName('operator')?.text : undefined;
  if (first === undefined || (op !== '<' && op !== '<=') || cond!.childForFieldName('left')?.text !== name) return undefined;
  if (update?.type !== 'inc_statement' || update.namedChild(0)?.text !== name || assigned(name)) return undefined;
  const bound = integer(cond!.childForFieldName('right')!, file, view);
  if (bound === undefined) return undefined;
  return { name, first, last: op === '<' ? bound - 1 : bound };
}

/**
 * An integer constant: a literal, a `const` of the file (function-level or package-level), or a
 * local that keeps its literal value for good (`maxRetry := 50`, never assigned again).
 */
function integer(expr: Node, file: FileFacts, view?: PackageView): number | undefined {
  const e = unparen(expr);
  if (e.type === 'int_literal') {
    const n = Number(e.text.replace(/_/g, ''));
    return Number.isSafeInteger(n) ? n : undefined;
  }
  if (e.type === 'identifier') {
    const v = constValue(file, e.text, e) ?? file.onlyValue(e);
    if (!v) return otherFileConstant(file, view, e);
    return v.type !== 'identifier' ? integer(v, file, view) : undefined;
  }
  return undefined;
}

function evaluate(expr: Node, file: FileFacts, env: Env, seen: Set<number>, depth: number, bounds: boolean, view?: PackageView): number | undefined {
  if (depth > 6) return undefined;
  const e = unparen(expr);
  const again = (x: Node) => evaluate(x, file, env, seen, depth + 1, bounds, view);
  switch (e.type) {
    case 'int_literal': {
      const n = Number(e.text.replace(/_/g, ''));
      return Number.isFinite(n) ? n : undefined;
    }
    case 'binary_expression': {
      const op = e.childForFieldName('operator')?.text;
      // `d - time.Since(start)`: what is left of d, at most d (gopls' dialer waits out the rest of its timeout).
      if (bounds && op === '-' && isElapsed(e.childForFieldName('right')!)) return again(e.childForFieldName('left')!);
      if (op !== '*' && !(bounds && op === '+')) return undefined;
      const a = again(e.childForFieldName('left')!);
      const b = a === undefined ? undefined : again(e.childForFieldName('right')!);
      if (b === undefined) return undefined;
      return op === '*' ? a! * b : a! + b;
    }
    case 'selector_expression': {
      const unit = e.childForFieldName('operand')?.text === 'time' ? UNITS[e.childForFieldName('field')?.text ?? ''] : undefined;
      return unit;
    }
    case 'call_expression': {
      const parts = callParts(e);
      const args = callArgs(e);
      // time.Until(end) of `end := time.Now().Add(d)`: at most d (linkerd's tap window; time.Now() is read first).
      if (bounds && parts?.receiver === 'time' && parts.name === 'Until' && args.length === 1) {
        const end = unparen(args[0]);
        const start = end.type === 'identifier' ? file.onlyValue(end) : end;
        const add = start ? unparen(start) : undefined;
        const addParts = add?.type === 'call_expression' ? callParts(add) : undefined;
        const base = addParts?.name === 'Add' && addParts.receiverNode ? unparen(addParts.receiverNode) : undefined;
        // `start := time.Now(); end := start.Add(d)` too.
        const now = base?.type === 'identifier' ? file.onlyValue(base) : base;
        const nowParts = now && unparen(now).type === 'call_expression' ? callParts(unparen(now)) : undefined;
        if (nowParts?.receiver === 'time' && nowParts.name === 'Now' && callArgs(add!).length === 1) return again(callArgs(add!)[0]);
        return undefined;
      }
      // time.Duration(x): a conversion.
      if (parts?.receiver === 'time' && parts.name === 'Duration' && args.length === 1) return again(args[0]);
      if (parts && !parts.receiver && CONVERSIONS.has(parts.name) && args.length === 1) return again(args[0]);
      // rand.Int63n(n), rand.Intn(n), rand.N(n): less than n.
      if (bounds && RANDOM_SOURCE.test(parts?.receiver ?? '') && RANDOM.has(parts!.name) && args.length === 1) return again(args[0]);
      // r.Float64(), rand.Float32(): less than 1, so `r.Float64() * float64(d)` is less than d.
      if (bounds && (parts?.name === 'Float64' || parts?.name === 'Float32') && args.length === 0 && RANDOM_SOURCE.test(parts.receiver ?? '')) return 1;
      // min(a, b): bounded by any bounded argument.
      if (bounds && parts && !parts.receiver && parts.name === 'min' && args.length >= 2) {
        const known = args.map(again).filter((x): x is number => x !== undefined);
        return known.length ? Math.min(...known) : undefined;
      }
      return undefined;
    }
    case 'identifier': {
      if (env.has(e.text)) return env.get(e.text);
      const c = constValue(file, e.text, e);
      if (c) return again(c);
      const other = otherFileConstant(file, view, e);
      if (other !== undefined) return other;
      if (!bounds) {
        const only = file.onlyValue(e);
        return only ? again(only) : undefined;
      }
      const found = counterBound(e, file, view) ?? localBound(e, file, seen, again, view) ?? packageVarBound(e, file, again);
      const guarded = guardBound(e, file, view);
      return found === undefined ? guarded : guarded === undefined ? found : Math.min(found, guarded);
    }
    default:
      return undefined;
  }
}

/** `time.Since(t)`: a time elapsed, never negative on the monotonic clock. */
function isElapsed(expr: Node): boolean {
  const e = unparen(expr);
  const parts = e.type === 'call_expression' ? callParts(e) : undefined;
  return parts?.receiver === 'time' && parts.name === 'Since' && callArgs(e).length === 1;
}

/** The largest value of the counter of an enclosing counted loop that `id` names. */
function counterBound(id: Node, file: FileFacts, view?: PackageView): number | undefined {
  for (let p = id.parent; p; p = p.parent) {
    if (p.type === 'function_declaration' || p.type === 'method_declaration' || p.type === 'func_literal') return undefined;
    if (p.type !== 'for_statement') continue;
    const c = countedBy(p, file, view);
    if (c?.name === id.text) return Math.max(c.first, c.last);
  }
  return undefined;
}

/**
 * The bound an exit before the use proves: `if failures > maxFailures { return err }` (or `>=`,
 * `max < failures`, one operand of `||`) earlier in a block around `id`, whose body always leaves
 * that block (`return`, `continue`, `break`, `panic`), with no assignment of the name in the
 * statements from the guard to the use (a failure counter capped by giving up).
 */
function guardBound(id: Node, file: FileFacts, view?: PackageView): number | undefined {
  const name = id.text;
  let best: number | undefined;
  for (let child: Node = id, up = id.parent; up; child = up, up = up.parent) {
    if (FUNCTION_TYPES.has(up.type)) break;
    if (up.type !== 'statement_list') continue;
    const stmts = blockStatements(up);
    const at = stmts.findIndex((x) => x.id === child.id);
    for (let i = at - 1; i >= 0; i--) {
      const bound = stmts[i].type === 'if_statement' ? exitGuard(stmts[i], name, file, view) : undefined;
      if (bound !== undefined) {
        if (!stmts.slice(i + 1, at + 1).some((x) => assigns(x, name))) best = best === undefined ? bound : Math.min(best, bound);
        break;
      }
    }
  }
  return best;
}

/** For `if ... name > C ... { leave }` without `else` or initialiser: the largest value `name` can have after it. */
function exitGuard(stmt: Node, name: string, file: FileFacts, view?: PackageView): number | undefined {
  if (stmt.childForFieldName('alternative') || stmt.childForFieldName('initializer')) return undefined;
  const last = blockStatements(stmt.childForFieldName('consequence')).at(-1);
  const leaves =
    last?.type === 'return_statement' ||
    last?.type === 'continue_statement' ||
    last?.type === 'break_statement' ||
    (last?.type === 'expression_statement' && last.namedChild(0)?.type === 'call_expression' && callParts(last.namedChild(0)!)?.name === 'panic' && !callParts(last.namedChild(0)!)?.receiver);
  if (!leaves) return undefined;
  // Any operand of a top-level `||` that held would have left.
  for (const c of operandsOf(stmt.childForFieldName('condition')!, '||')) {
    if (c.type !== 'binary_expression') continue;
    const op = c.childForFieldName('operator')?.text;
    const l = unparen(c.childForFieldName('left')!);
    const r = unparen(c.childForFieldName('right')!);
    const [limit, strict] =
      l.type === 'identifier' && l.text === name && (op === '>' || op === '>=') ? [r, op === '>='] : r.type === 'identifier' && r.text === name && (op === '<' || op === '<=') ? [l, op === '<='] : [undefined, false];
    const n = limit ? integer(limit, file, view) : undefined;
    if (n !== undefined) return strict ? n - 1 : n;
  }
  return undefined;
}

/** The statement assigns `name` (`=`, `:=`, `+=`, `++`, `--`) anywhere in it. */
function assigns(stmt: Node, name: string): boolean {
  return settersOf(stmt, name, true).length > 0;
}

/**
 * A local whose declaration and every assignment in its function are bounded: the largest of
 * them. A self-referencing assignment (`d = min(2*d, time.Second)`) counts only through a cap.
 */
function localBound(id: Node, file: FileFacts, seen: Set<number>, bound: (x: Node) => number | undefined, view?: PackageView): number | undefined {
  const found = file.lookup(id.text, id);
  const d = found?.decl;
  // Inside its own assignment (`d = min(2*d, time.Second)`) a local is not bounded by itself.
  if (!d?.init || !found?.fn || d.multi || seen.has(d.node.startIndex)) return undefined;
  seen.add(d.node.startIndex);
  try {
    return assignedBound(id.text, bound(d.init), found.fn.node, bound) ?? grownBound(id, d.init, found.fn.node, file, bound, view);
  } finally {
    seen.delete(d.node.startIndex);
  }
}

/**
 * A back-off that grows by a constant factor once per round of a loop whose rounds are counted
 * (`nextDelay *= 2` in `for err != nil && retryCount < maxRetries { retryCount++; ... }`, kopia's
 * mmap retry): its first value times the factor to the number of rounds before the use. Only when
 * that one statement of the loop changes the local, at the loop's top level, and `id` is in the
 * same loop.
 */
function grownBound(id: Node, init: Node, scope: Node, file: FileFacts, bound: (x: Node) => number | undefined, view?: PackageView): number | undefined {
  const name = id.text;
  const changes = settersOf(scope, name);
  if (changes.length !== 1 || changes[0].type !== 'assignment_statement') return undefined;
  const grow = changes[0];
  const factor = growthFactor(grow, name);
  const loop = grow.parent?.type === 'statement_list' ? grow.parent.parent?.parent : undefined;
  if (factor === undefined || loop?.type !== 'for_statement' || !loop.childForFieldName('body') || !contains(loop, id)) return undefined;
  // A loop around this one that the local outlives would let it grow again on its next round.
  if (!onceAround(loop, init)) return undefined;
  const rounds = roundsOf(loop, file, view);
  const first = bound(init);
  if (rounds === undefined || first === undefined || rounds > 30) return undefined;
  // Grown before the use in a round (or in an earlier round only): the use sees at most rounds, or rounds - 1, growths.
  const useFirst = blockStatements(grow.parent!).some((st) => st.startIndex < grow.startIndex && contains(st, id));
  return first * factor ** (useFirst ? rounds - 1 : rounds);
}

/** Every loop around `loop` in its function also holds `decl`: each time `loop` runs again, `decl` runs again first. */
function onceAround(loop: Node, decl: Node): boolean {
  for (let p = loop.parent; p && !FUNCTION_TYPES.has(p.type); p = p.parent) {
    if (p.type === 'for_statement' && !contains(p, decl)) return false;
  }
  return true;
}

/** `d *= k` or `d = d * k` (`k * d`) with an integer literal k of at least 1: k. */
function growthFactor(a: Node, name: string): number | undefined {
  const right = a.childForFieldName('right')?.namedChildren ?? [];
  const op = a.childForFieldName('operator')?.text;
  if (right.length !== 1) return undefined;
  const r = unparen(right[0]);
  const lit = (n: Node | null) => (n && unparen(n).type === 'int_literal' ? Number(unparen(n).text.replace(/_/g, '')) : undefined);
  let k: number | undefined;
  if (op === '*=') k = lit(r);
  else if (op === '=' && r.type === 'binary_expression' && r.childForFieldName('operator')?.text === '*') {
    const [l, rr] = [unparen(r.childForFieldName('left')!), unparen(r.childForFieldName('right')!)];
    k = l.type === 'identifier' && l.text === name ? lit(rr) : rr.type === 'identifier' && rr.text === name ? lit(l) : undefined;
  }
  return k !== undefined && Number.isSafeInteger(k) && k >= 1 ? k : undefined;
}

/**
 * How many rounds a loop can run: a counted loop's (see countedBy), or a loop whose condition
 * requires `n < N` (or `n <= N`, one operand of a top-level `&&`) of a local that starts at a
 * constant and that only one `n++` at the loop's top level changes.
 */
function roundsOf(loop: Node, file: FileFacts, view?: PackageView): number | undefined {
  const c = countedBy(loop, file, view);
  if (c) return Math.max(0, c.last - c.first + 1);
  const cond = whileCondition(loop);
  for (const o of cond ? operandsOf(cond, '&&') : []) {
    const op = o.type === 'binary_expression' ? o.childForFieldName('operator')?.text : undefined;
    const l = op ? unparen(o.childForFieldName('left')!) : undefined;
    if ((op !== '<' && op !== '<=') || l?.type !== 'identifier') continue;
    const limit = integer(o.childForFieldName('right')!, file, view);
    const found = file.lookup(l.text, l);
    const d = found?.decl;
    const start = d?.init ? integer(d.init, file, view) : undefined;
    if (limit === undefined || start === undefined || d?.multi || !found?.fn) continue;
    const steps = settersOf(found.fn.node, l.text);
    const top = steps.length === 1 && steps[0].type === 'inc_statement' && steps[0].parent?.parent?.parent?.id === loop.id && onceAround(loop, d!.node);
    if (top) return Math.max(0, (op === '<' ? limit : limit + 1) - start);
  }
  return undefined;
}

/**
 * The largest of `first` and of every value `name` is assigned in `scope` (see
 * {@link valuesAssigned}); undefined when one of them is not bounded or says nothing.
 */
function assignedBound(
  name: string,
  first: number | undefined,
  scope: Node,
  bound: (x: Node) => number | undefined,
  isVar?: (l: Node) => boolean,
): number | undefined {
  const values = first === undefined ? undefined : valuesAssigned(scope, name, isVar);
  if (!values) return undefined;
  let max = first!;
  for (const v of values) {
    const b = bound(v);
    if (b === undefined) return undefined;
    max = Math.max(max, b);
  }
  return max;
}

/**
 * An unexported package variable of this file whose declaration and every assignment in the file
 * are bounded (tailscale's systray: `newMenuDelay = 0` or `10 * time.Millisecond`): the largest.
 * A variable without a value starts at zero.
 */
function packageVarBound(id: Node, file: FileFacts, bound: (x: Node) => number | undefined): number | undefined {
  const found = file.lookup(id.text, id);
  const d = found?.decl;
  if (!d || found.fn || d.multi || !/^[a-z_]/.test(d.name)) return undefined;
  return assignedBound(id.text, d.init ? bound(d.init) : 0, file.root, bound, (l) => file.lookup(l.text, l)?.decl === d);
}

/**
 * The value of a package-level constant another file of the package declares (pd's
 * `retryIntervalRequestTSOServer` in its own consts file), as that file's summary evaluated it:
 * only for a name nothing in this file declares, locally or at package level.
 */
function otherFileConstant(file: FileFacts, view: PackageView | undefined, id: Node): number | undefined {
  if (!view || file.lookup(id.text, id)) return undefined;
  return view.constant(id.text);
}

/**
 * The value of a constant of the file: `const retryDelay = 100 * time.Millisecond`. Seen from
 * `at`, a constant of an enclosing function hides one of the file (minio's metacache declares
 * `retryDelay` in two functions); undefined when the nearest scope declares it more than once.
 */
export function constValue(file: FileFacts, name: string, at?: Node): Node | undefined {
  const all = descendants(file.root, 'const_spec').filter((c) => c.childrenForFieldName('name').some((x) => x?.text === name));
  const scopeOf = (n: Node) => enclosingFunction(n);
  // Declarations visible at `at`: of the file, or of a function that contains `at`; the innermost win.
  const visible = all.filter((c) => {
    const f = scopeOf(c);
    return !f || (at !== undefined && f.startIndex <= at.startIndex && at.endIndex <= f.endIndex);
  });
  const depth = (c: Node) => {
    let d = 0;
    for (let f = scopeOf(c); f; f = scopeOf(f)) d++;
    return d;
  };
  const deepest = Math.max(-1, ...visible.map(depth));
  const specs = visible.filter((c) => depth(c) === deepest);
  if (specs.length !== 1) return undefined;
  const names = specs[0].childrenForFieldName('name');
  const values = specs[0].childForFieldName('value')?.namedChildren ?? [];
  return names.length === values.length ? values[names.findIndex((x) => x?.text === name)] : undefined;
}
