/**
 * Held locks. The mutex rules share one question: which mutexes does this goroutine certainly
 * hold at a given point of a function? This module answers it path by path.
 *
 * - Each element of the function's control-flow graph (cfg.ts, shared with every rule) is read
 *   as a list of lock events: Lock, Unlock, package calls, defers, blocking channel and Wait
 *   operations.
 * - A forward must-problem on the dataflow engine (dataflow.ts): a mutex is "held" at a point
 *   only when every path to that point locked it and did not release it. Joins intersect, so
 *   conditional locking (`if x { mu.Lock() }`) never counts as held, and loops run to a fixpoint.
 *   Paths that panic or call `t.Fatal` end in the graph's abort block, not at a return.
 * - Calls into the package are followed through the per-function summaries of package.ts
 *   ({@link flatten}): a callee that unlocks a held mutex releases it, one that locks and keeps it
 *   (a `lock()` helper) acquires it, with receivers and arguments mapped into the caller's names.
 *
 * Mutexes are identified by normalised targets (package.ts): `Store.mu` is field mu of the
 * receiver, `var:mu` a package variable, `local:mu` a local, `param0.mu` a field of the first
 * parameter. A mutex embedded in a struct is keyed by its field (`Store.Mutex`), however the code
 * spells the call. Only values whose declared type is visibly `sync.Mutex` or `sync.RWMutex`
 * (or a struct embedding one) count as mutexes: syntax cannot tell what a `Locker` holds.
 */
import { baseTypeName, fieldsObject, type FileFacts, type FuncInfo } from './facts';
import { boolArgs, calleeKey, callSite, isGuarded, normaliseTarget, syncArity, type FileSummary, type FuncSummary, type Op, type PackageView } from './package';
import type { Node } from '../syntax/parser';
import type { Element } from './cfg';
import { solve } from './dataflow';
import { cfgOf } from './paths';
import {
  callArgs,
  callParts,
  descendants,
  enclosingFunction,
  EVERYWHERE,
  excerpt,
  lengthGuarded,
  lineOf,
  unparen,
  walk,
} from '../syntax/nodes';

export type MutexKind = 'Mutex' | 'RWMutex';
/** Write (Lock) or read (RLock) mode. */
export type Mode = 'w' | 'r';

const LOCKS = new Set(['Lock', 'RLock']);
const UNLOCKS = new Set(['Unlock', 'RUnlock']);
const LOCK_METHODS = new Set(['Lock', 'RLock', 'Unlock', 'RUnlock']);

// ---------------------------------------------------------------------------------------------
// Types

/** `sync.Mutex` / `*sync.RWMutex`... -> the kind; anything else -> undefined. */
export function mutexKindOf(type: string | undefined): MutexKind | undefined {
  const t = type?.replace(/^\*/, '');
  return t === 'sync.Mutex' ? 'Mutex' : t === 'sync.RWMutex' ? 'RWMutex' : undefined;
}

/** The name of a struct type declared in this package a type text refers to (`*Store[T]` -> `Store`), or undefined for other types. */
export function localTypeName(type: string | undefined): string | undefined {
  if (!type) return undefined;
  const t = type.replace(/^\*/, '');
  if (!/^[A-Za-z_]\w*(\[.*\])?$/.test(t)) return undefined;
  return baseTypeName(t);
}

/** `x.f` where `x` is an identifier of a struct type the package declares, as `T.f` (`rbs.errCh` of a `*readByteStream`). */
export function variableField(file: FileFacts, expr: Node): string | undefined {
  const e = unparen(expr);
  if (e.type !== 'selector_expression') return undefined;
  const operand = e.childForFieldName('operand');
  const field = e.childForFieldName('field')?.text;
  const owner = operand?.type === 'identifier' && field ? localTypeName(file.typeOf(operand)) : undefined;
  return owner ? `${owner}.${field}` : undefined;
}

/** The fields of a struct type declared in the package (the current file first). */
export function structFields(facts: FileFacts | undefined, view: PackageView, type: string | undefined): Record<string, string> | undefined {
  const name = localTypeName(type);
  if (!name) return undefined;
  const own = facts?.structs.get(name);
  return own ? fieldsObject(own) : view.struct(name);
}

/** The mutex a struct embeds (`struct { sync.Mutex }`), whose methods the struct's values promote. */
export function embeddedMutex(fields: Record<string, string> | undefined): { field: string; kind: MutexKind } | undefined {
  if (!fields) return undefined;
  for (const field of ['Mutex', 'RWMutex']) {
    const kind = mutexKindOf(fields[field]);
    if (kind) return { field, kind };
  }
  return undefined;
}

export interface LockTarget {
  /** Normalised key, with the embedded mutex's field appended for promoted calls. */
  key: string;
  kind: MutexKind;
}

/** The mutex a `recv.Lock()`-style call in the current file acts on, when its type is visibly a mutex. */
export function lockTarget(facts: FileFacts, view: PackageView, recv: Node, at: Node): LockTarget | undefined {
  if (at.type === 'call_expression' && callArgs(at).length !== syncArity(callParts(at)?.name ?? '')) return undefined;
  const type = facts.typeOf(recv);
  if (!type) return undefined;
  let kind = mutexKindOf(type);
  let suffix = '';
  if (!kind) {
    const emb = embeddedMutex(structFields(facts, view, type));
    if (!emb) return undefined;
    // A method the type declares itself hides the embedded mutex's (tikv's `LatchesScheduler.Lock`).
    const method = at.type === 'call_expression' ? callParts(at)?.name : undefined;
    if (method && view.func(`${type.replace(/^\*/, '')}.${method}`)) return undefined;
    kind = emb.kind;
    suffix = '.' + emb.field;
  }
  const base = normaliseTarget(facts, recv, at);
  return base ? { key: base + suffix, kind } : undefined;
}

/** The type of a normalised target as seen from a summarised function (`Store.mu` -> `sync.Mutex`). */
export function summaryTargetType(view: PackageView, fn: FuncSummary, target: string): string | undefined {
  let type: string | undefined;
  let rest: string;
  const rt = fn.receiverType;
  const param = /^param(\d+)(?:\.(.*))?$/.exec(target);
  if (rt && (target === rt || target.startsWith(rt + '.'))) {
    type = rt;
    rest = target.slice(rt.length + 1);
  } else if (param) {
    type = fn.params?.[Number(param[1])];
    rest = param[2] ?? '';
  } else if (target.startsWith('var:')) {
    const [name, ...fields] = target.slice(4).split('.');
    type = view.varType(name);
    rest = fields.join('.');
  } else {
    return undefined;
  }
  for (const field of rest ? rest.split('.') : []) {
    const name = localTypeName(type);
    type = name ? view.structField(name, field) : undefined;
    if (!type) return undefined;
  }
  return type;
}

/**
 * A mutex target named by the package struct type that owns the mutex field, so that the same
 * mutex reached along different paths gets one name: `Tx.db.rwlock` -> `DB.rwlock` when field
 * `db` of `Tx` has type `*DB`. Undefined when the owner is not visibly a package struct with
 * that field (a local, an interface, a type from another package).
 */
export function ownerKey(view: PackageView, fn: FuncSummary | undefined, target: string): string | undefined {
  if (!fn) return undefined;
  const dot = target.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const field = target.slice(dot + 1);
  const owner = localTypeName(summaryTargetType(view, fn, target.slice(0, dot)));
  return owner && view.structField(owner, field) ? `${owner}.${field}` : undefined;
}

/** Lock information for a Lock/Unlock/RLock/RUnlock op of a summary, in that function's names. */
function summaryLock(view: PackageView, fn: FuncSummary, op: Op): LockTarget | undefined {
  const type = summaryTargetType(view, fn, op.target);
  const kind = mutexKindOf(type);
  if (kind) return { key: op.target, kind };
  const emb = embeddedMutex(structFields(undefined, view, type));
  return emb ? { key: `${op.target}.${emb.field}`, kind: emb.kind } : undefined;
}

/** True when a parameter of this type receives a copy of the caller's value (so its mutex is another one). */
function copiesValue(view: PackageView, type: string | undefined): boolean {
  if (!type || type.startsWith('*')) return false;
  return mutexKindOf(type) !== undefined || structFields(undefined, view, type) !== undefined;
}

/**
 * Maps a target of `callee` to the caller's names, for a call with the given normalised receiver
 * and arguments. Undefined when the target is the callee's own (a local, a copied receiver).
 */
export function mapTarget(view: PackageView, target: string, callee: FuncSummary, call: { recv?: string; args?: (string | undefined)[] }): string | undefined {
  const rt = callee.receiverType;
  if (rt && (target === rt || target.startsWith(rt + '.'))) {
    if (callee.pointerReceiver === false || !call.recv) return undefined;
    return call.recv + target.slice(rt.length);
  }
  const param = /^param(\d+)(.*)$/.exec(target);
  if (param) {
    const i = Number(param[1]);
    const arg = call.args?.[i];
    if (!arg || copiesValue(view, callee.params?.[i])) return undefined;
    return arg + param[2];
  }
  return target.startsWith('var:') ? target : undefined;
}

// ---------------------------------------------------------------------------------------------
// Flattened callees

export type FlatKind = 'Lock' | 'RLock' | 'Unlock' | 'RUnlock' | 'WaitGroup.Wait' | 'Cond.Wait' | 'send' | 'recv' | 'close' | 'Add' | 'Done' | 'Signal' | 'Broadcast';

/** One operation a call performs, with the target in the called function's names. */
export interface FlatOp {
  what: FlatKind;
  /** The original operation and the function it stands in. */
  op: Op;
  fn: FuncSummary;
  /** The target in the names of the function that was flattened; undefined when not expressible there. */
  target?: string;
  mutex?: MutexKind;
  /** Skipped on some paths (its own or one of the calls leading to it). */
  guarded: boolean;
  /** Runs when the flattened function returns. */
  deferred: boolean;
  /** Runs in a goroutine or callback started by the flattened function, not in the call itself. */
  context: boolean;
  /** The functions from the flattened one (first) to the one holding the op (last). */
  chain: FuncSummary[];
  /** The op of the flattened function that leads here: the op itself, or the call that reaches it. */
  site: Op;
  /** Values of the flattened function's boolean parameters the op needs (see {@link Op.when}). */
  when?: Record<string, boolean>;
}

const FLAT_DEPTH = 4;
const FLAT_LIMIT = 400;
const flatCache = new WeakMap<PackageView, Map<string, FlatOp[]>>();

function flatKind(view: PackageView, fn: FuncSummary, op: Op): { what: FlatKind; target: string; mutex?: MutexKind } | 'call' | undefined {
  switch (op.kind) {
    case 'Lock':
    case 'RLock':
    case 'Unlock':
    case 'RUnlock': {
      const lock = summaryLock(view, fn, op);
      if (lock) return { what: op.kind, target: lock.key, mutex: lock.kind };
      // `s.Lock()` on a type of the package with its own Lock method: a call.
      const name = localTypeName(summaryTargetType(view, fn, op.target));
      return name && view.func(`${name}.${op.kind}`) ? 'call' : undefined;
    }
    case 'Wait': {
      const t = summaryTargetType(view, fn, op.target)?.replace(/^\*/, '');
      if (t === 'sync.WaitGroup') return { what: 'WaitGroup.Wait', target: op.target };
      if (t === 'sync.Cond') return { what: 'Cond.Wait', target: op.target };
      return undefined;
    }
    case 'send':
    case 'recv':
      // A case of a select with a default never waits, and cannot be counted on to unblock anyone.
      return op.nonBlocking ? undefined : { what: op.kind, target: op.target };
    case 'Add': {
      const t = summaryTargetType(view, fn, op.target)?.replace(/^\*/, '');
      return t === 'sync.WaitGroup' ? { what: 'Add', target: op.target } : undefined;
    }
    case 'close':
    case 'Done':
    case 'Signal':
    case 'Broadcast':
      return { what: op.kind, target: op.target };
    case 'call':
      return 'call';
    default:
      return undefined;
  }
}

/**
 * The lock, blocking and signalling operations a call of the package function `key` performs,
 * in order, following calls into the package up to a few levels deep. Operations deferred by
 * the function come last (they run at its return); those of its callees stay where the callee
 * returns. Targets are in the names of `key` (receiver `Store.mu`, `param0`, `var:x`).
 */
export function flatten(view: PackageView, key: string, depth = FLAT_DEPTH, callbacks = false, bind?: readonly (FuncSummary | undefined)[]): FlatOp[] {
  let cache = flatCache.get(view);
  if (!cache) flatCache.set(view, (cache = new Map()));
  const memo = `${key}#${depth}${callbacks ? '#cb' : ''}${bind ? '#' + bind.map((b) => b?.key ?? '').join(',') : ''}`;
  const hit = cache.get(memo);
  if (hit) return hit;
  cache.set(memo, []); // a call cycle sees nothing rather than looping
  const fn = view.func(key);
  const now: FlatOp[] = [];
  // Deferred operations, one group per defer statement: the groups run last first, each in its order.
  const later: FlatOp[][] = [];
  let lastOrder: number | undefined;
  const defer = (op: Op, ops: FlatOp[]) => {
    if (op.deferOrder !== undefined && op.deferOrder === lastOrder) later[later.length - 1].push(...ops);
    else later.push(ops);
    lastOrder = op.deferOrder;
  };
  let size = 0;
  /** The operations of `callee` called at `call` (the op `call` stands for), in this function's names. */
  function inline(callee: FuncSummary, call: Op): FlatOp[] | undefined {
    const op = call;
    const calleeOps = flatten(view, callee.key, depth - 1, callbacks);
    // A callee too big to inline with the rest is not followed, as past the depth limit: its
    // operations are left out whole, never cut off between a Lock and its Unlock.
    if (size + calleeOps.length > FLAT_LIMIT) return undefined;
    const inner: FlatOp[] = [];
    for (const f of calleeOps) {
      const when = bindConditions(f.when, call, op.when);
      if (when === false) continue;
      inner.push({
        ...f,
        when,
        target: f.target === undefined ? undefined : mapTarget(view, f.target, callee, call),
        guarded: f.guarded || !!op.guarded,
        deferred: !!op.deferred,
        chain: [fn!, ...f.chain],
        site: op,
      });
    }
    size += inner.length;
    return inner;
  }
  for (const op of fn?.ops ?? []) {
    if (op.kind === 'callResult') {
      // `defer l.getMutex()()`: the unlock the callee returned runs here.
      const released = op.context === undefined ? releasedBy(view, op) : [];
      for (const r of released) {
        const flat: FlatOp = { op, fn: fn!, guarded: !!op.guarded, deferred: !!op.deferred, context: false, chain: [fn!], site: op, when: op.when, ...r };
        size++;
        if (flat.deferred) defer(op, [flat]);
        else now.push(flat);
      }
      continue;
    }
    // With `bind`, a call of a function parameter runs the function every caller passes there.
    const bound = op.kind === 'callParam' && bind && op.context === undefined && depth > 1 ? bind[Number(op.target.slice(5))] : undefined;
    if (bound && bound.key !== key) {
      const inner = inline(bound, { ...op, recv: fn!.receiverType, args: [] });
      if (inner) {
        if (op.deferred) defer(op, inner);
        else now.push(...inner);
      }
      continue;
    }
    const kind = flatKind(view, fn!, op);
    if (!kind) continue;
    const context = op.context !== undefined;
    if (kind !== 'call') {
      const flat: FlatOp = { op, fn: fn!, guarded: !!op.guarded, deferred: !!op.deferred, context, chain: [fn!], site: op, when: op.when, what: kind.what, target: kind.target, mutex: kind.mutex };
      size++;
      if (flat.deferred && !context) defer(op, [flat]);
      else now.push(flat);
      continue;
    }
    // Calls started in goroutines or callbacks are not followed: they do not run here.
    if (context || depth <= 1) continue;
    const calleeName = op.kind === 'call' ? op.target : `${localTypeName(summaryTargetType(view, fn!, op.target))}.${op.kind}`;
    // With `callbacks`, a call of a function stored in a field runs the one function the package stores there.
    const callee = view.func(calleeName) ?? (callbacks && op.kind === 'call' && op.recv ? view.callback(calleeName) : undefined);
    if (!callee || callee.key === key) continue;
    const inner = inline(callee, op.kind === 'call' ? op : { ...op, recv: op.target, args: [] });
    if (!inner) continue;
    if (op.deferred) defer(op, inner);
    else now.push(...inner);
  }
  const out = [...now, ...later.reverse().flat()];
  cache.set(memo, out);
  return out;
}

/** The unlocks a call of the function value returned by `op.target` performs, in the caller's names. */
function releasedBy(view: PackageView, op: Op): { what: FlatKind; target: string; mutex: MutexKind }[] {
  const callee = view.func(op.target);
  const out: { what: FlatKind; target: string; mutex: MutexKind }[] = [];
  for (const r of callee?.releases ?? []) {
    const lock = summaryLock(view, callee!, { ...op, kind: r.kind, target: r.target });
    const target = lock && mapTarget(view, lock.key, callee!, op);
    if (lock && target) out.push({ what: r.kind, target, mutex: lock.kind });
  }
  return out;
}

const NONE: readonly string[] = [];
const unlockReturners = new WeakMap<PackageView, boolean>();

/** Some function of the package returns an unlock for its caller to call (see FuncSummary.releases): few do. */
function handsBackUnlocks(view: PackageView): boolean {
  let any = unlockReturners.get(view);
  if (any === undefined) {
    any = false;
    for (const f of view.functions) if (f.releases) any = true;
    unlockReturners.set(view, any);
  }
  return any;
}

/**
 * `unlock()`, where the local `unlock` only ever holds what a package function returned that
 * unlocks a mutex when called (`unlock := unlockOnce(&srv.lock)`, miekg/dns): the mutexes it
 * releases, in the caller's names. Empty for any other call.
 */
function releasedByLocal(facts: FileFacts, view: PackageView, call: Node): readonly string[] {
  if (!handsBackUnlocks(view)) return NONE;
  const fn = unparen(call.childForFieldName('function')!);
  if (fn.type !== 'identifier' || callArgs(call).length > 0) return NONE;
  const value = facts.onlyValue(fn);
  const made = value ? unparen(value) : undefined;
  const key = made?.type === 'call_expression' ? calleeKey(facts, made) : undefined;
  const callee = key ? view.func(key) : undefined;
  if (!callee?.releases) return NONE;
  const site = callSite(facts, made!);
  const out: string[] = [];
  for (const r of callee.releases) {
    const target = mapTarget(view, r.target, callee, site);
    if (target) out.push(target);
  }
  return out;
}

/** The operations of a call site in the current file, with targets in the caller's names. */
export function callSiteOps(facts: FileFacts, view: PackageView, call: Node, key: string): FlatOp[] {
  const callee = view.func(key);
  if (!callee) return [];
  const site = callSite(facts, call);
  const bools = boolArgs(call).bools;
  return flatten(view, key)
    .filter((f) => bindConditions(f.when, { args: site.args, bools }) !== false)
    .map((f) => ({ ...f, target: f.target === undefined ? undefined : mapTarget(view, f.target, callee, site) }));
}

/**
 * A callee operation's parameter conditions seen from a call site: false when the call passes a
 * constant that skips it (`unsafeCommit(true)` and `if !stop { begin() }`), else the conditions
 * left on the caller's own parameters (passed through as `param0`), joined with `outer` (the call's own).
 */
export function bindConditions(
  inner: Record<string, boolean> | undefined,
  call: Pick<Op, 'args' | 'bools'>,
  outer?: Record<string, boolean>,
): Record<string, boolean> | undefined | false {
  if (!inner) return outer;
  const out: Record<string, boolean> = { ...outer };
  for (const [i, value] of Object.entries(inner)) {
    const constant = call.bools?.[Number(i)];
    if (constant !== undefined) {
      if (constant !== value) return false;
      continue;
    }
    const m = /^param(\d+)$/.exec(call.args?.[Number(i)] ?? '');
    if (!m) continue;
    if (out[m[1]] !== undefined && out[m[1]] !== value) return false;
    out[m[1]] = value;
  }
  return Object.keys(out).length ? out : undefined;
}

/** What a call does to a lock the caller may hold, from the call's flattened operations. */
export interface CallLockEffect {
  /** The first operation on the mutex, when it is an unconditional Lock/RLock: the call blocks if the caller holds it. */
  entry?: FlatOp;
  /** The call releases the mutex (it unlocks it and does not lock it again before returning). */
  releases: boolean;
  /** The call returns with the mutex locked, taken by this op (a `lock()` helper). */
  acquires?: FlatOp;
}

/**
 * The callee's own deferred operations (last in `ops`) run before the call returns, so for the
 * caller they are part of the call: `mu.Unlock(); defer mu.Lock()` gives the lock back.
 */
export function lockEffect(ops: readonly FlatOp[], key: string): CallLockEffect {
  let entry: FlatOp | undefined;
  let first = true;
  let unlocked = false;
  let handedOff = false;
  let last: FlatOp | undefined;
  for (const f of ops) {
    if (f.target !== key || !f.mutex) continue;
    const isLock = LOCKS.has(f.what);
    if (f.context) {
      // A goroutine or callback the call starts may unlock it at any time.
      if (!isLock) handedOff = true;
      continue;
    }
    if (first && isLock && !f.guarded) entry = f;
    first = false;
    if (!isLock) unlocked = true;
    last = f;
  }
  const lastLocks = last !== undefined && LOCKS.has(last.what) && !last.guarded;
  return {
    entry,
    // A call that starts by locking does not release a lock the caller holds: it blocks on it.
    releases: handedOff || (unlocked && !lastLocks && !entry),
    acquires: lastLocks && !unlocked && !handedOff ? last : undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// The per-function analysis

export interface Held {
  key: string;
  mode: Mode;
  kind: MutexKind;
  /** The Lock call, or the package call that returned with it locked. */
  node: Node;
  /** How the user's code spells the mutex (`s.mu`). */
  text: string;
  /** For a lock taken by a call: the operation in the callee. */
  via?: FlatOp;
}

export type LockEvent =
  | { k: 'lock'; node: Node; key: string; kind: MutexKind; mode: Mode; text: string }
  | { k: 'unlock'; node: Node; key: string; kind: MutexKind; mode: Mode; text: string }
  /** A call of a package function, with its operations in the caller's names. */
  | { k: 'call'; node: Node; callee: string; ops: FlatOp[]; conditional: boolean }
  /** Code that may unlock these mutexes at some time: a function literal, a `go` statement. */
  | { k: 'release'; node: Node; keys: string[] }
  | { k: 'defer'; node: Node; keys: string[]; unknown: boolean }
  | { k: 'deferLock'; node: Node; key: string; kind: MutexKind; mode: Mode; text: string }
  | { k: 'assign'; node: Node; prefixes: string[] }
  | { k: 'block'; node: Node; what: 'send' | 'recv' | 'WaitGroup.Wait' | 'Cond.Wait'; key?: string; text: string };

export interface Site<E extends LockEvent = LockEvent> {
  ev: E;
  /** The mutexes held on every path to the event. */
  held: ReadonlyMap<string, Held>;
  /** Mutexes an earlier `defer` (on some path) unlocks at return; `*` for a deferred call that may unlock anything. */
  deferred: ReadonlySet<string>;
}

export interface Exit {
  /** The return statement; undefined when control reaches the end of the body. */
  node?: Node;
  held: ReadonlyMap<string, Held>;
  deferred: ReadonlySet<string>;
}

export interface FuncLocks {
  fn: FuncInfo;
  /** Reachable events in code order, each with the locks held just before it. */
  sites: Site[];
  exits: Exit[];
  /** The `continue` statements, each with the locks held when it jumps back to its loop. */
  continues: Exit[];
  /** Mutexes whose Unlock method escapes as a value (`unlock := mu.Unlock`): not tracked. */
  escaped: ReadonlySet<string>;
  /**
   * True when some path of the graph goes from just after `from` to `to` without passing an
   * event that releases `key` (an Unlock, a call that unlocks it): `continue` with the mutex held,
   * then the loop's `Lock` again.
   */
  reachesUnreleased(from: Node, to: Node, key: string): boolean;
}

interface State {
  held: Map<string, Held>;
  deferred: Set<string>;
}

const cache = new WeakMap<FileFacts, Map<number, FuncLocks | undefined>>();

/**
 * The held-locks analysis of one function of the current file (a literal is analysed on its
 * own, starting with nothing held). Undefined when the body has a shape the analysis does not
 * follow (a jump it cannot place): callers then stay silent.
 */
export function funcLocks(facts: FileFacts, view: PackageView, fn: FuncInfo): FuncLocks | undefined {
  let perFile = cache.get(facts);
  if (!perFile) cache.set(facts, (perFile = new Map()));
  if (perFile.has(fn.node.id)) return perFile.get(fn.node.id);
  const result = fn.body ? new Analysis(facts, view, fn).run() : undefined;
  perFile.set(fn.node.id, result);
  return result;
}

const fileCache = new WeakMap<FileFacts, FuncLocks[]>();

/** The summaries of the current file's functions by key, made once per review (the rules ask several times). */
function ownSummaries(facts: FileFacts, view: PackageView): ReadonlyMap<string, FuncSummary> {
  const summary = view.files.find((f) => f.fileName === facts.fileName);
  if (!summary) return new Map();
  let byKey = byKeyCache.get(summary);
  if (!byKey) byKeyCache.set(summary, (byKey = new Map(summary.functions.map((f) => [f.key, f]))));
  return byKey;
}
const byKeyCache = new WeakMap<FileSummary, Map<string, FuncSummary>>();

/**
 * Every analysed function of the current file that locks something, in document order; with
 * `inFocus` (a rule's, see RuleContext.inFocus), only the functions in focus.
 */
export function fileLocks(facts: FileFacts, view: PackageView, inFocus: (node: Node) => boolean = EVERYWHERE): FuncLocks[] {
  const whole = inFocus === EVERYWHERE;
  const hit = whole ? fileCache.get(facts) : undefined;
  if (hit) return hit;
  const out: FuncLocks[] = [];
  const byKey = ownSummaries(facts, view);
  for (const fn of facts.functions) {
    if (!fn.body || !inFocus(fn.node) || !mayLock(facts, view, fn, byKey)) continue;
    const r = funcLocks(facts, view, fn);
    if (r) out.push(r);
  }
  if (whole) fileCache.set(facts, out);
  return out;
}

/**
 * The analysed functions of the current file that may take one mutex while holding another: the
 * only ones where lock order can go wrong (see mayNest). Shares the per-function analyses with
 * {@link fileLocks}. `only` picks the functions to look at before their lock names are gathered
 * (the rules' focus); `keep` then decides from those names.
 */
export function nestingLocks(
  facts: FileFacts,
  view: PackageView,
  keep?: (fn: FuncInfo, names: ReadonlySet<string> | undefined) => boolean,
  only: (fn: FuncInfo) => boolean = () => true,
): FuncLocks[] {
  const out: FuncLocks[] = [];
  const byKey = ownSummaries(facts, view);
  for (const fn of facts.functions) {
    if (!fn.body || !only(fn)) continue;
    const names = lockNames(facts, view, fn, byKey, keep ? Infinity : 2);
    if ((names && names.size < 2) || (!names && !/Lock\(/.test(fn.body.text)) || (keep && !keep(fn, names))) continue;
    const r = funcLocks(facts, view, fn);
    if (r) out.push(r);
  }
  return out;
}

/** The summary of the declaration holding `fn` (literals belong to theirs). */
function topSummary(facts: FileFacts, fn: FuncInfo, byKey: ReadonlyMap<string, FuncSummary>): FuncSummary | undefined {
  let top: Node = fn.node;
  for (let p = enclosingFunction(top); p; p = enclosingFunction(p)) top = p;
  const info = facts.funcInfo(top);
  const key = info.name ? (info.receiver ? `${info.receiver.typeName}.${info.name}` : info.name) : undefined;
  return key ? byKey.get(key) : undefined;
}

/**
 * Cheap pre-filter from the summaries: the declaration holding `fn` (literals belong to theirs)
 * locks or unlocks something, or calls a package function that may return with a mutex locked.
 * Without either, nothing is ever held in it, and every question the rules ask of a function's
 * locks starts from a held mutex.
 */
function mayLock(facts: FileFacts, view: PackageView, fn: FuncInfo, byKey: ReadonlyMap<string, FuncSummary>): boolean {
  const summary = topSummary(facts, fn, byKey);
  if (!summary) return /Lock\(/.test(fn.body!.text);
  return summary.ops.some((op) => LOCK_METHODS.has(op.kind) || (op.kind === 'call' && mayAcquire(view, op.target)));
}

/**
 * True when a call of `key` may return with a mutex locked at some call site: lockEffect's
 * `acquires` for some mutex, after the call site drops the operations its constant arguments
 * skip and renames targets. That needs a lock the callee takes on every path and no unlock of the
 * same mutex that every call runs, which is what is checked here, for any call site.
 */
function mayAcquire(view: PackageView, key: string): boolean {
  let acquires = acquireCache.get(view);
  if (!acquires) acquireCache.set(view, (acquires = new Map()));
  let may = acquires.get(key);
  if (may === undefined) {
    const locking = new Set<string>();
    const unlocking = new Set<string>();
    for (const f of flatten(view, key)) {
      if (!f.mutex || f.target === undefined) continue;
      if (LOCKS.has(f.what)) {
        if (!f.guarded && !f.context) locking.add(f.target);
      } else if (!f.when) unlocking.add(f.target);
    }
    may = [...locking].some((t) => !unlocking.has(t));
    acquires.set(key, may);
  }
  return may;
}
const acquireCache = new WeakMap<PackageView, Map<string, boolean>>();

/**
 * Cheap pre-filter from the summaries: the names of the mutexes the declaration holding `fn`
 * locks, itself or in the package functions it calls (undefined without a summary). Lock order
 * needs two: two names may be one mutex, but one name is never two, since lock order compares
 * names.
 */
function lockNames(facts: FileFacts, view: PackageView, fn: FuncInfo, byKey: ReadonlyMap<string, FuncSummary>, enough: number): Set<string> | undefined {
  const summary = topSummary(facts, fn, byKey);
  if (!summary) return undefined;
  const names = new Set<string>();
  for (const op of summary.ops) {
    if (op.kind === 'Lock' || op.kind === 'RLock') names.add(op.target);
    else if (op.kind === 'call') for (const f of flatten(view, op.target)) if (f.what === 'Lock' || f.what === 'RLock') names.add(f.target ?? `?${names.size}`);
    if (names.size >= enough) break;
  }
  return names;
}

class Analysis {
  private readonly escaped = new Set<string>();

  constructor(
    private readonly facts: FileFacts,
    private readonly view: PackageView,
    private readonly fn: FuncInfo,
  ) {}

  run(): FuncLocks | undefined {
    const g = cfgOf(this.facts, this.fn.node);
    if (!g) return undefined;
    // Events first, for every element: reading them also finds the escaping Unlock method values.
    const events = new Map<Element, LockEvent[]>();
    for (const b of g.blocks) for (const el of b.elements) events.set(el, this.elementEvents(el));
    const apply = (el: Element, st: State) => events.get(el)!.reduce((s, ev) => this.transfer(s, ev), st);
    const solution = solve<State>(g, {
      direction: 'forward',
      boundary: { held: new Map(), deferred: new Set() },
      join: joinStates,
      equals: sameState,
      transfer: apply,
    });
    if (!solution) return undefined;
    const sites: Site[] = [];
    const continues: Exit[] = [];
    const elements = g.blocks.flatMap((b) => b.elements).sort((x, y) => x.node.startIndex - y.node.startIndex || x.index - y.index);
    for (const el of elements) {
      let st = solution.before(el);
      if (!st) continue;
      if (el.node.type === 'continue_statement') continues.push({ node: el.node, held: st.held, deferred: st.deferred });
      for (const ev of events.get(el)!) {
        sites.push({ ev, held: st.held, deferred: st.deferred });
        st = this.transfer(st, ev);
      }
    }
    const exits: Exit[] = [];
    for (const r of g.returnPoints) {
      const st = solution.blockOut(r.block);
      if (st) exits.push({ node: r.node, held: st.held, deferred: st.deferred });
    }
    exits.sort((x, y) => (x.node?.startIndex ?? Infinity) - (y.node?.startIndex ?? Infinity));
    const releases = (el: Element, key: string) => events.get(el)!.some((ev) => this.releases(ev, key));
    const reachesUnreleased = (from: Node, to: Node, key: string): boolean => {
      const start = g.elementOf(from);
      const target = g.elementOf(to);
      if (!start || !target) return true;
      // Walk elements after `start` in its block, then whole blocks, stopping at releases.
      const seen = new Set<number>();
      const walkBlock = (b: number, fromIndex: number): boolean => {
        for (const el of g.blocks[b].elements.slice(fromIndex)) {
          if (el === target) return true;
          if (releases(el, key)) return false;
        }
        return g.blocks[b].succs.some((s) => !seen.has(s) && (seen.add(s), walkBlock(s, 0)));
      };
      return walkBlock(start.block, start.index + 1);
    };
    return { fn: this.fn, sites, exits, continues, escaped: this.escaped, reachesUnreleased };
  }

  /** The lock events of one element of the graph, in the order they happen. */
  private elementEvents(el: Element): LockEvent[] {
    const node = el.node;
    const expr = (n: Node | null | undefined): LockEvent[] => (n ? this.exprEvents(n) : []);
    const opt = (ev: LockEvent | undefined): LockEvent[] => (ev ? [ev] : []);
    switch (el.kind) {
      case 'select':
      case 'head':
        return [];
      case 'cond':
        return expr(node);
      case 'value': {
        const sw = node.parent;
        if (sw?.type === 'type_switch_statement' && sw.childForFieldName('alias')?.id === node.id) return opt(this.assign(node, node.namedChildren));
        return expr(node);
      }
      case 'range': {
        const right = node.childForFieldName('right');
        const recv = right && this.isChannel(right) ? this.block(right, 'recv', right) : undefined;
        return [...expr(right), ...opt(recv), ...opt(this.assign(node, node.childForFieldName('left')?.namedChildren ?? []))];
      }
      case 'comm': {
        // The case's own send or receive waits together with the others: not a plain blocking op.
        if (node.type === 'send_statement') return [...expr(node.childForFieldName('channel')), ...expr(node.childForFieldName('value'))];
        const right = node.type === 'receive_statement' ? node.childForFieldName('right') : node;
        const inner = right && right.type === 'unary_expression' ? right.childForFieldName('operand') : right;
        const assign = node.type === 'receive_statement' ? this.assign(node, node.childForFieldName('left')?.namedChildren ?? []) : undefined;
        return [...expr(inner), ...opt(assign)];
      }
      case 'stmt':
        return this.statementEvents(node);
    }
  }

  private statementEvents(node: Node): LockEvent[] {
    const expr = (n: Node | null | undefined): LockEvent[] => (n ? this.exprEvents(n) : []);
    const opt = (ev: LockEvent | undefined): LockEvent[] => (ev ? [ev] : []);
    switch (node.type) {
      case 'expression_statement':
        return expr(node.namedChild(0));
      case 'send_statement': {
        const ch = node.childForFieldName('channel');
        return [...expr(ch), ...expr(node.childForFieldName('value')), ...opt(ch ? this.block(node, 'send', ch) : undefined)];
      }
      case 'assignment_statement':
      case 'short_var_declaration':
        return [...expr(node.childForFieldName('right')), ...opt(this.assign(node, node.childForFieldName('left')?.namedChildren ?? []))];
      case 'inc_statement':
      case 'dec_statement':
        return [...expr(node.namedChild(0)), ...opt(this.assign(node, [node.namedChild(0)]))];
      case 'var_declaration': {
        const out: LockEvent[] = [];
        walk(node, (n) => {
          if (n.type !== 'var_spec') return;
          out.push(...expr(n.childForFieldName('value')), ...opt(this.assign(n, n.childrenForFieldName('name'))));
          return false;
        });
        return out;
      }
      case 'go_statement':
        return opt(this.releaseBy(node));
      case 'defer_statement':
        return opt(this.deferEvent(node));
      case 'return_statement':
        return node.namedChildren.flatMap((c) => expr(c));
      case 'break_statement':
      case 'continue_statement':
      case 'goto_statement':
      case 'fallthrough_statement':
      case 'empty_statement':
      case 'const_declaration':
      case 'type_declaration':
      case 'comment':
        return [];
      default:
        return expr(node);
    }
  }

  private isChannel(expr: Node): boolean {
    const t = this.facts.typeOf(expr);
    return (t !== undefined && /^(<-)?chan/.test(t)) || this.facts.channelMake(expr) !== undefined;
  }

  // -- events --------------------------------------------------------------------------------

  private block(node: Node, what: 'send' | 'recv' | 'WaitGroup.Wait' | 'Cond.Wait', target: Node): LockEvent {
    return { k: 'block', node, what, key: normaliseTarget(this.facts, target, node), text: target.text };
  }

  private assign(node: Node, targets: readonly (Node | null)[]): LockEvent | undefined {
    const prefixes: string[] = [];
    for (const t of targets) {
      if (!t) continue;
      const key = normaliseTarget(this.facts, t, t);
      if (key) prefixes.push(key);
    }
    return prefixes.length > 0 ? { k: 'assign', node, prefixes } : undefined;
  }

  /** The events of an expression, innermost first (arguments are evaluated before the call). */
  private exprEvents(root: Node): LockEvent[] {
    const found: Node[] = [];
    walk(root, (n) => {
      if (n.type === 'func_literal') {
        found.push(n);
        return false;
      }
      if (n.type === 'call_expression' || n.type === 'selector_expression') found.push(n);
      else if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '<-') found.push(n);
    });
    found.sort((a, b) => a.endIndex - b.endIndex || b.startIndex - a.startIndex);
    const out: LockEvent[] = [];
    for (const n of found) {
      const ev = this.exprEvent(n, root);
      if (ev) out.push(ev);
    }
    return out;
  }

  private exprEvent(n: Node, root: Node): LockEvent | undefined {
    const facts = this.facts;
    if (n.type === 'func_literal') return this.releaseBy(n);
    if (n.type === 'unary_expression') {
      const operand = n.childForFieldName('operand');
      // A receive made only while the buffer holds a value does not wait.
      return operand && !lengthGuarded(n) ? this.block(n, 'recv', operand) : undefined;
    }
    if (n.type === 'selector_expression') {
      // A method value `mu.Unlock` (not called here) may unlock the mutex at any later time.
      const field = n.childForFieldName('field')?.text ?? '';
      const operand = n.childForFieldName('operand');
      const isCallee = n.parent?.type === 'call_expression' && n.parent.childForFieldName('function')?.id === n.id;
      if (!isCallee && UNLOCKS.has(field) && operand) {
        const t = lockTarget(facts, this.view, operand, n);
        if (t) this.escaped.add(t.key);
      }
      return undefined;
    }
    const parts = callParts(n);
    if (!parts) return undefined;
    if (parts.receiverNode && LOCK_METHODS.has(parts.name)) {
      const t = lockTarget(facts, this.view, parts.receiverNode, n);
      if (t) {
        const mode: Mode = parts.name.startsWith('R') ? 'r' : 'w';
        const text = parts.receiverNode.text;
        return LOCKS.has(parts.name) ? { k: 'lock', node: n, ...t, mode, text } : { k: 'unlock', node: n, ...t, mode, text };
      }
    }
    if (parts.receiverNode && parts.name === 'Wait' && callArgs(n).length === 0) {
      const what = this.waitKind(parts.receiverNode);
      if (what) return this.block(n, what, parts.receiverNode);
    }
    const callee = calleeKey(facts, n);
    if (callee && this.view.func(callee)) {
      return { k: 'call', node: n, callee, ops: callSiteOps(facts, this.view, n, callee), conditional: isGuarded(n, root) };
    }
    const released = releasedByLocal(facts, this.view, n);
    return released.length > 0 ? { k: 'release', node: n, keys: [...released] } : undefined;
  }

  private waitKind(recv: Node): 'WaitGroup.Wait' | 'Cond.Wait' | undefined {
    const t = this.facts.typeOf(recv)?.replace(/^\*/, '');
    if (t === 'sync.WaitGroup') return 'WaitGroup.Wait';
    if (t === 'sync.Cond' || isCondInit(this.facts, recv)) return 'Cond.Wait';
    return undefined;
  }

  /** Mutexes that code which runs later (a literal, a goroutine) unlocks. */
  private releaseBy(node: Node): LockEvent | undefined {
    const keys = this.unlockKeysIn(node);
    return keys.length > 0 ? { k: 'release', node, keys } : undefined;
  }

  private unlockKeysIn(root: Node): string[] {
    const keys = new Set<string>();
    walk(root, (n) => {
      if (n.type !== 'call_expression') return;
      const parts = callParts(n);
      if (parts?.receiverNode && UNLOCKS.has(parts.name)) {
        const t = lockTarget(this.facts, this.view, parts.receiverNode, n);
        if (t) {
          keys.add(t.key);
          return;
        }
      }
      const callee = calleeKey(this.facts, n);
      if (callee && this.view.func(callee)) {
        for (const f of callSiteOps(this.facts, this.view, n, callee)) {
          if (f.target && f.mutex && UNLOCKS.has(f.what)) keys.add(f.target);
        }
      }
    });
    return [...keys];
  }

  private deferEvent(node: Node): LockEvent | undefined {
    const call = node.namedChildren.find((c) => c?.type === 'call_expression');
    if (!call) return undefined;
    const fnNode = unparen(call.childForFieldName('function')!);
    if (fnNode.type === 'func_literal') {
      // `defer func(s *Store) { s.Unlock() }(store)`: the literal's parameters are the call's arguments.
      const args = callArgs(call);
      const keys = this.unlockKeysIn(fnNode).map((k) => {
        const m = /^param(\d+)(.*)$/.exec(k);
        const arg = m ? args[Number(m[1])] : undefined;
        const base = arg ? normaliseTarget(this.facts, arg, call) : undefined;
        return base ? base + m![2] : k;
      });
      return { k: 'defer', node, keys, unknown: false };
    }
    const parts = callParts(call);
    if (parts?.receiverNode && LOCK_METHODS.has(parts.name)) {
      const t = lockTarget(this.facts, this.view, parts.receiverNode, call);
      if (t && LOCKS.has(parts.name)) {
        return { k: 'deferLock', node: call, ...t, mode: parts.name === 'RLock' ? 'r' : 'w', text: parts.receiverNode.text };
      }
      if (t) return { k: 'defer', node, keys: [t.key], unknown: false };
    }
    const callee = calleeKey(this.facts, call);
    if (callee && this.view.func(callee)) {
      const keys = callSiteOps(this.facts, this.view, call, callee)
        .filter((f) => f.target && f.mutex && !f.context && UNLOCKS.has(f.what))
        .map((f) => f.target!);
      return { k: 'defer', node, keys, unknown: false };
    }
    // `defer unlock()` of a function value, or an Unlock of something we cannot type: may unlock anything.
    const local = fnNode.type === 'identifier' && this.facts.lookup(fnNode.text, fnNode) !== undefined;
    if (local || /unlock|release/i.test(parts?.name ?? '')) return { k: 'defer', node, keys: [], unknown: true };
    return undefined;
  }

  /** True when the event lets go of `key`: its Unlock, a call that unlocks it, code that may unlock it. */
  private releases(ev: LockEvent, key: string): boolean {
    switch (ev.k) {
      case 'unlock':
        return ev.key === key;
      case 'release':
        return ev.keys.includes(key);
      case 'assign':
        return ev.prefixes.some((p) => key === p || key.startsWith(p + '.'));
      case 'call':
        return lockEffect(ev.ops, key).releases;
      default:
        return false;
    }
  }

  private transfer(st: State, ev: LockEvent): State {
    switch (ev.k) {
      case 'lock': {
        if (this.escaped.has(ev.key) || st.held.has(ev.key)) return st;
        const held = new Map(st.held);
        held.set(ev.key, { key: ev.key, mode: ev.mode, kind: ev.kind, node: ev.node, text: ev.text });
        return { held, deferred: st.deferred };
      }
      case 'unlock':
        return without(st, [ev.key]);
      case 'release':
        return without(st, ev.keys);
      case 'assign':
        return without(
          st,
          [...st.held.keys()].filter((k) => ev.prefixes.some((p) => k === p || k.startsWith(p + '.'))),
        );
      case 'defer': {
        const deferred = new Set(st.deferred);
        for (const k of ev.keys) deferred.add(k);
        if (ev.unknown) deferred.add('*');
        return deferred.size === st.deferred.size ? st : { held: st.held, deferred };
      }
      case 'call': {
        const keys = new Set<string>();
        for (const f of ev.ops) if (f.target && f.mutex) keys.add(f.target);
        let held: Map<string, Held> | undefined;
        for (const key of keys) {
          const effect = lockEffect(ev.ops, key);
          if (st.held.has(key) && effect.releases) {
            held ??= new Map(st.held);
            held.delete(key);
          } else if (!st.held.has(key) && effect.acquires && !ev.conditional && !this.escaped.has(key)) {
            held ??= new Map(st.held);
            const a = effect.acquires;
            held.set(key, { key, mode: a.what === 'RLock' ? 'r' : 'w', kind: a.mutex!, node: ev.node, text: displayKey(this.facts, this.fn, key), via: a });
          }
        }
        return held ? { held, deferred: st.deferred } : st;
      }
      default:
        return st;
    }
  }
}

function without(st: State, keys: readonly string[]): State {
  if (!keys.some((k) => st.held.has(k))) return st;
  const held = new Map(st.held);
  for (const k of keys) held.delete(k);
  return { held, deferred: st.deferred };
}

/** Where paths meet: a mutex is held when every path holds it (read-held when one holds it only for reading); a defer registered on some path counts. */
function joinStates(a: State, b: State): State {
  const held = new Map<string, Held>();
  for (const [k, h] of a.held) {
    const other = b.held.get(k);
    if (!other) continue;
    held.set(k, h.mode !== other.mode && h.mode === 'w' ? { ...h, mode: 'r' } : h);
  }
  let deferred = a.deferred;
  for (const k of b.deferred) {
    if (deferred.has(k)) continue;
    if (deferred === a.deferred) deferred = new Set(deferred);
    deferred.add(k);
  }
  return { held, deferred };
}

function sameState(a: State, b: State): boolean {
  if (a.held.size !== b.held.size || a.deferred.size !== b.deferred.size) return false;
  for (const [k, h] of a.held) if (b.held.get(k)?.mode !== h.mode) return false;
  for (const k of a.deferred) if (!b.deferred.has(k)) return false;
  return true;
}

/** `c := sync.NewCond(...)` or a field assigned one in this file. */
function isCondInit(facts: FileFacts, expr: Node): boolean {
  const n = unparen(expr);
  if (n.type !== 'identifier') return false;
  const init = facts.lookup(n.text, n)?.decl?.init;
  return init !== undefined && init.type === 'call_expression' && facts.isImportCall(init, 'sync', 'NewCond');
}

// ---------------------------------------------------------------------------------------------
// Presentation helpers

/** How the user would write a normalised key inside `fn`: `Store.mu` -> `s.mu`, `var:mu` -> `mu`. */
export function displayKey(facts: FileFacts, fn: FuncInfo, rawKey: string): string {
  // A promoted mutex reads as its owner: `c.in.Lock()`, not `c.in.Mutex.Lock()`.
  const key = rawKey.replace(/\.(RW)?Mutex$/, '');
  if (key.startsWith('var:')) return key.slice(4);
  if (key.startsWith('local:')) return key.slice(6);
  const param = /^param(\d+)(.*)$/.exec(key);
  if (param) {
    const name = fn.params[Number(param[1])]?.name;
    return name ? name + param[2] : key;
  }
  for (let f: Node | undefined = fn.node; f; f = enclosingFunction(f)) {
    const info = facts.funcInfo(f);
    const r = info.receiver;
    if (r?.name && (key === r.typeName || key.startsWith(r.typeName + '.'))) return r.name + key.slice(r.typeName.length);
  }
  return key;
}

/** The base name of a file, for messages (`store/evict.go` -> `evict.go`). */
export function baseName(file: string): string {
  return file.replace(/^.*[\\/]/, '');
}

/** `line 14` for an op of the current file, `evict.go:14` for one in another file. */
export function opWhere(facts: FileFacts, f: { op: Op; fn: FuncSummary }): string {
  return f.fn.file === facts.fileName ? `line ${f.op.line}` : `${baseName(f.fn.file)}:${f.op.line}`;
}

/** `evict` or `evict` → `drop`: the functions a flattened op is reached through (after the called one). */
export function chainText(f: FlatOp): string {
  return f.chain.map((c) => `\`${c.name}\``).join(' → ');
}

// ---------------------------------------------------------------------------------------------
// Shared findings

/** A lock taken while the same mutex is already held on every path: directly or inside a call. */
export interface Relock {
  fn: FuncInfo;
  /** The second Lock/RLock call, or the package call that locks again. */
  node: Node;
  mode: Mode;
  held: Held;
  /** For a call: the Lock/RLock inside the callee (targets in the caller's names). */
  via?: FlatOp;
  /** How the user's code spells the mutex at the second lock. */
  text: string;
}

const relockCache = new WeakMap<FileFacts, Relock[]>();

/** Every relock of the current file (shared by double-lock and recursive-rlock). */
export function relocks(facts: FileFacts, view: PackageView, inFocus: (node: Node) => boolean = EVERYWHERE): Relock[] {
  const whole = inFocus === EVERYWHERE;
  const hit = whole ? relockCache.get(facts) : undefined;
  if (hit) return hit;
  const out: Relock[] = [];
  for (const fl of fileLocks(facts, view, inFocus)) {
    for (const site of fl.sites) {
      const ev = site.ev;
      if (ev.k === 'lock') {
        const held = site.held.get(ev.key);
        if (held) out.push({ fn: fl.fn, node: ev.node, mode: ev.mode, held, text: ev.text });
      } else if (ev.k === 'call') {
        for (const [key, held] of site.held) {
          const entry = lockEffect(ev.ops, key).entry;
          if (entry) out.push({ fn: fl.fn, node: ev.node, mode: entry.what === 'RLock' ? 'r' : 'w', held, via: entry, text: held.text });
        }
      }
    }
  }
  if (whole) relockCache.set(facts, out);
  return out;
}

/**
 * A state flag that orders two critical sections of one mutex: `node` (in `locks`' function)
 * runs while `key` is held, inside an `if` whose condition, read under that same lock, tests a
 * field that `other` assigns while it holds `key` too. robfig/cron's `Schedule` sends to its
 * loop only `if c.running`, under `runningMu`; `Stop` stops the loop and clears `running` in one
 * section of `runningMu`, and `Run` sets it in the section it leaves before it starts receiving.
 * Which value means what is not checked: a mutex-guarded flag both sides keep is the author's
 * ordering, and a finding that ignores it is read as wrong.
 */
export function flagOrdered(facts: FileFacts, locks: FuncLocks, node: Node, key: string, other: FuncLocks): boolean {
  const site = locks.sites.find((s) => s.ev.node.id === node.id);
  const lock = site?.held.get(key);
  if (!lock) return false;
  const flags = new Set<string>();
  for (let p = node.parent; p && p.id !== locks.fn.node.id; p = p.parent) {
    const cond = p.type === 'if_statement' ? p.childForFieldName('condition') : undefined;
    // Read under the lock: the Lock comes before the `if`, in the same function.
    if (!cond || lock.via || lock.node.startIndex > p.startIndex) continue;
    for (const sel of descendants(cond, 'selector_expression')) {
      const t = normaliseTarget(facts, sel, sel);
      if (t) flags.add(t);
    }
  }
  if (flags.size === 0) return false;
  return other.sites.some((s) => s.ev.k === 'assign' && s.held.has(key) && s.ev.prefixes.some((p) => flags.has(p)));
}

/** `since line 11`, or `since line 11 (taken by \`s.lockAll()\`)` for a lock a call returned with. */
export function heldSince(h: Held): string {
  const at = `since line ${lineOf(h.node)}`;
  return h.via ? `${at} (taken by \`${excerpt(h.node.text, 28)}\`)` : at;
}

const callersCache = new WeakMap<PackageView, Map<string, ReadonlySet<string>>>();

/**
 * The mutexes every caller in the package holds (exclusively, with `Lock`) when it calls `key`,
 * named by `name` (so that names of different functions compare), and the ones their own callers
 * hold, a few calls up. Empty when the function has no caller in the package (an exported entry
 * point) or a call from a goroutine or callback. A gate lock held around both halves of an
 * apparent lock-order inversion serialises them (moby's cluster controlMutex).
 */
export function callersHold(view: PackageView, key: string, name: (fn: FuncSummary, target: string) => string, depth = 3): ReadonlySet<string> {
  let cache = callersCache.get(view);
  if (!cache) callersCache.set(view, (cache = new Map()));
  const memo = `${key}#${depth}`;
  const hit = cache.get(memo);
  if (hit) return hit;
  cache.set(memo, new Set()); // recursion sees nothing held
  let common: Set<string> | undefined;
  for (const caller of view.callers(key)) {
    if (caller.key === key) continue;
    // Raw key of each held mutex by its name, for calls that release it.
    const held = new Map<string, string>();
    for (const op of caller.ops) {
      if (op.deferred) continue;
      if (op.kind === 'call' && op.target === key) {
        if (op.context !== undefined) {
          common = new Set();
          break;
        }
        const here = new Set(held.keys());
        if (depth > 1) for (const g of callersHold(view, caller.key, name, depth - 1)) here.add(g);
        common = common ? new Set([...common].filter((g) => here.has(g))) : here;
        continue;
      }
      if (op.context !== undefined) continue;
      if (op.kind === 'call') {
        // A helper that returns with a mutex locked (`t.lock()`), or that unlocks one.
        const callee = view.func(op.target);
        if (!callee || callee.key === caller.key) continue;
        const flat = flatten(view, callee.key);
        if (!flat.some((f) => f.mutex && !f.context)) continue;
        const ops = flat.map((f) => ({ ...f, target: f.target === undefined ? undefined : mapTarget(view, f.target, callee, op) }));
        for (const [n, raw] of [...held]) if (lockEffect(ops, raw).releases) held.delete(n);
        if (op.guarded) continue;
        for (const k of new Set(ops.filter((f) => f.what === 'Lock' && f.mutex && f.target !== undefined).map((f) => f.target!))) {
          if (lockEffect(ops, k).acquires?.what === 'Lock') held.set(name(caller, k), k);
        }
        continue;
      }
      if (op.kind !== 'Lock' && op.kind !== 'Unlock' && op.kind !== 'RUnlock') continue;
      const lock = summaryLock(view, caller, op);
      if (!lock) continue;
      const n = name(caller, lock.key);
      if (op.kind === 'Lock' && !op.guarded) held.set(n, lock.key);
      else held.delete(n);
    }
    if (common?.size === 0) break;
  }
  const out = new Set(common ?? []);
  for (const g of unlockedFirst(view, key, name)) out.add(g);
  cache.set(memo, out);
  return out;
}

/**
 * The mutexes a call of `key` unlocks (`Unlock`, unguarded) before it locks them, if ever: its
 * caller must hold them, since unlocking an unlocked mutex is a fatal error. A method such as
 * `func (t *batchTx) Unlock() { t.commit(); t.Mutex.Unlock() }` runs all of its body under the
 * lock of whoever calls it, including callers in other packages.
 */
function unlockedFirst(view: PackageView, key: string, name: (fn: FuncSummary, target: string) => string): string[] {
  const fn = view.func(key);
  if (!fn) return [];
  const first = new Map<string, FlatOp>();
  for (const f of flatten(view, key)) {
    if (f.context || !f.mutex || f.target === undefined || first.has(f.target)) continue;
    first.set(f.target, f);
  }
  return [...first].filter(([, f]) => f.what === 'Unlock' && !f.guarded).map(([k]) => name(fn, k));
}

// ---------------------------------------------------------------------------------------------
// Callbacks run under a lock

/**
 * The mutexes `fn` holds, by its summary, when it performs `at`: locked before it (not in a
 * branch) and not unlocked or released by a call since, in the order the code is written.
 * Operations in goroutines, callbacks or defers do not count. Keys are in `fn`'s names. With
 * `afterExits`, a lock that only an earlier exit of the function can skip counts as held too.
 */
export function heldAtOp(view: PackageView, fn: FuncSummary, at: Op, afterExits = false): Map<string, { mode: Mode; kind: MutexKind; op: Op }> {
  const held = new Map<string, { mode: Mode; kind: MutexKind; op: Op }>();
  for (const op of fn.ops) {
    if (op === at) break;
    if (op.deferred || op.context !== undefined) continue;
    if (LOCK_METHODS.has(op.kind)) {
      const lock = summaryLock(view, fn, op);
      if (!lock) continue;
      if (!LOCKS.has(op.kind)) held.delete(lock.key);
      else if (!op.guarded || (afterExits && op.afterExit)) held.set(lock.key, { mode: op.kind === 'RLock' ? 'r' : 'w', kind: lock.kind, op });
    } else if (op.kind === 'call') {
      const callee = view.func(op.target);
      if (!callee || callee.key === fn.key) continue;
      const ops = flatten(view, callee.key).map((f) => ({ ...f, target: f.target === undefined ? undefined : mapTarget(view, f.target, callee, op) }));
      for (const key of [...held.keys()]) if (lockEffect(ops, key).releases) held.delete(key);
    }
  }
  return held;
}

/** A lock taken in a function literal that a holder of the same mutex calls (see {@link callbackRelocks}). */
export interface CallbackRelock {
  /** The literal. */
  fn: FuncInfo;
  /** The Lock/RLock call, or the package call that locks, inside the literal. */
  node: Node;
  mode: Mode;
  /** For a call: the Lock/RLock inside the callee. */
  via?: FlatOp;
  /** The function that runs the literal while holding the mutex, and where it calls it. */
  holder: FuncSummary;
  call: Op;
  /** How the holder took the mutex. */
  heldMode: Mode;
  heldOp: Op;
  /** How the literal's code spells the mutex. */
  text: string;
  /** How the literal reaches the holder: passed to its call, or stored in a field it calls. */
  how: { kind: 'argument'; node: Node } | { kind: 'field'; field: string; node: Node };
}

const callbackCache = new WeakMap<FileFacts, CallbackRelock[]>();

/**
 * Locks taken by function literals of the current file while the function that runs them holds
 * the same mutex: a literal passed to a package function that calls it under its lock
 * (`c.Each(func(k string) { c.Evict(k) })` where `Each` read-locks `c.mu` around the calls), or
 * a literal stored in a struct field (`c.onEvict = func(...) {...}`) that a method calls on its
 * own receiver while holding the lock. The literal runs on the holder's goroutine, so it waits
 * for itself.
 */
export function callbackRelocks(facts: FileFacts, view: PackageView): CallbackRelock[] {
  const hit = callbackCache.get(facts);
  if (hit) return hit;
  const out: CallbackRelock[] = [];
  for (const fn of facts.functions) {
    if (fn.kind !== 'literal' || !fn.body) continue;
    const holders = literalHolders(facts, view, fn.node);
    if (holders.length === 0) continue;
    const locks = funcLocks(facts, view, fn);
    if (!locks) continue;
    for (const h of holders) {
      for (const site of locks.sites) {
        const ev = site.ev;
        for (const [key, held] of h.held) {
          if (site.held.has(key)) continue; // the literal's own relock: the ordinary case
          let mode: Mode | undefined;
          let via: FlatOp | undefined;
          let text = '';
          if (ev.k === 'lock' && ev.key === key) {
            mode = ev.mode;
            text = ev.text;
          } else if (ev.k === 'call') {
            via = lockEffect(ev.ops, key).entry;
            mode = via ? (via.what === 'RLock' ? 'r' : 'w') : undefined;
            text = displayKey(facts, paramOwner(facts, fn, key), key);
          }
          if (!mode) continue;
          out.push({ fn, node: ev.node, mode, via, holder: h.fn, call: h.call, heldMode: held.mode, heldOp: held.op, text, how: h.how });
        }
      }
    }
  }
  callbackCache.set(facts, out);
  return out;
}

/** The function whose parameter a `param0...` key of a literal's code names: the nearest enclosing one with parameters. */
function paramOwner(facts: FileFacts, fn: FuncInfo, key: string): FuncInfo {
  if (!key.startsWith('param')) return fn;
  for (let f: FuncInfo = fn; ; ) {
    if (f.params.length > 0) return f;
    const up = enclosingFunction(f.node);
    if (!up) return fn;
    f = facts.funcInfo(up);
  }
}

interface Holder {
  fn: FuncSummary;
  call: Op;
  /** Held mutexes, keyed in the names the literal's code uses. */
  held: Map<string, { mode: Mode; op: Op }>;
  how: CallbackRelock['how'];
}

/** The functions that call the literal `lit` while holding a mutex, with that mutex in the literal's names. */
function literalHolders(facts: FileFacts, view: PackageView, lit: Node): Holder[] {
  const out: Holder[] = [];
  const up = lit.parent;
  // Passed as an argument: `c.Each(func(k string) {...})`.
  if (up?.type === 'argument_list' && up.parent?.type === 'call_expression') {
    const call = up.parent;
    const key = calleeKey(facts, call);
    const callee = key ? view.func(key) : undefined;
    const index = callArgs(call).findIndex((a) => a.id === lit.id);
    if (callee && index >= 0) {
      const site = callSite(facts, call);
      for (const op of callee.ops) {
        if (op.kind !== 'callParam' || op.target !== `param${index}` || op.context !== undefined) continue;
        const held = new Map<string, { mode: Mode; op: Op }>();
        for (const [k, h] of heldAtOp(view, callee, op)) {
          const mapped = mapTarget(view, k, callee, site);
          // The literal's own parameters are named `param0...` too: with some, such names would not compare.
          if (mapped && !(mapped.startsWith('param') && facts.funcInfo(lit).params.length > 0)) held.set(mapped, h);
        }
        if (held.size > 0) out.push({ fn: callee, call: op, held, how: { kind: 'argument', node: call } });
      }
    }
  }
  // Stored in a field: `c.onEvict = func(...) {...}`.
  const list = up?.type === 'expression_list' ? up : undefined;
  const assign = list?.parent?.type === 'assignment_statement' && list.parent.childForFieldName('right')?.id === list.id ? list.parent : undefined;
  if (assign && list!.namedChildren.length === 1) {
    const left = assign.childForFieldName('left')?.namedChildren;
    const sel = left?.length === 1 ? unparen(left[0]!) : undefined;
    const operand = sel?.type === 'selector_expression' ? sel.childForFieldName('operand') : null;
    const field = sel?.childForFieldName('field')?.text;
    const type = operand ? localTypeName(facts.typeOf(operand)) : undefined;
    const self = operand ? normaliseTarget(facts, operand, assign) : undefined;
    if (operand && field && type && self && !self.startsWith('param')) {
      for (const g of view.functions) {
        if (g.receiverType !== type) continue;
        for (const op of g.ops) {
          if (op.kind !== 'call' || op.target !== `${type}.${field}` || op.recv !== type || op.context !== undefined) continue;
          const held = new Map<string, { mode: Mode; op: Op }>();
          for (const [k, h] of heldAtOp(view, g, op)) if (k === type || k.startsWith(type + '.')) held.set(self + k.slice(type.length), h);
          if (held.size > 0) out.push({ fn: g, call: op, held, how: { kind: 'field', field, node: sel! } });
        }
      }
    }
  }
  return out;
}
