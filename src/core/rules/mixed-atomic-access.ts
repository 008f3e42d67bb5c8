import { isWaitGroupType, type FileFacts, type FuncInfo } from '../model/facts';
import { calleeKey, funcKey, normaliseTarget, typedTarget, type FuncSummary, type Op, type PackageView } from '../model/package';
import { baseName, funcLocks, heldAtOp, type Mode } from '../model/locks';
import { lastReference } from '../model/ownership';
import { runsBefore } from '../model/paths';
import type { Node } from '../syntax/parser';
import type { Fix, Rule } from '../findings/rule';
import { replaceNode } from '../findings/edits';
import { callParts, descendants, docComment, lineOf, unparen } from '../syntax/nodes';

export const rule: Rule = {
  id: 'mixed-atomic-access',
  title: 'Field or variable accessed both atomically and plainly',
  // Information for now: round 13 of docs/precision.md leaves 9 findings on the corpus, all true,
  // but the orderings that made the earlier ones false (caller-held locks, reference counts) were
  // learned from those same findings; a warning waits for a review on code they were not tuned on.
  severity: 'info',
  category: 'race',
  docs: {
    summary:
      'A struct field or package variable is updated with `sync/atomic` functions in one place and read or written without them in another: the plain access races with the atomic one.',
    why:
      'An atomic operation is only atomic with respect to other atomic operations on the same word. A plain `s.hits` read while another ' +
      'goroutine runs `atomic.AddInt64(&s.hits, 1)` is a data race: the Go memory model gives it no defined value, the race detector ' +
      'reports it, and on 32-bit platforms a 64-bit read can tear into two halves from different writes. The compiler may also keep a ' +
      'plain read in a register, so a loop waiting for the value never sees it change. Once one access of a variable is atomic, every ' +
      'access that can run concurrently with it must be too; the typed `atomic.Int64` and friends (Go 1.19) make that impossible to forget.',
    interleaving: [
      'A request goroutine runs `atomic.AddInt64(&s.hits, 1)`.',
      'At the same time the metrics goroutine reads `s.hits` without `atomic.LoadInt64`.',
      'The read is unsynchronised with the write: it may see a stale value forever (hoisted out of a loop) or, on 32-bit platforms, a torn one.',
    ],
    bad: `type Server struct {
	hits int64
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	atomic.AddInt64(&s.hits, 1)
}

func (s *Server) Hits() int64 {
	return s.hits // races with the AddInt64 above
}`,
    good: `func (s *Server) Hits() int64 {
	return atomic.LoadInt64(&s.hits)
}

// Better still, since Go 1.19:
type Server struct {
	hits atomic.Int64
}`,
    fixes:
      '**Read with `atomic.LoadT`** replaces a plain read with the matching `atomic.Load` call (`atomic.LoadInt64(&s.hits)`), when the file ' +
      'imports sync/atomic and the atomic side shows the type. It changes nothing but the race, so fix-all applies it. Writes and `++` are left to you.',
  },
  check(ctx) {
    const file = ctx.file;
    // Alone, a file without sync/atomic has no atomic side; with siblings, any file may have one.
    if (!ctx.siblings && !file.text.includes('atomic')) return;
    const view = ctx.package;
    const { atomics, names } = atomicTargets(view);
    if (atomics.size === 0) return;
    for (const fn of file.functions) {
      if (!ctx.inFocus(fn.node)) continue;
      // init functions, and methods named init that set a value up in place, run before it is shared.
      if (!fn.body || fn.kind === 'literal' || /^(init|Init|initialize)$/.test(fn.name ?? '')) continue;
      const summary = view.func(funcKey(fn) ?? '');
      // The plain accesses of each atomically used target in this function, in order.
      const byTarget = new Map<string, { node: Node; write: boolean; atomic: Atomic }[]>();
      for (const sel of descendants(fn.body, new Set(['selector_expression', 'identifier']))) {
        if (!names.has((sel.type === 'selector_expression' ? sel.childForFieldName('field')?.text : sel.text) ?? '')) continue;
        const access = plainAccess(file, fn, summary, sel, atomics);
        if (!access) continue;
        const list = byTarget.get(access.target) ?? [];
        list.push({ node: sel, write: access.write, atomic: access.atomic });
        byTarget.set(access.target, list);
      }
      for (const [target, accesses] of byTarget) {
        // A function that builds the value holding the field (`s := &Server{}`, `c.stats = &Stats{}`)
        // initialises it before anyone else can see it.
        if (holders(view, target).some((type) => constructs(fn, type))) continue;
        if (ordered(file, view, fn, summary, target, accesses.map((a) => a.node), atomics, accesses.every((a) => !a.write))) continue;
        const first = accesses[0];
        const sel = first.node;
        const { op, fn: where } = first.atomic;
        const place = where.file === file.fileName ? `line ${op.line}` : `${baseName(where.file)}:${op.line}`;
        const verb = first.write ? 'written' : 'read';
        ctx.report({
          node: sel,
          message: `\`${sel.text}\` is ${verb} without sync/atomic, while \`${where.name}\` uses \`atomic.${op.atomicFn}\` on it (${place}): a data race`,
          related: [
            ...(where.file === file.fileName ? [{ span: { start: op.start, end: op.end }, message: 'the atomic access' }] : []),
            ...accesses.slice(1).map((a) => ({ span: { start: a.node.startIndex, end: a.node.endIndex }, message: `also ${a.write ? 'written' : 'read'} plainly here` })),
          ],
          steps: [
            `\`${where.name}\` runs \`atomic.${op.atomicFn}\` on \`${sel.text}\` (${place}) in one goroutine.`,
            `\`${fn.name}\` ${verb === 'read' ? 'reads' : 'writes'} \`${sel.text}\` plainly (line ${lineOf(sel)}) in another.`,
            'Nothing orders the two accesses: the plain one may see a stale or torn value, and the race detector reports it.',
          ],
          // Every plain access of the function is a read: all of them become loads, so none is left.
          fixes: accesses.every((a) => !a.write) ? loadFix(file, accesses.map((a) => a.node), op) : [],
        });
      }
    }
  },
};

interface Atomic {
  op: Op;
  fn: FuncSummary;
}

/**
 * Targets of the package's atomic accesses, in the names of their types (`Server.hits`, `var:n`),
 * each with all its atomic accesses; and the names they end with (the field or package variable
 * they are: `hits`, `count`). Once per package view: every file of the package asks.
 */
function atomicTargets(view: PackageView): { atomics: Map<string, Atomic[]>; names: Set<string> } {
  let known = atomicsByView.get(view);
  if (!known) {
    const atomics = gatherAtomics(view);
    known = { atomics, names: new Set([...atomics.keys()].map((t) => t.slice(t.lastIndexOf('.') + 1).replace(/^var:/, ''))) };
    atomicsByView.set(view, known);
  }
  return known;
}

const atomicsByView = new WeakMap<PackageView, { atomics: Map<string, Atomic[]>; names: Set<string> }>();

function gatherAtomics(view: PackageView): Map<string, Atomic[]> {
  const out = new Map<string, Atomic[]>();
  for (const fn of view.functions) {
    for (const op of fn.ops) {
      if (op.kind !== 'atomic') continue;
      const t = typedTarget(fn, op.target);
      if (!t) continue;
      const list = out.get(t);
      if (list) list.push({ op, fn });
      else out.set(t, [{ op, fn }]);
    }
  }
  return out;
}

const WRITES = /^(Add|Store|Swap|CompareAndSwap|And|Or)/;

/**
 * The plain accesses are ordered with every atomic one by something the model sees, so they do
 * not race. Reads race only with atomic writes. In every context the package runs the two sides
 * in (each call site, a few callers up): a mutex both hold, one of them exclusively; a value the
 * caller owns (a local it built, a struct value of its own) or two different struct values (the
 * `Failed` of one type and the `FailStats` of another); a read made with the last reference of a
 * reference-counted value (`if d.decr() == 0 { d.notify() }`: every holder's atomic updates come
 * before its own decrement). Also: a `wg.Wait()` that
 * comes first in the function (the goroutines doing the atomic updates are done); reads by a
 * function that itself (or through its calls) makes the atomic writes, the single writer reading
 * its own value; a function that only tests call, or that says it is for tests only (set-up run
 * before anything else).
 */
function ordered(
  file: FileFacts,
  view: PackageView,
  fn: FuncInfo,
  summary: FuncSummary | undefined,
  target: string,
  nodes: Node[],
  allAtomics: Map<string, Atomic[]>,
  reads: boolean,
): boolean {
  const atomics = allAtomics.get(target)!;
  if (nodes.every((n) => waitedBefore(file, fn, n))) return true;
  if (reads && summary && writesAtomically(view, summary, target, 3)) return true;
  const key = funcKey(fn);
  // Documented as test-only (`reset is for testing only`).
  if (/\b(for )?test(s|ing)? only\b|\bonly (for|in|used (in|by)) tests?\b/i.test(docComment(fn.node))) return true;
  // Unexported: an exported function may have callers in other packages.
  if (key && fn.name && !/^\p{Lu}/u.test(fn.name)) {
    const callers = view.callers(key);
    if (callers.length > 0 && callers.every((c) => /_test\.go$/.test(c.file)) && !/_test\.go$/.test(file.fileName)) return true;
  }
  // The same field reached through a package variable (`global.n`) is another name for it, whose locks are not compared here.
  const field = target.slice(target.lastIndexOf('.'));
  if ([...allAtomics.keys()].some((t) => t.startsWith('var:') && t !== target && t.endsWith(field))) return false;
  // Each side in every context the package shows it running in (its callers, a few calls up):
  // the locks held there, and what is known of the value it works on.
  const onReceiver = (path: string) => !!summary?.receiverType && path.startsWith(summary.receiverType + '.');
  const local = localContext(file, view, fn, summary, nodes);
  const plainCtxs = contexts(view, summary?.key ?? '', 3).map((c) => merge(local, c, onReceiver(target)));
  const writes = atomics.filter((a) => !reads || WRITES.test(a.op.atomicFn ?? ''));
  const atomicCtxs = writes.flatMap((a) => {
    const here: Ctx = { held: typedHeld(a.fn, heldAtOp(view, a.fn, a.op, true)) };
    return contexts(view, a.fn.key, 3).map((c) => merge(here, c, !!a.fn.receiverType && typedTarget(a.fn, a.op.target)?.startsWith(a.fn.receiverType + '.') === true));
  });
  // A method of a value type without a mutex of its own (a stats value embedded in a struct whose
  // lock guards it) cannot take that lock: when the package calls it under the lock that orders it
  // with every atomic writer, a method of the same type that nothing in the package calls (an
  // exported `String`) is taken to be called under it too. A type that holds the mutex is expected
  // to take it in its own methods.
  const lockless = !!summary?.receiverType && !hasMutex(view, summary.receiverType);
  const convention =
    lockless &&
    atomicCtxs.every((a) => a.held.size > 0) &&
    plainCtxs.some((p) => atomicCtxs.every((a) => orderedPair(view, p, a)) && atomicCtxs.some((a) => sharesLock(p, a)));
  const excused = (p: Ctx) => convention && p.held.size === 0 && !!p.entry && p.entry !== summary?.key && view.func(p.entry)?.receiverType === summary?.receiverType;
  return plainCtxs.every((p) => excused(p) || atomicCtxs.every((a) => orderedPair(view, p, a)));
}

/** The struct type holds a `sync.Mutex` or `sync.RWMutex` (a field or embedded). */
function hasMutex(view: PackageView, type: string): boolean {
  return Object.entries(view.struct(type) ?? {}).some(([name, t]) => /^\*?sync\.(RW)?Mutex$/.test(t) || /^(RW)?Mutex$/.test(name));
}

/** What is known where an access runs: locks held (typed, with mode), and the value it works on. */
interface Ctx {
  held: Map<string, Mode>;
  /** The value the function's receiver is, in the names of its type (`SRStatus.Failed`). */
  obj?: string;
  /** A value of the caller's own (a local it built, or a struct value it holds). */
  owned?: boolean;
  /** Run with the last reference of a reference-counted value: nothing else can reach it. */
  lastRef?: boolean;
  /** Reached from a function the package never calls (an exported entry point): its key. */
  entry?: string;
}

function orderedPair(view: PackageView, p: Ctx, a: Ctx): boolean {
  if (p.owned || a.owned || p.lastRef) return true;
  if (p.obj && a.obj && p.obj !== a.obj && valueField(view, p.obj) && valueField(view, a.obj)) return true;
  return sharesLock(p, a);
}

/** Some mutex both hold, one of them exclusively: read locks alone do not exclude each other. */
function sharesLock(p: Ctx, a: Ctx): boolean {
  for (const [k, m] of p.held) {
    const n = a.held.get(k);
    if (n && (m === 'w' || n === 'w')) return true;
  }
  return false;
}

/** `T.f` where `f` is declared with a struct value type: a value inside every T, never shared with another field. */
function valueField(view: PackageView, path: string): boolean {
  const parts = path.split('.');
  if (parts.length !== 2) return false;
  const t = view.structField(parts[0], parts[1]);
  return !!t && /^[A-Za-z_]\w*$/.test(t) && !!view.struct(t);
}

function typedHeld(fn: FuncSummary, held: ReadonlyMap<string, { mode: Mode }>): Map<string, Mode> {
  const out = new Map<string, Mode>();
  for (const [k, h] of held) out.set(typedTarget(fn, k) ?? k, h.mode);
  return out;
}

/** `inner` (the function itself) within `outer` (one of its call contexts): locks add up; what is known of the value passes down only when the access is on the receiver. */
function merge(inner: Ctx, outer: Ctx, onReceiver: boolean): Ctx {
  const held = new Map(outer.held);
  for (const [k, m] of inner.held) if (held.get(k) !== 'w') held.set(k, m);
  return {
    held,
    ...(inner.obj || (onReceiver && outer.obj) ? { obj: inner.obj ?? outer.obj } : {}),
    ...((onReceiver && outer.owned) || inner.owned ? { owned: true } : {}),
    ...((onReceiver && outer.lastRef) || inner.lastRef ? { lastRef: true } : {}),
    ...(outer.entry ? { entry: outer.entry } : {}),
  };
}

const contextCache = new WeakMap<PackageView, Map<string, Ctx[]>>();

/**
 * The contexts the package calls `key` in: per call site, the locks the caller holds there, what
 * the call's receiver is, and the caller's own contexts, `depth` calls up. A function nothing in
 * the package calls (tests aside) has one context, an entry with nothing held.
 */
function contexts(view: PackageView, key: string, depth: number): Ctx[] {
  let cache = contextCache.get(view);
  if (!cache) contextCache.set(view, (cache = new Map()));
  const memo = `${key}#${depth}`;
  const hit = cache.get(memo);
  if (hit) return hit;
  cache.set(memo, [{ held: new Map() }]); // recursion knows nothing
  // What the program does decides: a test's calls on values it has just built order nothing for others.
  const test = /_test\.go$/.test(view.func(key)?.file ?? '');
  const callers = view.callers(key).filter((c) => c.key !== key && (test || !/_test\.go$/.test(c.file)));
  const out: Ctx[] = [];
  if (callers.length === 0) out.push({ held: new Map(), entry: key });
  for (const c of callers) {
    for (const op of c.ops) {
      if (op.kind !== 'call' || op.target !== key) continue;
      if (op.context !== undefined || out.length > 16) {
        out.push({ held: new Map() });
        continue;
      }
      const callee = view.func(key);
      const recvTyped = op.recvType ?? (op.recv ? typedTarget(c, op.recv) : undefined);
      const here: Ctx = {
        held: typedHeld(c, heldAtOp(view, c, op, true)),
        ...(recvTyped?.includes('.') ? { obj: recvTyped } : {}),
        ...(owns(view, op.owned) ? { owned: true } : {}),
        ...(op.lastRef && op.lastRef.obj === op.recv && (!op.lastRef.via || decrementsOwn(view, op.lastRef.via)) && callee?.receiverType ? { lastRef: true } : {}),
      };
      // The caller's contexts say something about this value only when it calls on its own receiver.
      const same = !!c.receiverType && op.recv === c.receiverType;
      const up = depth > 1 ? contexts(view, c.key, depth - 1) : [{ held: new Map<string, Mode>() }];
      for (const u of up) out.push(merge(here, u, same));
    }
  }
  cache.set(memo, out);
  return out;
}

/** See Op.owned: a value built here, or a struct value (declared so, or returned by a package function). */
function owns(view: PackageView, owned: string | undefined): boolean {
  if (!owned) return false;
  if (owned === 'new') return true;
  const type = owned.startsWith('type:') ? owned.slice(5) : owned.startsWith('call:') ? view.func(owned.slice(5))?.results?.[0] : undefined;
  return !!type && /^[A-Za-z_]\w*$/.test(type) && !!view.struct(type);
}

/** The method `via` returns the atomic decrement of a count held by its own receiver. */
function decrementsOwn(view: PackageView, via: string): boolean {
  const fn = view.func(via);
  return !!fn?.receiverType && fn.decrements === fn.receiverType && fn.pointerReceiver !== false;
}

/** The function's own context at the plain accesses: locks held at every one, and whether every one runs with the last reference of its value. */
function localContext(file: FileFacts, view: PackageView, fn: FuncInfo, summary: FuncSummary | undefined, nodes: Node[]): Ctx {
  let held: Map<string, Mode> | undefined;
  for (const n of nodes) {
    const h = heldAt(file, view, fn, summary, n);
    held = held ? new Map([...held].filter(([k]) => h.has(k)).map(([k, m]) => [k, m === 'w' && h.get(k) === 'w' ? 'w' : 'r'])) : h;
  }
  const lastRef = nodes.every((n) => {
    const ref = lastReference(file, fn, n, (e, at) => normaliseTarget(file, e, at), (c) => calleeKey(file, c));
    if (!ref) return false;
    const path = normaliseTarget(file, unparen(n));
    if (!path || !(path === ref.obj || path.startsWith(ref.obj + '.'))) return false;
    return !ref.via || decrementsOwn(view, ref.via);
  });
  return { held: held ?? new Map(), ...(lastRef ? { lastRef: true } : {}) };
}

/** A `Wait()` of a WaitGroup runs before `n` in its function. */
function waitedBefore(file: FileFacts, fn: FuncInfo, n: Node): boolean {
  return descendants(fn.body!, 'call_expression', true).some((c) => {
    const parts = callParts(c);
    return parts?.name === 'Wait' && !!parts.receiverNode && isWaitGroupType(file.typeOf(parts.receiverNode)) && c.endIndex <= n.startIndex && runsBefore(c, n);
  });
}

/** `fn` or a function it calls (a few calls deep) writes `target` with sync/atomic. */
function writesAtomically(view: PackageView, fn: FuncSummary, target: string, depth: number): boolean {
  for (const op of fn.ops) {
    if (op.context !== undefined) continue;
    if (op.kind === 'atomic' && WRITES.test(op.atomicFn ?? '') && typedTarget(fn, op.target) === target) return true;
    if (op.kind === 'call' && depth > 0) {
      const callee = view.func(op.target);
      if (callee && callee.key !== fn.key && writesAtomically(view, callee, target, depth - 1)) return true;
    }
  }
  return false;
}

/** The mutexes (typed targets, with mode) the function itself holds at `n`. */
function heldAt(file: FileFacts, view: PackageView, fn: FuncInfo, summary: FuncSummary | undefined, n: Node): Map<string, Mode> {
  const out = new Map<string, Mode>();
  const locks = funcLocks(file, view, fn);
  // The locks held just before the first event at or after `n`: nothing happens between them.
  // (or at the `return` that holds it, when no event follows).
  const next = locks?.sites.find((s) => s.ev.node.startIndex >= n.startIndex) ?? locks?.exits.find((e) => e.node && e.node.startIndex <= n.startIndex && n.endIndex <= e.node.endIndex);
  const typed = (k: string) => (summary ? typedTarget(summary, k) : undefined) ?? typedTarget({ params: fn.params.map((p) => p.type) }, k) ?? k;
  if (next) for (const [k, h] of next.held) out.set(typed(k), h.mode);
  return out;
}

/** A plain read or write of an atomically accessed target: not inside `&x` (an address handed on), not a selector's operand. */
function plainAccess(file: FileFacts, fn: FuncInfo, summary: FuncSummary | undefined, n: Node, atomics: Map<string, Atomic[]>) {
  // The whole path only: `s.hits`, not `s` inside it; an identifier only for package variables.
  if (n.parent?.type === 'selector_expression' && n.parent.childForFieldName('operand')?.id === n.id) return undefined;
  if (n.type === 'identifier' && (n.parent?.type === 'selector_expression' || !file.lookup(n.text, n)?.decl || file.lookup(n.text, n)?.fn)) return undefined;
  if (n.type === 'selector_expression' && n.parent?.type === 'call_expression' && n.parent.childForFieldName('function')?.id === n.id) return undefined;
  let up = n.parent;
  while (up?.type === 'parenthesized_expression') up = up.parent;
  if (up?.type === 'unary_expression' && up.childForFieldName('operator')?.text === '&') return undefined;
  // A copy: a value receiver or a value parameter holds its own fields.
  if (n.type === 'selector_expression') {
    const head = pathHead(n);
    const found = head ? file.lookup(head.text, head) : undefined;
    if (found?.receiver && found.receiver.receiver?.pointer === false) return undefined;
    if (found?.param && !found.param.type.startsWith('*')) return undefined;
  }
  if (up?.type === 'keyed_element' || up?.type === 'short_var_declaration' && up.childForFieldName('left')?.namedChildren.some((x) => x?.id === n.id)) return undefined;
  const raw = normaliseTarget(file, n);
  const target = raw ? typedTarget(summary ?? { params: fn.params.map((p) => p.type) }, raw) : undefined;
  const atomic = target ? atomics.get(target)?.[0] : undefined;
  if (!target || !atomic) return undefined;
  const write =
    (up?.type === 'assignment_statement' && up.childForFieldName('left')?.namedChildren.some((x) => x?.id === n.id)) ||
    up?.type === 'inc_statement' ||
    up?.type === 'dec_statement' ||
    (up?.type === 'expression_list' && up.parent?.type === 'assignment_statement' && up.parent.childForFieldName('left')?.id === up.id);
  return { target, atomic, write: !!write };
}

/** True when `fn` makes a value of `type` (`&T{...}`, `T{...}`, `new(T)`): it sets fields up before sharing it. */
function constructs(fn: FuncInfo, type: string): boolean {
  const text = fn.body!.text;
  return new RegExp(`(^|[^\\w.])${type}\\s*\\{|new\\(\\s*${type}\\s*\\)`).test(text);
}

const LOADS = /^(Add|Load|Store|Swap|CompareAndSwap)(Int32|Int64|Uint32|Uint64|Uintptr)$/;

/** Each plain read `s.hits` -> `atomic.LoadInt64(&s.hits)`, when the file imports sync/atomic and the atomic side shows the type. */
function loadFix(file: FileFacts, reads: readonly Node[], op: Op): Fix[] {
  const name = file.importName('sync/atomic');
  const m = LOADS.exec(op.atomicFn ?? '');
  if (!name || !m) return [];
  return [{ title: `Read with \`${name}.Load${m[2]}\``, edits: reads.map((r) => replaceNode(r, `${name}.Load${m[2]}(&${unparen(r).text})`)), safe: true }];
}

/** The identifier a selector path starts from: `s` in `s.stats.hits`. */
function pathHead(n: Node): Node | undefined {
  let x: Node | null = n;
  while (x?.type === 'selector_expression' || x?.type === 'parenthesized_expression') x = x.type === 'selector_expression' ? x.childForFieldName('operand') : x.namedChild(0);
  return x?.type === 'identifier' ? x : undefined;
}

/** The struct types along a target's path: `LocalCache.stats.Hits` -> LocalCache and the type of its field stats. */
function holders(view: PackageView, target: string): string[] {
  const parts = target.split('.');
  if (parts[0] === 'var:' || parts.length < 2 || target.startsWith('var:')) return [];
  const out = [parts[0]];
  let type = parts[0];
  for (const field of parts.slice(1, -1)) {
    const t = view.structField(type, field)?.replace(/^\*/, '');
    if (!t || !/^\w+$/.test(t)) break;
    out.push(t);
    type = t;
  }
  return out;
}
