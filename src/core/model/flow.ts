/**
 * Control-flow and channel facts for the goroutine-leak rules: who sends on and receives from a
 * channel a function makes, whether the channel escapes to code we cannot follow, how many values
 * a goroutine can send in one run, how often a loop runs, where a function stops, and which select
 * cases give up waiting. Syntax only and conservative: when a shape is not understood the answer
 * says so (an `escape`, a `many` count, `false`) so that callers can stay silent.
 */
import { fieldChannelMentions, fieldUsedElsewhere, inLoop, runsBefore } from './channels';
import { isDoneCall } from './context';
import { compact, factsOf, hasBuffer, parseChanMake, type FileFacts, type FuncInfo, type GoStmt, type Param, type VarDecl } from './facts';
import { funcKey, type PackageView } from './package';
import type { Element } from './cfg';
import { solve } from './dataflow';
import { constValue } from './durations';
import { cfgOf, everyPathPasses } from './paths';
import type { Node } from '../syntax/parser';
import {
  alwaysRunsChild,
  blockStatements,
  callArgs,
  callParts,
  caseReceive,
  defaultCase,
  descendants,
  enclosingFunction,
  FUNCTION_TYPES,
  isEndlessLoop,
  jumpTarget,
  pathKey,
  selectCases,
  unparen,
  walk,
} from '../syntax/nodes';

// ---------------------------------------------------------------------------------------------
// Counting

/**
 * How many times something happens, as far as the syntax shows: a constant, a symbolic count
 * (`len(ids)`, `n`: the same text stands for the same number) or an unknown number.
 */
export type Count = { kind: 'const'; n: number } | { kind: 'sym'; text: string } | { kind: 'many' };

export const MANY: Count = { kind: 'many' };

export function constCount(n: number): Count {
  return { kind: 'const', n };
}

/** `a * b`, staying exact only when one side is a constant 1 or both are constants. */
export function multiplyCounts(a: Count, b: Count): Count {
  if (a.kind === 'const' && b.kind === 'const') return constCount(a.n * b.n);
  if (a.kind === 'const' && a.n === 1) return b;
  if (b.kind === 'const' && b.n === 1) return a;
  if ((a.kind === 'const' && a.n === 0) || (b.kind === 'const' && b.n === 0)) return constCount(0);
  return MANY;
}

/** `a + b`, exact only for constants (a symbolic count plus zero stays symbolic). */
export function addCounts(a: Count, b: Count): Count {
  if (a.kind === 'const' && b.kind === 'const') return constCount(a.n + b.n);
  if (a.kind === 'const' && a.n === 0) return b;
  if (b.kind === 'const' && b.n === 0) return a;
  return MANY;
}

/**
 * How many times a `for` loop runs its body, when its header says so:
 * `for range 3` / `for i := 0; i < 3; i++` -> 3; `for _, x := range xs` -> `len(xs)`;
 * `for i := 0; i < n; i++` -> `n`. Anything else (conditions, `for {}`, ranging over a call) is `many`.
 * Ranging over a channel also gives `len(ch)`; callers that care check the range operand's type.
 */
export function loopCount(loop: Node): Count {
  const range = loop.namedChildren.find((c) => c?.type === 'range_clause');
  if (range) {
    const right = range.childForFieldName('right');
    if (!right) return MANY;
    const r = unparen(right);
    if (r.type === 'int_literal') return constCount(Number(r.text));
    // `range []string{"a", "b"}`: as many passes as the literal has elements (without `...` keys).
    const body = r.type === 'composite_literal' ? r.childForFieldName('body') : undefined;
    if (body && !body.namedChildren.some((e) => e.type === 'keyed_element' || e.type === 'comment')) return constCount(body.namedChildren.length);
    const key = pathKey(r);
    return key && r.type !== 'unary_expression' ? { kind: 'sym', text: `len(${key})` } : MANY;
  }
  const clause = loop.namedChildren.find((c) => c?.type === 'for_clause');
  if (!clause) return MANY;
  const init = clause.childForFieldName('initializer');
  const cond = clause.childForFieldName('condition');
  const update = clause.childForFieldName('update');
  const counter = init?.type === 'short_var_declaration' ? init.childForFieldName('left')?.namedChild(0) : undefined;
  const start = init?.childForFieldName('right')?.namedChildren;
  if (!counter || counter.type !== 'identifier' || start?.length !== 1 || start[0]?.text !== '0') return MANY;
  if (cond?.type !== 'binary_expression' || cond.childForFieldName('operator')?.text !== '<') return MANY;
  if (cond.childForFieldName('left')?.text !== counter.text) return MANY;
  if (update?.type !== 'inc_statement' || update.namedChild(0)?.text !== counter.text) return MANY;
  const bound = unparen(cond.childForFieldName('right')!);
  if (bound.type === 'int_literal') return constCount(Number(bound.text));
  if (pathKey(bound) && bound.type !== 'unary_expression') return { kind: 'sym', text: compact(bound.text) };
  const parts = bound.type === 'call_expression' ? callParts(bound) : undefined;
  const args = parts ? callArgs(bound) : [];
  if (parts?.name === 'len' && !parts.receiver && args.length === 1 && pathKey(args[0])) {
    return { kind: 'sym', text: `len(${pathKey(args[0])})` };
  }
  return MANY;
}

/** The `for` loops of the spawner around a go statement, innermost first; with `within`, only loops inside that node. */
export function spawnLoops(g: GoStmt, within?: Node): Node[] {
  const out: Node[] = [];
  for (let p = g.node.parent; p && !FUNCTION_TYPES.has(p.type) && p.id !== within?.id; p = p.parent) {
    if (p.type === 'for_statement') out.push(p);
  }
  return out;
}

/**
 * True when every loop around the go statement starts it in one pass at most: it lies in the
 * `then` block of an `if` whose condition pins the loop's counter to one value (`if i == n/4 { go
 * ... }`, cloudflared's orchestrator test), with the counter stepped only by the loop's header and
 * the other side not written in the loop. The statement may also not run at all.
 */
export function startsAtMostOnce(g: GoStmt, within?: Node): boolean {
  const loops = spawnLoops(g, within);
  return loops.length > 0 && loops.every((loop) => pinnedToOnePass(g.node, loop));
}

function pinnedToOnePass(node: Node, loop: Node): boolean {
  const counter = loopCounter(loop);
  const body = loop.childForFieldName('body');
  if (!counter || !body || writes(body, counter)) return false;
  for (let p = node.parent, child = node; p && p.id !== loop.id; child = p, p = p.parent) {
    if (p.type !== 'if_statement' || p.childForFieldName('consequence')?.id !== child.id) continue;
    if (pins(p.childForFieldName('condition'), counter, body)) return true;
  }
  return false;
}

/**
 * The name of a counter that takes a new value on every pass: `i` of `for i := 0; ...; i++` (or
 * `i--`, `i += 2`), of `for i := range 10`, or the index of `for i, x := range xs`.
 */
function loopCounter(loop: Node): string | undefined {
  const range = loop.namedChildren.find((c) => c.type === 'range_clause');
  if (range) {
    const left = range.childForFieldName('left')?.namedChildren ?? [];
    const right = range.childForFieldName('right');
    const index = left[0]?.type === 'identifier' && left[0].text !== '_' ? left[0].text : undefined;
    // With one variable a range over a channel gives values, which may repeat; over an integer, 0, 1, 2...
    return index && (left.length === 2 || (right && isInteger(right, 0))) ? index : undefined;
  }
  const clause = loop.namedChildren.find((c) => c.type === 'for_clause');
  const init = clause?.childForFieldName('initializer');
  const update = clause?.childForFieldName('update');
  const names = init?.type === 'short_var_declaration' ? init.childForFieldName('left')?.namedChildren ?? [] : [];
  const counter = names.length === 1 && names[0].type === 'identifier' ? names[0].text : undefined;
  if (!counter || !update) return undefined;
  if ((update.type === 'inc_statement' || update.type === 'dec_statement') && update.namedChild(0)?.text === counter) return counter;
  const op = update.type === 'assignment_statement' ? update.childForFieldName('operator')?.text : undefined;
  const step = update.childForFieldName('right')?.namedChildren ?? [];
  const stepsByConstant = (op === '+=' || op === '-=') && step.length === 1 && step[0].type === 'int_literal' && Number(step[0].text) !== 0;
  return stepsByConstant && update.childForFieldName('left')?.text === counter ? counter : undefined;
}

/**
 * An integer as far as the file shows: a literal, arithmetic on integers, `len(...)`, or a name
 * declared with an integer type or initialised with an integer (`const n = 200`).
 */
function isInteger(expr: Node, depth: number): boolean {
  const e = unparen(expr);
  if (e.type === 'int_literal') return true;
  if (e.type === 'binary_expression') return /^[-+*/%]$/.test(e.childForFieldName('operator')?.text ?? '') && isInteger(e.childForFieldName('left')!, depth) && isInteger(e.childForFieldName('right')!, depth);
  if (e.type === 'call_expression') return callParts(e)?.name === 'len' && !callParts(e)?.receiver;
  if (e.type !== 'identifier' || depth > 2) return false;
  const file = factsOf(e);
  const decl = file?.lookup(e.text, e)?.decl;
  if (decl?.type) return /^u?int(8|16|32|64)?$/.test(decl.type);
  if (decl) return decl.init !== undefined && !decl.multi && isInteger(decl.init, depth + 1);
  const constant = file ? constValue(file, e.text, e) : undefined;
  return constant !== undefined && isInteger(constant, depth + 1);
}

/** `cond` holds for one value of `counter` at most: `counter == e` or `e == counter`, alone or in a chain of `&&`. */
function pins(cond: Node | null, counter: string, body: Node): boolean {
  const c = cond ? unparen(cond) : undefined;
  if (c?.type !== 'binary_expression') return false;
  const op = c.childForFieldName('operator')?.text;
  const left = c.childForFieldName('left');
  const right = c.childForFieldName('right');
  if (!left || !right) return false;
  if (op === '&&') return pins(left, counter, body) || pins(right, counter, body);
  if (op !== '==') return false;
  const [mine, other] = unparen(left).text === counter ? [left, right] : unparen(right).text === counter ? [right, left] : [undefined, undefined];
  if (!mine || !other) return false;
  // The other side is the same on every pass: no name in it is the counter or written in the loop.
  return !descendants(other, 'call_expression').length && !descendants(other, 'identifier').some((id) => id.text === counter || writes(body, id.text));
}

const WRITE_STATEMENTS: ReadonlySet<string> = new Set(['assignment_statement', 'short_var_declaration', 'inc_statement', 'dec_statement']);

/** Some statement of `body` (its closures included) assigns, declares or steps the name. */
function writes(body: Node, name: string): boolean {
  for (const n of descendants(body, WRITE_STATEMENTS)) {
    const left = n.type === 'inc_statement' || n.type === 'dec_statement' ? n.namedChild(0) : n.childForFieldName('left');
    const targets = left?.type === 'expression_list' ? left.namedChildren : left ? [left] : [];
    if (targets.some((t) => unparen(t).text === name)) return true;
  }
  return false;
}

/** How many goroutines one go statement starts per run of its spawner (or of the block `within`): the product of its loops' counts. */
export function spawnCount(g: GoStmt, within?: Node): Count {
  return spawnLoops(g, within).reduce<Count>((acc, loop) => multiplyCounts(acc, loopCount(loop)), constCount(1));
}

// ---------------------------------------------------------------------------------------------
// Channel uses and escape

export interface ChannelSend {
  /** The send statement. */
  node: Node;
  /** The goroutine that runs it. */
  go: GoStmt;
  /** True when the send is a case of a select that has other cases (or a default), so it need not block. */
  guarded: boolean;
}

export interface ChannelUses {
  /** Receives in the owning function's own body: `<-ch` expressions and `for ... range ch` clauses. */
  receives: Node[];
  /** Sends in the owning function's own body. */
  ownSends: Node[];
  /** Sends made by goroutines the owning function starts (closures or functions of this file the channel is passed to). */
  sends: ChannelSend[];
  /** Receives made by goroutines the owning function starts; recorded only when asked for (else they make the channel escape). */
  goReceives?: { node: Node; go: GoStmt }[];
  /** `close(ch)` calls, with the goroutine that makes them (undefined for the owning function itself). */
  closes: { node: Node; go?: GoStmt }[];
  /**
   * The first use that lets the channel reach code this analysis does not follow: it is returned,
   * stored, passed to a call, captured by a closure that is not a goroutine, received by a goroutine.
   * Undefined when every use is accounted for.
   */
  escape?: Node;
}

/** A variable to trace: the channel itself in its function, or a parameter it was passed to. */
interface Trace {
  root: Node;
  name: string;
  is: (id: Node) => boolean;
  /** Set when the trace runs inside a goroutine's code. */
  go?: GoStmt;
}

/**
 * Every use of a local channel variable `decl` of `fn`, following it into goroutines that `fn`
 * starts: closures that capture it and functions of this file it is passed to as an argument of
 * the go statement (through their parameter). Deferred closures inside a goroutine count as the goroutine.
 */
export function channelUses(file: FileFacts, fn: FuncInfo, decl: VarDecl, options: { goReceives?: boolean; helpers?: boolean } = {}): ChannelUses {
  const uses: ChannelUses = { receives: [], ownSends: [], sends: [], closes: [], ...(options.goReceives ? { goReceives: [] } : {}) };
  if (!fn.body) return { ...uses, escape: decl.node };
  const traces: Trace[] = [{ root: fn.node, name: decl.name, is: (id) => file.lookup(id.text, id)?.decl === decl }];
  const traced = new Set<string>();
  while (traces.length > 0 && !uses.escape) {
    const t = traces.pop()!;
    walk(t.root, (n) => {
      if (uses.escape) return false;
      if (n.type !== 'identifier' || n.text !== t.name || n.id === decl.node.id || !t.is(n)) return;
      const go = t.go ? goroutineAt(file, n, t.go) : goroutineAt(file, n, undefined, fn);
      if (go === null) {
        uses.escape = n;
        return;
      }
      const kind = useKind(n);
      if (kind === 'send') {
        const send = n.parent!;
        if (go) uses.sends.push({ node: send, go, guarded: isGuarded(send) });
        else uses.ownSends.push(send);
      } else if (kind === 'receive' && !go) {
        uses.receives.push(unparenParent(n));
      } else if (kind === 'receive' && go && uses.goReceives) {
        uses.goReceives.push({ node: unparenParent(n), go });
      } else if (kind === 'close') {
        uses.closes.push({ node: unparenParent(n).parent!, go });
      } else if (kind === 'neutral') {
        // len(ch), cap(ch): neither a send nor a receive.
      } else if (kind === 'call-arg' && !go && options.helpers) {
        // `startFetch(ch)`: a helper of this file whose only use of the channel is a goroutine it starts.
        const next = helperTrace(file, n, fn);
        if (!next || traced.has(next.key)) {
          uses.escape = n;
          return;
        }
        traced.add(next.key);
        traces.push(next.trace);
      } else if (kind === 'go-arg' && !go) {
        const next = argumentTrace(file, n, fn);
        if (!next || traced.has(next.key)) {
          uses.escape = n;
          return;
        }
        traced.add(next.key);
        traces.push(next.trace);
      } else {
        uses.escape = n;
      }
    });
  }
  return uses;
}

/** The parent of an expression, looking through parentheses: for `<-(ch)` the receive. */
function unparenParent(id: Node): Node {
  let n = id;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  return n.parent!;
}

type UseKind = 'send' | 'receive' | 'close' | 'neutral' | 'go-arg' | 'call-arg' | 'other';

function useKind(id: Node): UseKind {
  let n = id;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  if (!p) return 'other';
  if (p.type === 'send_statement' && p.childForFieldName('channel')?.id === n.id) return 'send';
  if (p.type === 'unary_expression' && p.childForFieldName('operator')?.text === '<-') return 'receive';
  if (p.type === 'range_clause' && p.childForFieldName('right')?.id === n.id) return 'receive';
  if (p.type === 'argument_list' && p.parent?.type === 'call_expression') {
    const call = p.parent;
    const parts = callParts(call);
    if (parts && !parts.receiver && parts.name === 'close') return 'close';
    if (parts && !parts.receiver && (parts.name === 'len' || parts.name === 'cap')) return 'neutral';
    if (call.parent?.type === 'go_statement') return 'go-arg';
    if (call.parent?.type === 'expression_statement') return 'call-arg';
  }
  return 'other';
}

/** A send that is one case of a select with other cases or a default does not have to wait. */
function isGuarded(send: Node): boolean {
  const cc = send.parent;
  if (cc?.type !== 'communication_case' || cc.childForFieldName('communication')?.id !== send.id) return false;
  return cc.parent !== null && selectCases(cc.parent).length > 1;
}

/**
 * The goroutine whose code holds `id`: `undefined` when it is the owner function's own code,
 * `null` when it is some other function (a closure run later, a nested goroutine) we do not follow.
 * In a trace through a goroutine's code (`inside` set), the goroutine is that one.
 */
function goroutineAt(file: FileFacts, id: Node, inside: GoStmt | undefined, owner?: FuncInfo): GoStmt | undefined | null {
  let fnNode = enclosingFn(id);
  // A closure deferred inside the goroutine runs in the goroutine, once, at its end.
  let deferred = false;
  while (fnNode && isDeferredLiteral(fnNode)) {
    fnNode = enclosingFn(fnNode);
    deferred = true;
  }
  if (!fnNode) return null;
  if (inside) return fnNode.id === inside.target?.node.id ? inside : null;
  // In the owner itself, a deferred closure runs at every return: its uses are not in statement order.
  if (fnNode.id === owner!.node.id) return deferred ? null : undefined;
  const g =
    file.goStatements.find((x) => x.target?.node.id === fnNode!.id && x.target.kind === 'literal') ??
    file.groupStarts.find((x) => x.target?.node.id === fnNode!.id);
  return g && g.spawner?.node.id === owner!.node.id ? g : null;
}

function enclosingFn(n: Node): Node | undefined {
  for (let p = n.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) return p;
  return undefined;
}

/** `defer func() { ... }()`: the literal. */
function isDeferredLiteral(fnNode: Node): boolean {
  return fnNode.type === 'func_literal' && fnNode.parent?.type === 'call_expression' && fnNode.parent.parent?.type === 'defer_statement';
}

/** For `go worker(ch)` / `go func(c chan T) {...}(ch)`: a trace of the parameter `ch` is bound to. */
function argumentTrace(file: FileFacts, id: Node, owner: FuncInfo): { key: string; trace: Trace } | undefined {
  let arg = id;
  while (arg.parent?.type === 'parenthesized_expression') arg = arg.parent;
  const call = arg.parent!.parent!;
  const g = file.goStatements.find((x) => x.call?.id === call.id);
  if (!g?.target?.body || g.spawner?.node.id !== owner.node.id) return undefined;
  const index = callArgs(call).findIndex((a) => a.id === arg.id);
  const param: Param | undefined = g.target.params[index];
  if (!param || !param.name || param.name === '_' || param.type.startsWith('...')) return undefined;
  const target = g.target;
  return {
    key: `${g.node.id}:${param.name}`,
    trace: { root: target.body!, name: param.name, go: g, is: (n) => file.lookup(n.text, n)?.param === param },
  };
}

/**
 * For `startFetch(ch)`, a call statement of `owner` to a function or method of this file that
 * starts one goroutine literal unconditionally (at the top of its body, with no return before
 * it): a trace of the parameter `ch` is bound to, run as that goroutine, which the caller sees
 * as started by the call. Any use of the parameter outside the goroutine makes the channel escape.
 */
function helperTrace(file: FileFacts, id: Node, owner: FuncInfo): { key: string; trace: Trace } | undefined {
  let arg = id;
  while (arg.parent?.type === 'parenthesized_expression') arg = arg.parent;
  const call = arg.parent!.parent!;
  let loop: Node | undefined;
  for (let p = call.parent; p && p.id !== owner.node.id; p = p.parent) {
    if (FUNCTION_TYPES.has(p.type)) return undefined;
    if (p.type === 'for_statement') loop ??= p;
  }
  const target = file.resolveCall(call)?.target;
  if (!target?.body || target.kind === 'literal' || target.node.id === owner.node.id) return undefined;
  const index = callArgs(call).findIndex((a) => a.id === arg.id);
  const param: Param | undefined = target.params[index];
  if (!param || !param.name || param.name === '_' || param.type.startsWith('...')) return undefined;
  const starts = file.goStatements.filter((g) => g.spawner?.node.id === target.node.id);
  const g = starts.length === 1 ? starts[0] : undefined;
  const top = blockStatements(target.body);
  const at = g ? top.findIndex((stmt) => stmt.id === g.node.id) : -1;
  if (!g?.target?.body || g.target.kind !== 'literal' || at < 0) return undefined;
  if (top.slice(0, at).some((stmt) => stmt.type === 'return_statement' || descendants(stmt, 'return_statement', true).length > 0)) return undefined;
  // The goroutine as the caller sees it: started by the call, where the call stands.
  const started: GoStmt = { node: call, spawner: owner, call, target: g.target, bindings: g.bindings, loop };
  return {
    key: `${call.id}:${param.name}`,
    trace: { root: target.body, name: param.name, go: started, is: (n) => file.lookup(n.text, n)?.param === param },
  };
}

// ---------------------------------------------------------------------------------------------
// Sends per run

/**
 * The fewest and the most values one run of `body` can send, counting nodes for which `isSend` is
 * true, answered on the function's control-flow graph: an if/switch/select takes its smallest or
 * largest arm, code after a `return` (or `panic`, `log.Fatal`) is not on that path, and a deferred
 * closure counts once from where it is deferred. A send on a path that can go round a loop makes
 * the most Infinity. The fewest are counted over the paths that end (return, panic); a run that
 * never ends counts 0. When the graph cannot be built, 0 and 0: callers then stay silent.
 *
 * A deferred closure's sends under `if r := recover(); r != nil` (or under `if !done`, with `done`
 * set on every path that returns) happen only when the run panics, and a panic ends the run's own
 * sends: they add to what the run sent before the statement that panicked, not to a run that went
 * on to its end (`defer func() { if recover() != nil { done <- err } }()` then `done <- work()`
 * sends one value either way).
 */
export function sendsPerRun(body: Node, isSend: (n: Node) => boolean): { min: number; max: number } {
  const fnNode = body.parent;
  const file = factsOf(body);
  const g = fnNode && FUNCTION_TYPES.has(fnNode.type) && file ? cfgOf(file, fnNode) : undefined;
  if (!g) return { min: 0, max: 0 };
  const own = new Map<Element, PerRun>();
  let ceiling = 0;
  let onPanic = 0;
  for (const b of g.blocks) {
    for (const el of b.elements) {
      const c = elementSends(el, isSend);
      onPanic += c.onPanic;
      if (c.max === 0) continue;
      own.set(el, c);
      ceiling += c.max;
    }
  }
  if (own.size === 0 && onPanic === 0) return { min: 0, max: 0 };
  // A path with more sends than all elements hold together has gone round a loop: Infinity.
  const widen = (n: number) => (n > ceiling ? Infinity : n);
  const solution = solve<PerRun>(g, {
    direction: 'forward',
    boundary: { min: 0, max: 0 },
    join: (x, y) => ({ min: Math.min(x.min, y.min), max: Math.max(x.max, y.max) }),
    equals: (x, y) => x.min === y.min && x.max === y.max,
    transfer: (el, f) => {
      const c = own.get(el);
      return c ? { min: f.min + c.min, max: widen(f.max + c.max) } : f;
    },
  });
  if (!solution) return { min: 0, max: 0 };
  let max = 0;
  for (const b of g.rpo) max = Math.max(max, solution.blockOut(b)?.max ?? 0);
  if (onPanic > 0) {
    // Where can the run panic? Before any element that does more than jump: a send statement
    // panics (on a closed channel) before its value is sent, any other element after its sends.
    let sentBeforePanic = 0;
    for (const b of g.rpo) {
      for (const el of g.blocks[b].elements) {
        const at = el.node.type === 'send_statement' ? solution.before(el) : solution.after(el);
        if (at && mayPanic(el)) sentBeforePanic = Math.max(sentBeforePanic, at.max);
      }
    }
    max = Math.max(max, sentBeforePanic + onPanic);
  }
  const ends = [solution.blockIn(g.exit), solution.blockIn(g.abort)].filter((x): x is PerRun => x !== undefined);
  return { min: ends.length === 0 ? 0 : Math.min(...ends.map((e) => e.min)), max };
}

interface PerRun {
  min: number;
  max: number;
}

/** Operations that can panic: calls, indexing, slicing, type assertions, field reads through a pointer, `*p`, division. */
const PANICKY = new Set(['call_expression', 'index_expression', 'slice_expression', 'type_assertion_expression', 'selector_expression']);

/** The element evaluates something that can panic (elements that only move control, like `return` or `break`, cannot). */
function mayPanic(el: Element): boolean {
  let found = false;
  walk(el.node, (n) => {
    if (found || n.type === 'func_literal') return false;
    if (PANICKY.has(n.type)) found = true;
    else if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '*') found = true;
    else if (n.type === 'binary_expression' && /^[/%]$/.test(n.childForFieldName('operator')?.text ?? '')) found = true;
  });
  return found;
}

/**
 * True when `n`, inside the deferred literal `lit`, runs only when the function is cut short by a
 * panic: under `if r := recover(); r != nil`, `if recover() != nil`, or `r := recover()` then
 * `if r != nil`; or under `if !done`, where `done` is a local of the function, false until every
 * path that returns sets it (fiber's `App.Test`: `channel <- serve(); returned = true`).
 */
function onlyWhenCutShort(n: Node, lit: Node): boolean {
  for (let p = n.parent, child = n; p && p.id !== lit.id; child = p, p = p.parent) {
    if (FUNCTION_TYPES.has(p.type)) return false;
    if (p.type !== 'if_statement' || p.childForFieldName('consequence')?.id !== child.id) continue;
    const cond = unparen(p.childForFieldName('condition')!);
    if (cond.type === 'unary_expression' && cond.childForFieldName('operator')?.text === '!') {
      const flag = unparen(cond.childForFieldName('operand')!);
      if (flag.type === 'identifier' && setOnEveryReturn(flag, lit)) return true;
      continue;
    }
    if (cond.type !== 'binary_expression' || cond.childForFieldName('operator')?.text !== '!=') continue;
    const [l, r] = [unparen(cond.childForFieldName('left')!), unparen(cond.childForFieldName('right')!)];
    const other = l.type === 'nil' ? r : r.type === 'nil' ? l : undefined;
    if (!other) continue;
    if (isRecoverCall(other)) return true;
    if (other.type === 'identifier' && recoveredInto(other.text, p, lit)) return true;
  }
  return false;
}

/**
 * `flag`, read in the deferred literal `lit`, is a local of the function that defers it, false
 * until set (see {@link setOnlyToTrue}), and every path to the function's end passes a set.
 */
function setOnEveryReturn(flag: Node, lit: Node): boolean {
  const file = factsOf(lit);
  const fnNode = enclosingFunction(lit);
  const sets = file && fnNode ? setOnlyToTrue(file, fnNode, flag) : undefined;
  return sets !== undefined && everyPathPasses(fnNode!, sets);
}

/**
 * For an identifier naming a local boolean of `fnNode` declared false (`var done bool`,
 * `done := false`), which the function only ever sets with plain `done = true` statements of its
 * own (none in a closure, no other assignment anywhere): those statements. Undefined otherwise.
 */
export function setOnlyToTrue(file: FileFacts, fnNode: Node, flag: Node): Node[] | undefined {
  const decl = file.lookup(flag.text, flag)?.decl;
  if (!decl || decl.multi || (decl.init && decl.init.text !== 'false') || enclosingFunction(decl.node)?.id !== fnNode.id) return undefined;
  const sets: Node[] = [];
  for (const a of descendants(fnNode.childForFieldName('body')!, 'assignment_statement')) {
    const left = a.childForFieldName('left')?.namedChildren ?? [];
    if (!left.some((l) => l.text === flag.text)) continue;
    const right = a.childForFieldName('right')?.namedChildren ?? [];
    if (left.length !== 1 || right[0]?.text !== 'true' || a.childForFieldName('operator')?.text !== '=' || enclosingFunction(a)?.id !== fnNode.id) return undefined;
    sets.push(a);
  }
  return sets.length > 0 ? sets : undefined;
}

function isRecoverCall(n: Node): boolean {
  return n.type === 'call_expression' && n.childForFieldName('function')?.text === 'recover' && callArgs(n).length === 0;
}

/** `name` is declared inside the deferred literal `lit` as `name := recover()` (in the if's initializer or before it). */
function recoveredInto(name: string, ifStmt: Node, lit: Node): boolean {
  const decl = factsOf(lit)?.lookup(name, ifStmt.childForFieldName('condition')!)?.decl;
  return !!decl?.init && isRecoverCall(unparen(decl.init)) && enclosingFunction(decl.node)?.id === lit.id;
}

/**
 * The sends one element performs itself: nodes under it (not in a `go` statement or a function
 * literal), plus, for `defer func() { ... }()`, what one run of the deferred literal sends. A
 * select head, a loop or switch head has none: its cases and body are elements of their own.
 */
function elementSends(el: Element, isSend: (n: Node) => boolean): PerRun & { onPanic: number } {
  if (el.kind === 'select' || el.kind === 'head') return { min: 0, max: 0, onPanic: 0 };
  let min = 0;
  let max = 0;
  let onPanic = 0;
  walk(el.node, (n) => {
    if (n.type === 'go_statement') return false; // another goroutine's sends
    if (n.type === 'func_literal') {
      if (isDeferredLiteral(n)) {
        const inner = sendsPerRun(n.childForFieldName('body')!, (x) => isSend(x) && !onlyWhenCutShort(x, n));
        min += inner.min;
        max += inner.max;
        onPanic += sendsPerRun(n.childForFieldName('body')!, (x) => isSend(x) && onlyWhenCutShort(x, n)).max;
      }
      return false;
    }
    if (isSend(n)) {
      min++;
      max++;
    }
  });
  return { min, max, onPanic };
}

const CASES = new Set(['expression_case', 'type_case', 'default_case', 'communication_case']);

// ---------------------------------------------------------------------------------------------
// Paths and exits

/**
 * True when evaluating `root` always evaluates `node`: between them lies no branch (if/switch arm,
 * select case), loop body, closure or short-circuit operand. An if's initializer and condition,
 * and a switch's initializer and tag, are always evaluated.
 */
export function alwaysEvaluated(node: Node, root: Node): boolean {
  let child = node;
  for (let p = node.parent; p && child.id !== root.id; child = p, p = p.parent) {
    if (!alwaysRunsChild(p, child)) return false;
  }
  return child.id === root.id;
}

/**
 * True when a statement never lets control continue to the statement after it: `return`, `goto`,
 * `continue`, a labelled `break` (an unlabelled one only leaves its select or switch), `panic`,
 * `log.Fatal`, `os.Exit`, `t.Fatal`, an endless `for` without a `break`, or an if/else, switch
 * with default, or select whose every arm does not continue either.
 */
export function terminates(stmt: Node): boolean {
  const stack = [stmt];
  while (stack.length > 0) {
    const s = stack.pop()!;
    switch (s.type) {
      case 'return_statement':
      case 'goto_statement':
      case 'continue_statement':
        continue;
      case 'break_statement':
        if (s.namedChildren.some((c) => c?.type === 'label_name')) continue;
        return false;
      case 'expression_statement': {
        const call = s.namedChild(0);
        if (call && isNoReturnCall(call)) continue;
        return false;
      }
      case 'block': {
        const last = blockStatements(s).at(-1);
        if (!last) return false;
        stack.push(last);
        continue;
      }
      case 'labeled_statement': {
        const inner = s.namedChildren.find((c) => c !== null && c.type !== 'label_name' && c.type !== 'comment');
        if (!inner) return false;
        stack.push(inner);
        continue;
      }
      case 'if_statement': {
        const cons = s.childForFieldName('consequence');
        const alt = s.childForFieldName('alternative');
        if (!cons || !alt) return false;
        stack.push(cons, alt);
        continue;
      }
      case 'for_statement': {
        if (!isEndlessLoop(s) || hasBreakOut(s)) return false;
        continue;
      }
      case 'select_statement':
      case 'expression_switch_statement':
      case 'type_switch_statement': {
        const cases = s.namedChildren.filter((c): c is Node => c !== null && CASES.has(c.type));
        if (s.type !== 'select_statement' && !defaultCase(s)) return false;
        if (hasBreakOut(s)) return false;
        for (const c of cases) {
          const last = caseStatements(c).at(-1);
          if (!last) return false;
          stack.push(last);
        }
        continue;
      }
      default:
        return false;
    }
  }
  return true;
}

/** The statements of a select or switch case. */
export function caseStatements(c: Node): Node[] {
  const list = c.namedChildren.find((x) => x?.type === 'statement_list');
  return list ? blockStatements(list) : [];
}

/** True when a `break` inside `stmt` (not in a nested loop/switch/select or closure) leaves it. */
function hasBreakOut(stmt: Node): boolean {
  let found = false;
  walk(stmt, (n) => {
    if (found || (n.id !== stmt.id && FUNCTION_TYPES.has(n.type))) return false;
    if (n.type === 'break_statement' && jumpTarget(n)?.id === stmt.id) found = true;
  });
  return found;
}

const NO_RETURN_PKG = new Map([
  ['log', /^(Fatal|Fatalf|Fatalln|Panic|Panicf|Panicln)$/],
  ['os', /^Exit$/],
]);
const TEST_FAILURES = /^(Fatal|Fatalf|FailNow|Skip|Skipf|SkipNow)$/;

/** `panic(...)`, `log.Fatal(...)`, `os.Exit(...)`, `t.Fatal(...)`: calls after which the code does not go on. */
export function isNoReturnCall(node: Node): boolean {
  const n = unparen(node);
  if (n.type !== 'call_expression') return false;
  const parts = callParts(n);
  if (!parts) return false;
  if (!parts.receiver) return parts.name === 'panic';
  const pkg = NO_RETURN_PKG.get(parts.receiver);
  if (pkg) return pkg.test(parts.name);
  return TEST_FAILURES.test(parts.name);
}

/** A place where a function stops running. */
export interface Exit {
  kind: 'return' | 'end';
  /** The return statement, or the function body for running off its end. */
  node: Node;
}

/** The return statements of a function's own body and, when control can run off its end, the body itself. */
export function functionExits(fn: FuncInfo): Exit[] {
  if (!fn.body) return [];
  const out: Exit[] = [];
  walk(fn.body, (n) => {
    if (FUNCTION_TYPES.has(n.type)) return false;
    if (n.type === 'return_statement') out.push({ kind: 'return', node: n });
  });
  const last = blockStatements(fn.body).at(-1);
  if (!last || !terminates(last)) out.push({ kind: 'end', node: fn.body });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Select cases

/**
 * A select case that stops waiting instead of delivering data: `default`, a timer or ticker
 * (`<-time.After(d)`, `<-clock.After(d)`, `<-time.Tick(d)`, `<-t.C`) or a cancellation
 * (`<-ctx.Done()`). With `file`, also a variable holding one of those (`timeout := time.After(d)`).
 */
export function isGiveUpCase(c: Node, file?: FileFacts): boolean {
  if (c.type === 'default_case') return c.parent?.type === 'select_statement';
  if (c.type !== 'communication_case') return false;
  const r = caseReceive(c);
  return r !== undefined && isSignalChannel(r.channel, file);
}

/** `time.After(d)`, `time.Tick(d)`, `t.C`, `ctx.Done()`; with `file`, a variable initialised with one of them. */
export function isSignalChannel(chan: Node, file?: FileFacts): boolean {
  let ch = unparen(chan);
  if (file && ch.type === 'identifier') {
    const init = file.lookup(ch.text, ch)?.decl?.init;
    if (init) ch = unparen(init);
  }
  if (isDoneCall(ch)) return true;
  if (ch.type === 'selector_expression') return ch.childForFieldName('field')?.text === 'C';
  if (ch.type === 'call_expression') {
    const parts = callParts(ch);
    return parts?.receiver !== undefined && (parts.name === 'After' || parts.name === 'Tick');
  }
  return false;
}

/** The header of a case as the user wrote it: `case <-time.After(d)`, `default`. */
export function caseHeader(c: Node): string {
  if (c.type === 'default_case') return 'default';
  const comm = c.childForFieldName('communication');
  return comm ? `case ${comm.text}` : 'case';
}

/** True for `v, ok := <-ch` / `v, ok = <-ch` (also as a select case): the receive may see a closed channel. */
export function isCommaOkReceive(recv: Node): boolean {
  let n = recv;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  let stmt = n.parent;
  if (stmt?.type === 'expression_list') {
    if (stmt.namedChildCount !== 1) return false;
    stmt = stmt.parent;
  }
  if (!stmt) return false;
  if (stmt.type === 'var_spec') return stmt.childrenForFieldName('name').length === 2;
  if (!['short_var_declaration', 'assignment_statement', 'receive_statement'].includes(stmt.type)) return false;
  return stmt.childForFieldName('left')?.namedChildCount === 2;
}

// ---------------------------------------------------------------------------------------------
// Results handed over through a struct field

/**
 * A method that starts a goroutine sending its result on a channel field (`s.results`) and waits
 * for it in a `select` that can give up and return. Nothing else receives from the field, so
 * once the method has given up the goroutine waits until a later call takes its stale value, or
 * forever. The shape of `newX()` returning `&X{results: make(chan T)}`.
 */
export interface FieldHandoff {
  /** The first send on the field that can block. */
  send: Node;
  go: GoStmt;
  select: Node;
  /** The case that gives up (`case <-time.After(d):`), which leaves the method. */
  giveUp: Node;
  /** `s.results`, as the method writes it. */
  path: string;
  /** The `make(chan T)` of the field. */
  make: Node;
}

/**
 * The field hand-offs of method `m`. Only the exact shape is returned: an unexported field of a
 * struct the file declares, made unbuffered in one place in view, received from in this one
 * select only (in the whole package), never closed or passed around, and sent on only by
 * goroutines `m` starts once, before the select, on every path to it. The package view is asked
 * for (`pkg()`) only once such a select is found: making it summarises every file of the package.
 */
export function fieldHandoffs(file: FileFacts, pkg: () => PackageView, m: FuncInfo): FieldHandoff[] {
  const out: FieldHandoff[] = [];
  const recvName = m.receiver?.name;
  const typeName = m.receiver?.typeName;
  if (!m.body || !recvName || !typeName || !file.structs.has(typeName)) return out;
  for (const select of descendants(m.body, 'select_statement', true)) {
    // A select in a loop may receive again on the next pass.
    if (inLoop(select, m.node)) continue;
    const cases = selectCases(select);
    const giveUp = cases.find((c) => isGiveUpCase(c, file) && leavesFunction(c));
    if (!giveUp) continue;
    for (const c of cases) {
      const r = c.type === 'communication_case' ? caseReceive(c) : undefined;
      const ch = r ? unparen(r.channel) : undefined;
      if (ch?.type !== 'selector_expression' || !ch.parent) continue;
      const operand = ch.childForFieldName('operand');
      const field = ch.childForFieldName('field')?.text;
      if (operand?.type !== 'identifier' || !isReceiverOf(file, operand, m) || !field || /^[A-Z]/.test(field)) continue;
      const found = fieldHandoff(file, pkg(), m, select, ch.parent, typeName, field);
      if (found) out.push({ ...found, select, giveUp, path: `${recvName}.${field}` });
    }
  }
  return out;
}

/** `id` names the receiver of method `m` (not a shadowing local). */
function isReceiverOf(file: FileFacts, id: Node, m: FuncInfo): boolean {
  return id.text === m.receiver?.name && file.lookup(id.text, id)?.receiver === m;
}

/** A case whose statements end by leaving the function (return, panic...), not the select or a loop. */
function leavesFunction(c: Node): boolean {
  const last = caseStatements(c).at(-1);
  return !!last && last.type !== 'continue_statement' && last.type !== 'break_statement' && terminates(last);
}

function fieldHandoff(
  file: FileFacts,
  pkg: PackageView,
  m: FuncInfo,
  select: Node,
  recv: Node,
  typeName: string,
  field: string,
): { send: Node; go: GoStmt; make: Node } | undefined {
  const uses = fieldChannelMentions(file, typeName, field);
  if (uses.others.length > 0 || uses.closes.length > 0 || uses.makes.length !== 1) return undefined;
  const made = parseChanMake(uses.makes[0]);
  if (!made || hasBuffer(made)) return undefined;
  if (uses.recvs.length !== 1 || uses.recvs[0].id !== recv.id) return undefined;
  if (fieldUsedElsewhere(pkg, file.fileName, typeName, field)) return undefined;
  let first: { send: Node; go: GoStmt } | undefined;
  for (const send of uses.sends) {
    // A send that is one case of a select can give up by itself.
    if (isGuarded(send)) continue;
    const go = startedOnceBy(file, pkg, m, send, select, typeName);
    if (!go) return undefined;
    if (!first || send.startIndex < first.send.startIndex) first = { send, go };
  }
  return first ? { ...first, make: made.make } : undefined;
}

/**
 * The go statement of `m` that runs the function holding `send`, when that function runs only
 * there, once per call of `m`, before `select`: a literal, or a method of the same type that
 * sends on its own receiver's field and that the package calls only from that go statement (on
 * `m`'s receiver).
 */
function startedOnceBy(file: FileFacts, pkg: PackageView, m: FuncInfo, send: Node, select: Node, typeName: string): GoStmt | undefined {
  const fnNode = enclosingFunction(send);
  if (!fnNode) return undefined;
  const f = file.funcInfo(fnNode);
  const gos = file.goStatements.filter((g) => g.target?.node.id === f.node.id);
  if (gos.length !== 1) return undefined;
  const go = gos[0];
  if (go.spawner?.node.id !== m.node.id || spawnLoops(go).length > 0 || !runsBefore(go.node, select)) return undefined;
  const operand = send.childForFieldName('channel');
  const head = operand ? unparen(operand).childForFieldName('operand') : null;
  if (head?.type !== 'identifier') return undefined;
  if (f.kind === 'literal') return isReceiverOf(file, head, m) ? go : undefined;
  const key = funcKey(f);
  if (f.kind !== 'method' || !key || f.receiver?.typeName !== typeName || !isReceiverOf(file, head, f)) return undefined;
  if (go.bindings.get(f.receiver.name!)?.text !== m.receiver?.name) return undefined;
  const calls = [...pkg.functions].flatMap((s) => s.ops.filter((op) => op.kind === 'call' && op.target === key).map((op) => ({ s, op })));
  return calls.length === 1 && calls[0].s.key === funcKey(m) && calls[0].op.context === 'goroutine' ? go : undefined;
}
