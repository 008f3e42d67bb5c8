import type { FileFacts, FuncInfo } from '../model/facts';
import { displayKey, fileLocks, flagOrdered, flatten, funcLocks, lockEffect, lockTarget, mapTarget, opWhere, type FlatOp, type FuncLocks, type Held, type Mode } from '../model/locks';
import { calleeKey, funcKey, isGuarded, normaliseTarget, type FuncSummary, type PackageView } from '../model/package';
import { bufferedSomewhere, canonical } from '../model/serving';
import type { Node } from '../syntax/parser';
import type { Rule } from '../findings/rule';
import { callArgs, callParts, descendants, enclosingFunction, enclosingLoop, lineOf, quote, unparen, walk } from '../syntax/nodes';

type Waits = 'send' | 'recv' | 'WaitGroup.Wait' | 'Cond.Wait';

/** What the other goroutine does to unblock each kind of wait. */
const UNBLOCKS: Record<Waits, readonly string[]> = {
  send: ['recv'],
  recv: ['send', 'close'],
  'WaitGroup.Wait': ['Done'],
  'Cond.Wait': ['Signal', 'Broadcast'],
};

const VERB: Record<string, string> = {
  send: 'sends on',
  recv: 'receives from',
  close: 'closes',
  Done: 'calls Done on',
  Signal: 'signals',
  Broadcast: 'broadcasts on',
};

const ROLE: Record<Waits, string> = { send: 'receiver', recv: 'sender', 'WaitGroup.Wait': 'goroutine that calls Done', 'Cond.Wait': 'signaller' };
/** The same, shorter, for messages. */
const MSG_ROLE: Record<Waits, string> = { send: 'receiver', recv: 'sender', 'WaitGroup.Wait': '`Done` caller', 'Cond.Wait': 'signaller' };

/** An operation that unblocks the wait, preceded in its goroutine by an unconditional lock of the held mutex. */
interface Unblocker {
  who: string;
  lockAt: string;
  opAt: string;
  what: string;
  lockNode?: Node;
  /** The lock inside a callback, when this file holds it (lockNode is for syntax this rule walked itself). */
  lockSpan?: { start: number; end: number };
  opNode?: Node;
  /** For a goroutine literal of the current file: the line of its `go` statement. */
  started?: number;
  /** The lock is taken between two receives of the receiver's loop (not before the receive). */
  loop?: boolean;
  /** Where the other side takes the lock, when it is in the current file (see `flagOrdered`). */
  lockIn?: { start: number; end: number };
}

export const rule: Rule = {
  id: 'lock-held-while-blocking',
  title: 'Mutex held while waiting for a goroutine that needs it',
  severity: 'warning',
  category: 'mutex',
  docs: {
    summary:
      'A channel send or receive, `wg.Wait()` or `cond.Wait()` runs while a mutex is held, and the goroutine that would unblock it (the receiver, sender, closer, `Done` caller or signaller, visible in the package) locks the same mutex first, itself, in a call, or in the one callback the package stores in a field it calls.',
    why:
      'Waiting while holding a lock is only safe if the goroutine being waited for never needs that lock. When it does, the two wait ' +
      'for each other: this goroutine will not unlock until the other acts, and the other cannot act until it gets the lock. Unlike a ' +
      'plain double lock this hides across functions and goroutines, and may only happen when the channel buffer is full or empty at the ' +
      'wrong moment. Release the mutex before waiting, or let the other side do its channel work outside its critical section.',
    interleaving: [
      'Goroutine A locks `mu` and then waits: it receives from a channel (or calls `wg.Wait()`).',
      'Goroutine B, which would send on that channel (or call `wg.Done()`), first calls `mu.Lock()`: it blocks, because A holds `mu`.',
      'A waits for B and B waits for A: both are stuck, and so is every other goroutine that needs `mu`.',
    ],
    bad: `func (p *Pool) Shutdown() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	p.wg.Wait() // each worker locks p.mu before it can finish
}

func (p *Pool) work(job func() int) {
	defer p.wg.Done()
	n := job()
	p.mu.Lock()
	p.total += n
	p.mu.Unlock()
}`,
    good: `func (p *Pool) Shutdown() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.wg.Wait() // wait without holding the lock
}

func (p *Pool) work(job func() int) {
	defer p.wg.Done()
	n := job()
	p.mu.Lock()
	p.total += n
	p.mu.Unlock()
}`,
    fixes: 'No automatic fix: move the wait after the `Unlock` (copying what the critical section needs first), or restructure the other goroutine so it does not need the lock to make progress.',
  },
  check(ctx) {
    const file = ctx.file;
    const view = ctx.package;
    const reported = new Set<number>();
    for (const fl of fileLocks(file, view, ctx.inFocus)) {
      const rt = receiverOf(file, fl.fn);
      const top = topFunction(file, fl.fn);
      for (const site of fl.sites) {
        if (site.held.size === 0) continue;
        const ev = site.ev;
        const waits: { what: Waits; key: string; text: string; inner?: FlatOp }[] = [];
        // A send on a channel that is given a buffer somewhere may not wait at all: stay silent.
        const buffered = ev.k === 'block' && ev.what === 'send' && ev.node.type === 'send_statement' && file.mayBeBuffered(ev.node.childForFieldName('channel')!);
        if (ev.k === 'block' && ev.key && !buffered) waits.push({ what: ev.what, key: ev.key, text: ev.text });
        if (ev.k === 'call') {
          const released = new Set<string>();
          for (const f of ev.ops) {
            if (f.context || !f.target) continue;
            if (f.mutex && (f.what === 'Unlock' || f.what === 'RUnlock')) released.add(f.target);
            // One case of a select waits together with the others, as it does when written inline.
            // A send on a field channel that some file makes with a buffer may not wait at all, as
            // inline (Xray's `dial` sends once on `connReady`, made with a buffer of one).
            if (f.what === 'send' && bufferedSomewhere(view, canonical(f.fn, f.op.target))) continue;
            if (f.what in UNBLOCKS && !f.op.alternatives && ![...site.held.keys()].some((k) => released.has(k))) {
              waits.push({ what: f.what as Waits, key: f.target, text: displayKey(file, fl.fn, f.target), inner: f });
            }
          }
        }
        for (const w of waits) {
          if (reported.has(ev.node.id)) break;
          for (const h of site.held.values()) {
            if (w.what === 'Cond.Wait') {
              // Wait releases the mutex the cond was made with; when the file does not show which one, stay silent.
              const own = condLock(file, view, w.key);
              if (!own || own === h.key) continue;
            }
            if (!shared(w.key, rt) || !shared(h.key, rt)) continue;
            const other = unblocker(file, view, fl.fn, top, rt, w.what, w.key, h) ?? (w.what === 'send' && !w.inner ? loopReceiver(file, view, ev.node, top, rt, w.key, h) : undefined);
            if (!other) continue;
            // The wait happens only while a flag says the other side has passed its lock (cron's `running`).
            if (!other.loop && ordered(file, view, fl, ev.node, h.key, other)) continue;
            reported.add(ev.node.id);
            const where = w.inner ? `\`${quote(ev.node, 32)}\` ${verbOf(w.what)} \`${w.text}\`` : `\`${quote(ev.node, 32)}\` waits`;
            // A receive waits for a sender or a closer: name the one the other goroutine is.
            const roleName = other.what === 'close' ? 'closer' : ROLE[w.what];
            const role = `the ${other.what === 'close' ? 'closer' : MSG_ROLE[w.what]}${other.started ? `, a goroutine started at line ${other.started},` : ` ${other.who}`}`;
            ctx.report({
              node: ev.node,
              message: `${where} while holding \`${h.text}\`, but ${role} ${other.loop ? 'locks it between receives, so the send can deadlock' : 'needs it first: deadlock'}`,
              related: [
                { span: { start: h.node.startIndex, end: h.node.endIndex }, message: `\`${h.text}\` is locked here` },
                ...(other.lockNode ? [{ span: { start: other.lockNode.startIndex, end: other.lockNode.endIndex }, message: `the ${roleName} needs \`${h.text}\` here` }] : []),
                ...(other.lockSpan ? [{ span: other.lockSpan, message: `the ${roleName} needs \`${h.text}\` here, in the callback` }] : []),
              ],
              steps: other.loop ? [
                `This goroutine locks \`${h.text}\` at line ${lineOf(h.node)} and, still holding it, sends on unbuffered \`${w.text}\` at line ${lineOf(ev.node)}.`,
                `The only receiver, ${other.who}, takes \`${h.text}\` (${other.lockAt}) in the same loop that receives from \`${w.text}\` (${other.opAt}), between two receives.`,
                `If it has just taken the previous value and reaches that lock while this goroutine holds \`${h.text}\`, it blocks on the lock while this goroutine blocks on the send: ` +
                  `neither returns to its other step. The deadlock is intermittent: it needs the receiver to be between receives when the send starts.`,
              ] : [
                `This goroutine locks \`${h.text}\` at line ${lineOf(h.node)} and, still holding it, waits at line ${lineOf(ev.node)} for \`${w.text}\`.`,
                `The ${roleName}, ${other.who}, reaches its lock of \`${h.text}\` (${other.lockAt}) before it ${VERB[other.what]} \`${w.text}\` (${other.opAt}), and blocks there.`,
                `This goroutine waits for the ${roleName}, which waits for \`${h.text}\`, which only this goroutine can unlock: deadlock.`,
              ],
            });
            break;
          }
        }
      }
    }
  },
};

function verbOf(what: Waits): string {
  return what === 'send' ? 'sends on' : what === 'recv' ? 'receives from' : 'waits on';
}

function topFunction(file: FileFacts, fn: FuncInfo): FuncInfo {
  let top = fn.node;
  for (let p = enclosingFunction(top); p; p = enclosingFunction(p)) top = p;
  return file.funcInfo(top);
}

function receiverOf(file: FileFacts, fn: FuncInfo): string | undefined {
  return topFunction(file, fn).receiver?.typeName;
}

/** Keys that mean the same object in other functions of the package: package variables and receiver fields (methods of one type). */
function shared(key: string, rt: string | undefined): boolean {
  return key.startsWith('var:') || key.startsWith('local:') || (rt !== undefined && (key === rt || key.startsWith(rt + '.')));
}

function conflicts(held: Mode, needed: Mode): boolean {
  return held === 'w' || needed === 'w';
}

/**
 * The code that would unblock the wait and needs the held mutex first: a named function of the
 * package (methods of the same type for receiver fields), or a goroutine started in the current
 * file by the same top-level function (for locals).
 */
function unblocker(file: FileFacts, view: PackageView, fn: FuncInfo, top: FuncInfo, rt: string | undefined, what: Waits, key: string, h: Held): Unblocker | undefined {
  const wanted = UNBLOCKS[what];
  const self = funcKey(top);
  if (self && tokenLike(view, self, key)) return undefined;
  if (!key.startsWith('local:')) {
    for (const g of view.functions) {
      if (g.key === self || (!key.startsWith('var:') && g.receiverType !== rt) || tokenLike(view, g.key, key)) continue;
      const found = summaryUnblocker(view, g, wanted, key, h);
      if (found) return describe(file, view, g, found);
    }
  }
  for (const g of descendants(top.node, 'go_statement')) {
    const lit = unparen(g.namedChildren.find((c) => c?.type === 'call_expression')?.childForFieldName('function') ?? g);
    if (lit.type !== 'func_literal' || (fn.node.id !== top.node.id && lit.id === fn.node.id)) continue;
    const found = literalUnblocker(file, view, lit, wanted, key, h);
    if (found) return found;
  }
  return undefined;
}

/**
 * A channel the function both receives from and sends on is used as a token or semaphore
 * (`<-sem ... sem <- tok`): its buffer usually holds the value, so waiting on it is not waiting
 * for one particular goroutine. We stay silent.
 */
function tokenLike(view: PackageView, fnKey: string, key: string): boolean {
  const ops = flatten(view, fnKey).filter((f) => f.target === key);
  return ops.some((f) => f.what === 'send') && ops.some((f) => f.what === 'recv');
}

function summaryUnblocker(view: PackageView, g: FuncSummary, wanted: readonly string[], key: string, h: Held): { lock: FlatOp; op: FlatOp } | undefined {
  let lock: FlatOp | undefined;
  // Calls of a callback field follow the one function the package stores in it (`s.onEvent = s.handle`),
  // and calls of a function parameter the one function every caller passes (`go s.run(func() {...})`).
  const params = [...new Set(g.ops.filter((o) => o.kind === 'callParam' && !o.context).map((o) => Number(o.target.slice(5))))];
  const bind: (FuncSummary | undefined)[] = [];
  for (const i of params) bind[i] = view.passedFunction(g, i);
  for (const f of flatten(view, g.key, undefined, true, bind.some(Boolean) ? bind : undefined)) {
    if (f.context || !f.target) continue;
    // A goroutine that locks before its own `wg.Add` is not counted yet while it waits for the lock.
    if (lock && f.what === 'Add' && f.target === key && !f.deferred) lock = undefined;
    else if (!lock && f.target === h.key && f.mutex && !f.guarded && !f.deferred && (f.what === 'Lock' || f.what === 'RLock') && conflicts(h.mode, f.what === 'RLock' ? 'r' : 'w')) lock = f;
    else if (lock && f.target === key && wanted.includes(f.what)) return { lock, op: f };
  }
  return undefined;
}

function describe(file: FileFacts, view: PackageView, g: FuncSummary, found: { lock: FlatOp; op: FlatOp }): Unblocker {
  // Reached through a callback field: name the field, and point at the lock when this file shows it.
  const cb = found.lock.chain.find((c, i) => i > 0 && callbackField(view, found.lock.chain[i - 1], c));
  const field = cb ? callbackField(view, found.lock.chain[found.lock.chain.indexOf(cb) - 1], cb) : undefined;
  const span = found.lock.fn.file === file.fileName ? { start: found.lock.op.start, end: found.lock.op.end } : undefined;
  const passed = found.lock.site.kind === 'callParam';
  return {
    who: field ? `\`${g.key}\` (via \`${field}\`)` : passed ? `\`${g.key}\` (via the function passed to it)` : `\`${g.key}\``,
    lockAt: opWhere(file, found.lock),
    opAt: opWhere(file, found.op),
    what: found.op.what,
    ...((field || passed) && span ? { lockSpan: span } : {}),
    ...(span ? { lockIn: span } : {}),
  };
}

/** The callback field (`onEvent`) through which `caller` runs `callee`, when that is how. */
function callbackField(view: PackageView, caller: FuncSummary, callee: FuncSummary): string | undefined {
  const op = caller.ops.find((o) => o.kind === 'call' && view.func(o.target) === undefined && view.callback(o.target) === callee);
  return op ? op.target.slice(op.target.lastIndexOf('.') + 1) : undefined;
}

/** The wait and the other side's lock are ordered by a flag both keep under the held mutex (see flagOrdered). */
function ordered(file: FileFacts, view: PackageView, fl: FuncLocks, wait: Node, key: string, other: Unblocker): boolean {
  const lockNode = other.lockNode ?? (other.lockIn ? file.root.descendantForIndex(other.lockIn.start, other.lockIn.end) : undefined);
  const fn = lockNode ? enclosingFunction(lockNode) : undefined;
  const theirs = fn ? funcLocks(file, view, file.funcInfo(fn)) : undefined;
  return !!theirs && flagOrdered(file, fl, wait, key, theirs);
}

/** The same, for a goroutine literal of the current file, read from its syntax in order. */
function literalUnblocker(file: FileFacts, view: PackageView, lit: Node, wanted: readonly string[], key: string, h: Held): Unblocker | undefined {
  let lock: Node | undefined;
  let result: Unblocker | undefined;
  walk(lit, (n) => {
    if (result) return false;
    if (n.id !== lit.id && n.type === 'func_literal') return false;
    let what: string | undefined;
    let target: Node | null | undefined;
    if (n.type === 'call_expression') {
      const parts = callParts(n);
      if (!parts) return;
      if (parts.receiverNode && (parts.name === 'Lock' || parts.name === 'RLock') && !lock && !isGuarded(n, lit)) {
        const t = lockTarget(file, view, parts.receiverNode, n);
        if (t?.key === h.key && conflicts(h.mode, parts.name === 'RLock' ? 'r' : 'w')) lock = n;
        return;
      }
      if (lock && parts.receiverNode && parts.name === 'Add' && wanted.includes('Done') && normaliseTarget(file, parts.receiverNode, n) === key) {
        lock = undefined; // locked before it was counted: see summaryUnblocker
        return;
      }
      if (!parts.receiver && parts.name === 'close' && callArgs(n).length === 1) [what, target] = ['close', callArgs(n)[0]];
      else if (parts.receiverNode && ['Done', 'Signal', 'Broadcast'].includes(parts.name)) [what, target] = [parts.name, parts.receiverNode];
    } else if (n.type === 'send_statement') {
      [what, target] = ['send', n.childForFieldName('channel')];
    } else if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '<-') {
      [what, target] = ['recv', n.childForFieldName('operand')];
    }
    if (!lock || !what || !target || !wanted.includes(what) || normaliseTarget(file, target, n) !== key) return;
    result = {
      who: `the goroutine started at line ${lineOf(lit)}`,
      started: lineOf(lit),
      lockAt: `line ${lineOf(lock)}`,
      opAt: `line ${lineOf(n)}`,
      what,
      lockNode: lock,
      opNode: n,
    };
  });
  return result;
}

/**
 * The mutex a `sync.Cond` was made with, when the current file shows it: `c := sync.NewCond(&mu)`
 * or `x.cond = sync.NewCond(&x.mu)` (giving the cond's owner's `mu`).
 */
function condLock(file: FileFacts, view: PackageView, condKey: string): string | undefined {
  for (const call of descendants(file.root, 'call_expression')) {
    if (!file.isImportCall(call, 'sync', 'NewCond')) continue;
    const arg = callArgs(call)[0];
    const stmt = call.parent?.parent;
    if (!arg || !stmt || !['assignment_statement', 'short_var_declaration'].includes(stmt.type)) continue;
    const left = stmt.childForFieldName('left')?.namedChildren[0];
    const right = stmt.childForFieldName('right')?.namedChildren[0];
    if (!left || right?.id !== call.id) continue;
    const leftKey = normaliseTarget(file, left, left);
    // A value whose type embeds the mutex (`sync.NewCond(cmd)`, hystrix) is locked as `cmd.Mutex`.
    const bare = unparen(arg);
    const operand = bare.type === 'unary_expression' ? (bare.childForFieldName('operator')?.text === '&' ? bare.childForFieldName('operand') : null) : bare;
    const argKey = (operand && lockTarget(file, view, operand, operand)?.key) ?? normaliseTarget(file, arg, call);
    if (!leftKey || !argKey) continue;
    if (leftKey === condKey) return argKey;
    // `q.cond = sync.NewCond(&q.mu)` in a constructor: the same fields of whichever value owns the cond.
    const l = leftKey.lastIndexOf('.');
    const a = argKey.lastIndexOf('.');
    if (l > 0 && a > 0 && leftKey.slice(0, l) === argKey.slice(0, a) && condKey.endsWith(leftKey.slice(l))) {
      return condKey.slice(0, condKey.length - (leftKey.length - l)) + argKey.slice(a);
    }
  }
  return undefined;
}

/**
 * The receiving loop of an unbuffered channel that takes the held mutex between receives: after
 * the receive in its body (`for ev := range ch { mu.Lock() ... }`) or in another case or the
 * `default` of its select loop. Only when that loop holds the only receive of the channel visible
 * in the package, the channel is made unbuffered in this file and the key is a receiver field
 * or a package variable.
 */
function loopReceiver(file: FileFacts, view: PackageView, send: Node, top: FuncInfo, rt: string | undefined, key: string, h: Held): Unblocker | undefined {
  if (!key.startsWith('var:') && !(rt !== undefined && key.startsWith(rt + '.'))) return undefined;
  if (!h.key.startsWith('var:') && !(rt !== undefined && h.key.startsWith(rt + '.'))) return undefined;
  const chan = send.childForFieldName('channel');
  const made = chan ? file.channelMake(chan) : undefined;
  if (!made || (made.capacity && !/^0+$/.test(made.capacity.text))) return undefined;
  // Every receive of the channel in this file (`<-ch` and `range ch`), and `<-ch` in the package.
  const recvs: { node: Node; loop?: Node }[] = [];
  for (const n of descendants(file.root, new Set(['unary_expression', 'range_clause']))) {
    if (n.type === 'unary_expression') {
      if (n.childForFieldName('operator')?.text !== '<-') continue;
      const operand = n.childForFieldName('operand');
      if (operand && normaliseTarget(file, operand, n) === key) recvs.push({ node: n });
    } else {
      const right = n.childForFieldName('right');
      if (right && normaliseTarget(file, right, n) === key && n.parent?.type === 'for_statement') recvs.push({ node: n, loop: n.parent });
    }
  }
  let elsewhere = 0;
  for (const g of view.functions) {
    if (g.file === file.fileName) continue;
    elsewhere += g.ops.filter((o) => o.kind === 'recv' && o.target === key).length;
  }
  if (recvs.length !== 1 || elsewhere > 0) return undefined;
  const r = recvs[0];
  const loop = r.loop ?? enclosingLoop(r.node);
  const body = loop?.childForFieldName('body');
  if (!loop || !body) return undefined;
  const recvTop = topOf(loop);
  if (recvTop.id === top.node.id) return undefined;
  const info = file.funcInfo(recvTop);
  if (!key.startsWith('var:') && info.receiver?.typeName !== rt) return undefined;
  const name = funcKey(info);
  if (!name) return undefined;
  let lock: Node | undefined;
  let via: string | undefined;
  walk(body, (n) => {
    if (lock) return false;
    if (n.type === 'func_literal' || n.type === 'go_statement' || n.type === 'defer_statement') return false;
    if (n.type !== 'call_expression') return;
    const parts = callParts(n);
    if (parts?.receiverNode && (parts.name === 'Lock' || parts.name === 'RLock')) {
      const t = lockTarget(file, view, parts.receiverNode, n);
      if (t?.key === h.key && conflicts(h.mode, parts.name === 'RLock' ? 'r' : 'w')) lock = n;
    } else if (parts?.receiverNode && callbackLocks(file, view, n, parts.receiverNode, h)) {
      lock = n;
      via = parts.name;
    }
  });
  if (!lock) return undefined;
  return { who: via ? `\`${name}\` (via \`${via}\`)` : `\`${name}\``, lockAt: `line ${lineOf(lock)}`, opAt: `line ${lineOf(r.node)}`, what: 'recv', lockNode: lock, opNode: r.node, loop: true };
}

/**
 * A call of a callback field (`s.onEvent(ev)`) whose one stored function locks the held mutex of
 * the same value before anything else it does to that mutex.
 */
function callbackLocks(file: FileFacts, view: PackageView, call: Node, recvNode: Node, h: Held): boolean {
  const key = calleeKey(file, call);
  const cb = key && !view.func(key) ? view.callback(key) : undefined;
  const recv = normaliseTarget(file, recvNode, call);
  if (!cb || !recv) return false;
  const entry = lockEffect(
    flatten(view, cb.key, undefined, true).map((f) => ({ ...f, target: f.target === undefined ? undefined : mapTarget(view, f.target, cb, { recv, args: [] }) })),
    h.key,
  ).entry;
  return entry !== undefined && conflicts(h.mode, entry.what === 'RLock' ? 'r' : 'w');
}

function topOf(n: Node): Node {
  let top = enclosingFunction(n) ?? n;
  for (let p = enclosingFunction(top); p; p = enclosingFunction(p)) top = p;
  return top;
}
