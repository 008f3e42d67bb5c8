/**
 * Values handed over on a channel that decide, on both sides, how a goroutine and its starter go
 * on. The error-first hand-off is the common case:
 *
 *     go func() {                          // the goroutine
 *         rows, err := query(q)
 *         errc <- err
 *         if err != nil { return }          // gives up without sending rows
 *         rowsc <- rows
 *     }()
 *     if err := <-errc; err != nil {        // the starter
 *         return err                         // leaves without receiving rows
 *     }
 *     use(<-rowsc)
 *
 * The goroutine's `rowsc <- rows` runs only when the value it sent on `errc` was nil, and the
 * starter's `return err` only when the value it received from `errc` was not: when `errc` has no
 * other sender, the two never happen in one call, so neither side is stranded. The same holds
 * for a flag (`ok`, `!ok`).
 */
import { channelUses, type ChannelUses } from './flow';
import { hasBuffer, parseChanMake, type FileFacts, type FuncInfo, type GoStmt, type Param, type VarDecl } from './facts';
import { conditionsAt, mayFollow, runsBefore } from './paths';
import type { Node } from '../syntax/parser';
import { ancestor, descendants, enclosingFunction, loopExits, unparen } from '../syntax/nodes';

/** What a condition says about one variable: that it is set (non-nil, or true) or not. */
interface ValueFact {
  id: Node;
  set: boolean;
}

/**
 * True when `inGoroutine` (code of the goroutine `go` starts) and `inOwner` (code of `fn`, the
 * function that starts it) cannot both run in one call of `fn`: one runs only when a value the
 * goroutine sent on a channel of `fn` was set, the other only when the value `fn` received from
 * that channel was not (or the other way round). The channel must have that send as its only one.
 */
export function handoffExcludes(file: FileFacts, fn: FuncInfo, go: GoStmt, inGoroutine: Node, inOwner: Node): boolean {
  const owner = ownerChannels(file, fn);
  const sent = new Map<VarDecl, boolean>();
  for (const f of valueFacts(inGoroutine)) {
    const ch = sentOn(file, go, owner, f.id);
    if (ch) sent.set(ch, f.set);
  }
  if (sent.size === 0) return false;
  return valueFacts(inOwner).some((f) => {
    const ch = receivedFrom(file, fn, owner, f.id);
    return ch !== undefined && sent.has(ch) && sent.get(ch) !== f.set;
  });
}

/**
 * True when the goroutine reaches `send` only after an earlier send of its own on an unbuffered
 * channel of `fn` that has no other sender, and `fn` has not received from that channel when it
 * gets to `stop` (no receive of it comes earlier, or `stop` is another case of the `select` that
 * would receive it): the goroutine is stuck at that first send, and never gets to this one.
 */
export function stuckBefore(file: FileFacts, fn: FuncInfo, go: GoStmt, send: Node, stop: Node): boolean {
  const owner = ownerChannels(file, fn);
  for (const [decl, uses] of owner) {
    const made = decl.init ? parseChanMake(decl.init) : undefined;
    if (!made || hasBuffer(made)) continue;
    const first = onlySend(uses, go);
    if (!first || first.id === send.id || !runsBefore(first, send)) continue;
    const earlier = uses.receives.filter((r) => r.startIndex < stop.startIndex);
    if (earlier.length === 0) return true;
    const select = enclosingSelectOf(stop);
    if (select && earlier.every((r) => r.startIndex > select.startIndex && r.endIndex < select.endIndex && inCommunication(r))) return true;
  }
  return false;
}

/**
 * The unbuffered channels of `fn` that the goroutine sends on once, after `send`, as their only
 * sender: the goroutine reaches them only once `send` completes (`rowsc` after `errc <- err`).
 * Buffering `send`'s channel alone would move the goroutine on to block there instead.
 */
export function sendsAfter(file: FileFacts, fn: FuncInfo, go: GoStmt, send: Node): { decl: VarDecl; make: Node; send: Node }[] {
  const out: { decl: VarDecl; make: Node; send: Node }[] = [];
  for (const [decl, uses] of ownerChannels(file, fn)) {
    const made = decl.init ? parseChanMake(decl.init) : undefined;
    const later = onlySend(uses, go);
    if (!made || made.capacity || !later || later.id === send.id || ancestor(later, 'for_statement') || !runsBefore(send, later)) continue;
    out.push({ decl, make: made.make, send: later });
  }
  return out;
}

/**
 * True when `fn` gets to `at` only after a signal the goroutine `go` gives once it is past every
 * node of `marks` (nodes of the goroutine's own body): on every path to `at`, `fn` receives from
 * a channel of its own whose every send and close, all made by that goroutine in its own body,
 * come after the last mark; or it ranges over such a channel until it is closed (nats' publish
 * test: the goroutine counts each message with `wg.Add(1)`, then closes `acks` and sends on
 * `done`; the test waits for `done`, ranges over `acks`, and only then calls `wg.Wait()`).
 */
export function signalledBefore(file: FileFacts, fn: FuncInfo, go: GoStmt, marks: readonly Node[], at: Node): boolean {
  const body = go.target?.body;
  if (!body || marks.length === 0) return false;
  const own = (n: Node) => enclosingFunction(n)?.id === go.target!.node.id;
  // A signal no mark can follow: the goroutine has passed them all when it gives it.
  const late = (n: Node) => own(n) && !marks.some((m) => mayFollow(n, m));
  for (const uses of ownerChannels(file, fn).values()) {
    if (uses.escape || uses.ownSends.length > 0) continue;
    if (uses.sends.some((x) => x.go.node.id !== go.node.id) || uses.closes.some((x) => x.go?.node.id !== go.node.id)) continue;
    const signals = [...uses.sends.map((x) => x.node), ...uses.closes.map((x) => x.node)];
    // A receive completes at a send or at the close; a range ends only at the close.
    const signalled = signals.length > 0 && signals.every(late);
    const closed = uses.closes.length > 0 && uses.closes.every((x) => late(x.node));
    for (const r of uses.receives) {
      if (r.endIndex > at.startIndex) continue;
      if (r.type === 'range_clause') {
        // Unless a break leaves it first.
        const loop = r.parent;
        if (closed && loop && !loopExits(loop).jumps && at.startIndex >= loop.endIndex && runsBefore(r, at)) return true;
      } else if (signalled && runsBefore(r, at)) {
        return true;
      }
    }
  }
  return false;
}

/** The local channels `fn` makes, with their uses; computed once per function and file. */
function ownerChannels(file: FileFacts, fn: FuncInfo): Map<VarDecl, ChannelUses> {
  let byFn = cache.get(file);
  if (!byFn) cache.set(file, (byFn = new Map()));
  let map = byFn.get(fn.node.id);
  if (!map) {
    map = new Map();
    for (const d of file.locals(fn)) {
      if (d.init && parseChanMake(d.init)) map.set(d, channelUses(file, fn, d));
    }
    byFn.set(fn.node.id, map);
  }
  return map;
}

const cache = new WeakMap<FileFacts, Map<number, Map<VarDecl, ChannelUses>>>();

/** The one send on the channel, when it is made by `go`'s goroutine and nobody else sends or lets the channel escape. */
function onlySend(uses: ChannelUses, go: GoStmt): Node | undefined {
  if (uses.escape || uses.ownSends.length > 0 || uses.sends.length !== 1) return undefined;
  const s = uses.sends[0];
  return s.go.node.id === go.node.id && !s.guarded ? s.node : undefined;
}

/** The channel of `fn` on which the goroutine sent the variable `id` names, before `id` is tested, without changing it after. */
function sentOn(file: FileFacts, go: GoStmt, owner: Map<VarDecl, ChannelUses>, id: Node): VarDecl | undefined {
  const body = go.target?.body;
  const v = variable(file, id);
  if (!body || !v || assignedIn(file, body, v)) return undefined;
  for (const [decl, uses] of owner) {
    const send = onlySend(uses, go);
    const value = send?.childForFieldName('value');
    if (send && value && unparen(value).type === 'identifier' && variable(file, unparen(value)) === v && runsBefore(send, id)) return decl;
  }
  return undefined;
}

/** The channel of `fn` that the variable `id` names was received from (`err := <-errc`, `case err := <-errc:`), when it has one sender. */
function receivedFrom(file: FileFacts, fn: FuncInfo, owner: Map<VarDecl, ChannelUses>, id: Node): VarDecl | undefined {
  const found = file.lookup(id.text, id);
  const decl = found?.decl;
  if (!decl || !fn.body || assignedIn(file, fn.body, decl)) return undefined;
  const right = decl.init ?? (decl.statement.type === 'receive_statement' ? decl.statement.childForFieldName('right') : null);
  const recv = right ? unparen(right) : undefined;
  if (recv?.type !== 'unary_expression' || recv.childForFieldName('operator')?.text !== '<-') return undefined;
  const chan = recv.childForFieldName('operand');
  const chDecl = chan && unparen(chan).type === 'identifier' ? file.lookup(unparen(chan).text, chan)?.decl : undefined;
  const uses = chDecl ? owner.get(chDecl) : undefined;
  return uses && !uses.escape && uses.ownSends.length === 0 && uses.sends.length === 1 ? chDecl : undefined;
}

function variable(file: FileFacts, id: Node): VarDecl | Param | undefined {
  const found = file.lookup(id.text, id);
  return found?.decl ?? found?.param;
}

/** Some assignment in `body` (nested literals included) writes the variable: its value may have changed. */
function assignedIn(file: FileFacts, body: Node, v: VarDecl | Param): boolean {
  return descendants(body, new Set(['assignment_statement', 'inc_statement', 'dec_statement'])).some((a) => {
    const left = a.type === 'assignment_statement' ? a.childForFieldName('left') : a.namedChild(0);
    return !!left && descendants(left, 'identifier').some((x) => variable(file, x) === v && (left.id === x.id || x.parent?.type === 'expression_list'));
  }) || descendants(body, 'unary_expression').some((u) => u.childForFieldName('operator')?.text === '&' && variable(file, unparen(u.childForFieldName('operand') ?? u)) === v);
}

/** What the branch conditions that lead to `node` say about single variables. */
function valueFacts(node: Node): ValueFact[] {
  return conditionsAt(node).flatMap(({ cond, holds }) => conjuncts(cond, holds));
}

/** The atoms a condition proves when it `holds` (the operands of `&&`) or fails (the operands of `||`). */
function conjuncts(cond: Node, holds: boolean): ValueFact[] {
  const c = unparen(cond);
  if (c.type === 'binary_expression') {
    const op = c.childForFieldName('operator')?.text;
    const [l, r] = [c.childForFieldName('left'), c.childForFieldName('right')];
    if (l && r && ((op === '&&' && holds) || (op === '||' && !holds))) return [...conjuncts(l, holds), ...conjuncts(r, holds)];
    if ((op === '!=' || op === '==') && l && r) {
      const [a, b] = [unparen(l), unparen(r)];
      const id = b.type === 'nil' && a.type === 'identifier' ? a : a.type === 'nil' && b.type === 'identifier' ? b : undefined;
      return id ? [{ id, set: (op === '!=') === holds }] : [];
    }
    return [];
  }
  if (c.type === 'unary_expression' && c.childForFieldName('operator')?.text === '!') {
    const operand = c.childForFieldName('operand');
    return operand ? conjuncts(operand, !holds) : [];
  }
  return c.type === 'identifier' ? [{ id: c, set: holds }] : [];
}

function enclosingSelectOf(n: Node): Node | undefined {
  const c = ancestor(n, 'communication_case');
  return c?.parent?.type === 'select_statement' ? c.parent : undefined;
}

/** The receive is the communication of a select case (`case v := <-ch:`). */
function inCommunication(r: Node): boolean {
  const c = ancestor(r, 'communication_case');
  const comm = c?.childForFieldName('communication');
  return !!comm && comm.startIndex <= r.startIndex && r.endIndex <= comm.endIndex;
}
