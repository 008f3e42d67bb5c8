import { eol, indentAt, replaceNode } from '../findings/edits';
import { closureRun, funcKey, isWriteTarget, type FileFacts, type VarDecl } from '../model/facts';
import { calleeKey, type OpKind, type PackageView } from '../model/package';
import type { Node } from '../syntax/parser';
import { flatten, funcLocks, lockEffect, lockTarget } from '../model/locks';
import type { Fix, Report, Rule, TextEdit } from '../findings/rule';
import { FUNCTION_TYPES, blockStatements, callArgs, callParts, contains, descendants, enclosingFunction, lineOf, pathKey, quote, unparen, walk } from '../syntax/nodes';
import { parseGoVersion } from '../model/timers';
import { recordsFailedCheck } from '../model/noreturn';
import { runsBefore, unreachable } from '../model/paths';
import { unreadChannel } from '../model/channels';
import { outermostFunction } from '../model/context';

/** A goroutine started from a function literal: `go func(){...}()` or `g.Go(func() error {...})`. */
interface Goroutine {
  lit: Node;
  /** The go statement or the `g.Go(...)` call. */
  start: Node;
  /** The function holding the start. */
  spawner: Node;
}

/** A write to shared memory inside a goroutine. */
interface Write {
  /** The statement or call that writes (`n++`, `m[k] = v`, `delete(m, k)`). */
  node: Node;
  /** The written expression: `n`, `s.count`, the map `m`. */
  target: Node;
  /** How messages name the variable (`n`, `s.count`). */
  key: string;
  kind: 'var' | 'map';
  /** The first identifier of the target and what it resolves to. */
  head: Node;
  identity: unknown;
  /** Where the variable is declared, when the file shows it. */
  decl?: Node;
}

const LOCK_CALLS = new Set(['Lock', 'RLock', 'TryLock', 'TryRLock']);
const UNLOCK_CALLS = new Set(['Unlock', 'RUnlock']);
const ATOMIC_METHODS = new Set(['Load', 'Store', 'Swap', 'CompareAndSwap']);
const ATOMIC_FUNCS = /^(Load|Store|Add|Swap|CompareAndSwap)(Int32|Int64|Uint32|Uint64|Uintptr|Pointer)$/;
/** Helpers named like locking (`lockShard`, `withLock`, `s.rlock`): treated as taking a lock we cannot see. */
const LOCKISH = /^(lock|rlock|unlock|runlock)|Lock|Unlock/;
const SYNC_AT_RETURN = new Set(['call', 'defer']);

export const rule: Rule = {
  id: 'unsynchronized-write',
  title: 'Variable written by several goroutines without synchronisation',
  severity: 'warning',
  category: 'race',
  docs: {
    summary:
      'Goroutines started in a loop write a variable or map declared outside the loop (or a goroutine writes one that its parent uses meanwhile) with no mutex held, no atomic and no channel hand-off ' +
      '(information in a test whose goroutines write only to record a failed check, `err = fmt.Errorf(...)` under an `if`, or only what a `Run` or `Serve` method returns: they race only on a run that fails anyway).',
    why:
      'A goroutine started in a loop runs at the same time as the goroutines of the other iterations. When they all write one variable ' +
      'declared outside the loop (`n++`, `total += x`, `err = e`, `out = append(out, v)`) the updates interleave: `n++` is a read, an add and ' +
      'a write, and two goroutines can read the same old value, so one update is lost; `append` can lose elements or corrupt the slice. A map ' +
      'written by two goroutines at once makes the runtime stop the program with "concurrent map writes". The race detector reports all of these, ' +
      'but only when a test happens to run them together. Hold a mutex around the write, use `sync/atomic`, or send the values on a channel ' +
      'to one goroutine that owns the variable.',
    interleaving: [
      'The loop starts one goroutine per iteration; they run at the same time.',
      'Two goroutines reach `n++`: both read the same old value of `n` and add one.',
      'Both write back: one increment is lost (for a map, the runtime detects the concurrent write and crashes the program).',
    ],
    bad: `func countErrors(files []string) int {
	var wg sync.WaitGroup
	failed := 0
	for _, f := range files {
		wg.Add(1)
		go func(f string) {
			defer wg.Done()
			if err := check(f); err != nil {
				failed++ // several goroutines write at once
			}
		}(f)
	}
	wg.Wait()
	return failed
}`,
    good: `func countErrors(files []string) int {
	var wg sync.WaitGroup
	var failed atomic.Int64
	for _, f := range files {
		wg.Add(1)
		go func(f string) {
			defer wg.Done()
			if err := check(f); err != nil {
				failed.Add(1)
			}
		}(f)
	}
	wg.Wait()
	return int(failed.Load())
}`,
    fixes:
      '**Make the counter atomic** (not applied by fix-all) is offered for an `int` or `int64` counter declared in view as `var n int` or `n := 0`, ' +
      'changed only with `n++`, `n--`, `n += k` or `n -= k`, and read only after a `Wait()` that follows the loop, on Go 1.19 or later: the ' +
      'declaration becomes `var n atomic.Int64`, the updates `n.Add(...)` and the reads `n.Load()` (`int(n.Load())` for an `int`); `sync/atomic` ' +
      'is imported when needed. Other writes need a mutex or a channel, which only the author can place.',
  },
  check(ctx) {
    const file = ctx.file;
    if (!file.text.includes('go ') && !file.text.includes('.Go(')) return;
    const reported = new Set<string>();
    for (const g of goroutines(file)) {
      // A goroutine no path starts (after a `t.Skip` that opens the test) races with nothing.
      if (!ctx.inFocus(g.lit) || unreachable(g.start)) continue;
      const loop = loopAround(g);
      const writes = ownWrites(file, g, loop);
      if (writes.length === 0 || onlyInSkippedTests(file, ctx.package, g.start)) continue;
      const byVar = new Map<unknown, Write[]>();
      for (const w of writes) byVar.set(w.identity, [...(byVar.get(w.identity) ?? []), w]);
      for (const list of byVar.values()) {
        const w = list[0];
        const id = `${w.node.id}`;
        if (reported.has(id) || isAtomicallyUsed(file, w) || usesAtomics(file, g) || synchronised(file, ctx.package, g, w, loop !== undefined)) continue;
        const r = loop ? loopFinding(file, g, loop, w, list, ctx.goVersion) : parentFinding(file, ctx.package, g, w, list);
        if (!r || blockedBefore(file, g, w)) continue;
        if (file.racesOnPurpose(g.start)) {
          // A fix would take away the race the test exists to make.
          r.severity = 'info';
          r.message += '; the test seems to race on purpose';
          r.fixes = [];
        }
        reported.add(id);
        ctx.report(r);
      }
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Goroutines and their writes

function goroutines(file: FileFacts): Goroutine[] {
  const out: Goroutine[] = [];
  for (const lit of descendants(file.root, 'func_literal')) {
    const run = closureRun(file, lit);
    const start = run.how === 'go' ? run.stmt : run.how === 'group' ? run.call : undefined;
    const spawner = start ? enclosingFunction(start) : undefined;
    if (start && spawner) out.push({ lit, start, spawner });
  }
  return out;
}

/** The innermost loop of the spawner's own code around the start. */
function loopAround(g: Goroutine): Node | undefined {
  for (let p = g.start.parent; p && p.id !== g.spawner.id; p = p.parent) {
    if (p.type === 'for_statement') return p;
    if (FUNCTION_TYPES.has(p.type)) return undefined;
  }
  return undefined;
}

/** Visits the code that runs on the goroutine: its body and literals called in place or deferred there. */
function walkOwn(file: FileFacts, g: Goroutine, visit: (n: Node) => boolean | void): void {
  walk(g.lit.childForFieldName('body')!, (n) => {
    if (n.type === 'func_literal' && !SYNC_AT_RETURN.has(closureRun(file, n).how)) return false;
    return visit(n);
  });
}

/**
 * Writes in the goroutine's own code to variables shared with other goroutines: declared outside
 * the loop around the start (when there is one), or outside the goroutine. Targets are variables
 * and field paths (`n`, `s.count`) and maps (`m[k] = v`, `delete(m, k)`) whose type the file shows.
 * Slice elements are left out: goroutines usually write distinct indexes.
 */
function ownWrites(file: FileFacts, g: Goroutine, loop: Node | undefined): Write[] {
  const out: Write[] = [];
  const scope = loop ?? g.lit;
  const add = (node: Node, expr: Node) => {
    const w = writeOf(file, node, expr);
    if (!w || w.key === '_') return;
    // Shared only when declared outside the loop (or goroutine): per-iteration values are not.
    if (w.decl && contains(scope, w.decl)) return;
    out.push(w);
  };
  walkOwn(file, g, (n) => {
    if (n.type === 'inc_statement' || n.type === 'dec_statement') {
      const e = n.namedChild(0);
      if (e) add(n, e);
    } else if (n.type === 'assignment_statement') {
      for (const e of n.childForFieldName('left')?.namedChildren ?? []) add(n, e);
    } else if (n.type === 'call_expression') {
      const parts = callParts(n);
      const m = callArgs(n)[0];
      if (parts && !parts.receiver && parts.name === 'delete' && m && !file.lookup('delete', n)) add(n, m);
    }
  });
  return out;
}

function writeOf(file: FileFacts, node: Node, expr: Node): Write | undefined {
  const e = unparen(expr);
  let target = e;
  let kind: Write['kind'] = 'var';
  const isDelete = node.type === 'call_expression';
  if (e.type === 'index_expression' || isDelete) {
    const operand = isDelete ? e : e.childForFieldName('operand');
    if (!operand || !/^map\[/.test(file.typeOf(operand) ?? '')) return undefined;
    target = unparen(operand);
    kind = 'map';
  } else if (e.type !== 'identifier' && e.type !== 'selector_expression') {
    return undefined;
  }
  const key = pathKey(target);
  if (!key || target.type === 'unary_expression') return undefined;
  let head: Node = target;
  while (head.type === 'selector_expression') head = unparen(head.childForFieldName('operand')!);
  if (head.type !== 'identifier' || file.isPackageName(head.text) && !file.lookup(head.text, head)) return undefined;
  const found = file.lookup(head.text, head);
  if (!found) return undefined;
  const identity = key.includes('.') ? `${key}@${declNode(found)?.id ?? 'pkg'}` : found.decl ?? found.param ?? found.result ?? found.receiver;
  return { node, target, key, kind, head, identity, decl: declNode(found) };
}

function declNode(found: NonNullable<ReturnType<FileFacts['lookup']>>): Node | undefined {
  return found.decl?.node ?? found.param?.node ?? found.result?.node ?? found.receiver?.node;
}

// ---------------------------------------------------------------------------------------------
// Synchronisation in sight

const atomicKeysCache = new WeakMap<FileFacts, Set<string>>();

/** `atomic.AddInt64(&n, 1)` somewhere in the file: the variable is meant to be used atomically. */
function isAtomicallyUsed(file: FileFacts, w: Write): boolean {
  let keys = atomicKeysCache.get(file);
  if (!keys) {
    keys = new Set();
    const atomic = file.importName('sync/atomic');
    for (const c of atomic ? descendants(file.root, 'call_expression') : []) {
      const arg = callArgs(c)[0];
      const key = arg?.type === 'unary_expression' && callParts(c)?.receiver === atomic ? pathKey(arg) : undefined;
      if (key) keys.add(key);
    }
    atomicKeysCache.set(file, keys);
  }
  return w.kind === 'var' && keys.has(w.key);
}

/**
 * True when the goroutine calls `sync/atomic`: plain writes next to atomic loads and stores are
 * usually published by them (a release/acquire protocol), which syntax cannot check.
 */
function usesAtomics(file: FileFacts, g: Goroutine): boolean {
  const atomic = file.importName('sync/atomic');
  let found = false;
  walkOwn(file, g, (n) => {
    if (found) return false;
    if (n.type !== 'call_expression') return;
    const parts = callParts(n);
    const name = parts?.name ?? '';
    // `atomic.StoreInt32(...)`, `StoreInt32(...)` (dot import, or package atomic itself), `v.Load()`.
    if ((atomic && parts?.receiver === atomic) || (!parts?.receiver && ATOMIC_FUNCS.test(name)) || ATOMIC_METHODS.has(name)) found = true;
  });
  return found;
}

/**
 * True when something in the goroutine may order the write against the other side: a lock held
 * at the write according to locks.ts (or any lock or lock helper the analysis cannot type), or a
 * channel hand-off. Goroutines of a loop all receive from the same channels, so for them only a
 * token passed around counts (a receive before the write and a send after it on the same channel,
 * or the reverse, a semaphore of one); a single goroutine may be told to go by its parent, so any
 * channel operation, select or `Wait()` before the write counts.
 */
function synchronised(file: FileFacts, view: PackageView, g: Goroutine, w: Write, inLoop: boolean): boolean {
  let locks = false;
  let untyped = false;
  let waitsBefore = false;
  const ops: { key?: string; send: boolean; before: boolean; chan: Node | null }[] = [];
  walkOwn(file, g, (n) => {
    const before = n.startIndex < w.node.startIndex;
    if (n.type === 'call_expression') {
      const parts = callParts(n);
      const name = parts?.name ?? '';
      if (parts?.receiverNode && (LOCK_CALLS.has(name) || UNLOCK_CALLS.has(name))) {
        locks = true;
        if (!lockTarget(file, view, parts.receiverNode, n)) untyped = true;
      } else if (LOCKISH.test(name) || callLocks(file, view, n)) {
        locks = true;
        untyped = true;
      }
      if (before && name === 'Wait' && parts?.receiver) waitsBefore = true;
    } else if (n.type === 'send_statement') {
      const ch = n.childForFieldName('channel');
      ops.push({ key: pathKey(ch), send: true, before, chan: ch });
    } else if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '<-') {
      const ch = n.childForFieldName('operand');
      ops.push({ key: pathKey(ch), send: false, before, chan: ch });
    } else if (before && (n.type === 'select_statement' || (n.type === 'range_clause' && contains(n.parent!, w.node)))) {
      const right = n.type === 'range_clause' ? n.childForFieldName('right') : null;
      const t = right ? file.typeOf(right) : undefined;
      if (n.type === 'select_statement' || !t || /^(<-)?chan\b/.test(t)) waitsBefore = true;
    }
  });
  if (inLoop) {
    const token = ops.some((a) => a.before && a.key && !isSemaphore(file, a.chan) && ops.some((b) => !b.before && b.key === a.key && b.send !== a.send));
    if (token) return true;
  } else if (waitsBefore || ops.some((o) => o.before)) {
    return true;
  }
  if (locks) {
    // Only a plain assignment is an event of the held-locks analysis; other writes stay silent under any lock.
    if (untyped || w.node.type !== 'assignment_statement') return true;
    const fl = funcLocks(file, view, file.funcInfo(g.lit));
    const site = fl?.sites.find((st) => st.ev.k === 'assign' && st.ev.node.id === w.node.id);
    if (!site || site.held.size > 0) return true;
  }
  return false;
}

/** A call of a package function that locks or unlocks a mutex (a `lock()` helper). */
function callLocks(file: FileFacts, view: PackageView, call: Node): boolean {
  const key = calleeKey(file, call);
  if (key === undefined || view.func(key) === undefined) return false;
  // A helper that locks and unlocks within itself leaves the caller's code as unguarded as it
  // found it (juicefs' `m.fillAttr(es)` before `err = e`); one that returns holding a lock, or
  // releases one, changes what guards the write.
  const flat = flatten(view, key);
  const mutexes = new Set(flat.filter((f) => f.mutex !== undefined && f.target !== undefined).map((f) => f.target!));
  return [...mutexes].some((m) => {
    const effect = lockEffect(flat, m);
    if (effect.acquires !== undefined) return true;
    // An unlock that follows the helper's own lock of the same mutex, both under conditions
    // (juicefs' `openfiles.Update`, reached from `fillAttr`), releases nothing of the caller's.
    const own = flat.filter((f) => f.target === m && f.mutex !== undefined && !f.context);
    const firstUnlock = own.findIndex((f) => f.what === 'Unlock' || f.what === 'RUnlock');
    return effect.releases && !own.slice(0, Math.max(firstUnlock, 0)).some((f) => f.what === 'Lock' || f.what === 'RLock');
  });
}

/** A channel made with a capacity other than a literal 1: sending and receiving on it does not exclude the others. */
function isSemaphore(file: FileFacts, chan: Node | null): boolean {
  const made = chan ? file.channelMake(chan) : undefined;
  return made?.capacity !== undefined && made.capacity.text !== '1';
}

// ---------------------------------------------------------------------------------------------
// Findings

function what(w: Write): string {
  return w.kind === 'map' ? `map \`${w.key}\`` : `\`${w.key}\``;
}

function startText(g: Goroutine): string {
  return g.start.type === 'go_statement' ? `the goroutine started at line ${lineOf(g.start)}` : `the function passed to \`${quote(g.start.childForFieldName('function')!)}\` at line ${lineOf(g.start)}`;
}

/** Goroutines started in a loop: every iteration's goroutine writes the same variable. */
function loopFinding(file: FileFacts, g: Goroutine, loop: Node, w: Write, all: Write[], goVersion: string | undefined): Report | undefined {
  if (iterationWaits(file, loop, g.start) || caseOfOneIteration(file, loop, all, goVersion)) return undefined;
  const onFailure = w.kind === 'var' && failingRunOnly(file, all);
  // `_, err = f(); check(err)`: what goes wrong is the read of another goroutine's value.
  const readBack = !onFailure && readsBack(file, g, w);
  // `err = e`: each goroutine stores its own value; `n++`, `s = append(s, v)`: each reads, then writes.
  const store = w.kind === 'var' && plainStore(file, w);
  const same = store && !readBack ? sameConstant(all) : undefined;
  const effect =
    w.kind === 'map'
      ? 'concurrent map writes crash the program'
      : onFailure
        ? 'a data race, though only on a run whose checks already fail'
        : same
          ? `a data race, though every goroutine stores the same \`${same}\``
          : readBack
          ? `a data race, and a goroutine can read back another's \`${w.head.text}\``
          : store
            ? "a data race: the goroutines overwrite each other's value"
            : 'a data race that loses updates';
  return {
    node: w.node,
    severity: onFailure || same ? 'info' : undefined,
    message:
      `\`${quote(w.node, 28)}\` runs in every iteration's goroutine with no lock held: ${effect}`,
    related: [
      { span: { start: g.start.startIndex, end: g.start.endIndex }, message: 'one goroutine per iteration is started here' },
      ...(w.decl ? [{ span: { start: w.decl.startIndex, end: w.decl.endIndex }, message: `\`${w.head.text}\` is shared by all of them` }] : []),
      ...all.slice(1).map((x) => ({ span: { start: x.node.startIndex, end: x.node.endIndex }, message: 'written here too' })),
    ],
    steps: [
      `The loop at line ${lineOf(loop)} starts ${startText(g)} on every iteration; the goroutines run at the same time.`,
      `Two of them reach \`${quote(w.node)}\` (line ${lineOf(w.node)}) together, with nothing ordering their accesses to ${what(w)}.`,
      w.kind === 'map'
        ? 'The runtime detects the concurrent map write and aborts the program ("concurrent map writes").'
        : readBack
          ? `One writes its result, another overwrites it before the first reads \`${w.head.text}\` back (line ${lineOf(readBack)}): it acts on the other's value, and the race detector reports the pair.`
          : same
            ? `Each stores \`${same}\`: whichever store is left, the value is the same, but nothing orders the stores, and the race detector reports the pair (an \`atomic.Bool\` or a lock says so).`
            : store
            ? 'Each stores its own value with nothing ordering the stores: which one is left is chance (a value of several words, such as an interface or a string, can even be torn), and the race detector reports the pair.'
            : 'Each reads the old value and writes its own result: one update is lost, and the race detector reports the pair.',
    ],
    fixes: atomicFix(file, g, loop, w, goVersion),
  };
}

/**
 * Every write lies in one case of a `switch` on the iteration's own value, a case naming one
 * value, and the loop ranges over a literal list of distinct names (`[]Status{Queued, Pinned}`):
 * each goroutine runs a case of its own, so no two goroutines write the target (kubo's pin counts,
 * one field per status). Values that may repeat (a list from elsewhere), a case naming several and
 * the default case run in more than one goroutine and are still reported.
 */
function caseOfOneIteration(file: FileFacts, loop: Node, writes: readonly Write[], goVersion: string | undefined): boolean {
  const arm = caseArm(writes[0].node);
  if (!arm || writes.some((w) => caseArm(w.node)?.id !== arm.id)) return false;
  if ((arm.childForFieldName('value')?.namedChildren ?? []).length !== 1) return false;
  const tag = arm.parent?.type === 'expression_switch_statement' ? arm.parent.childForFieldName('value') : null;
  const value = tag ? unparen(tag) : undefined;
  return value?.type === 'identifier' && isIterationValue(file, loop, value, goVersion) && rangesOverDistinct(file, loop);
}

/** The `case` of an expression switch that holds `node`, within its function. */
function caseArm(node: Node): Node | undefined {
  for (let p = node.parent; p && !FUNCTION_TYPES.has(p.type); p = p.parent) if (p.type === 'expression_case') return p;
  return undefined;
}

/**
 * `id` holds the value of the loop's current element: the range clause's value variable (its own
 * per iteration from Go 1.22), or a copy of it declared in the loop's body (`status := s`).
 */
function isIterationValue(file: FileFacts, loop: Node, id: Node, goVersion: string | undefined): boolean {
  const decl = file.lookup(id.text, id)?.decl;
  if (!decl) return false;
  if (decl.statement.id === loop.id) {
    const v = parseGoVersion(goVersion);
    return !!v && (v[0] > 1 || v[1] >= 22) && isRangeValue(loop, decl.node);
  }
  const init = decl.init ? unparen(decl.init) : undefined;
  const body = loop.childForFieldName('body');
  if (decl.statement.type !== 'short_var_declaration' || !body || !contains(body, decl.statement) || init?.type !== 'identifier') return false;
  // Looked up where the body starts: `s := s` names the range variable on its right.
  const source = file.lookup(init.text, body)?.decl;
  return source?.statement.id === loop.id && isRangeValue(loop, source.node);
}

function isRangeValue(loop: Node, id: Node): boolean {
  const left = loop.namedChildren.find((c) => c?.type === 'range_clause')?.childForFieldName('left')?.namedChildren ?? [];
  return left.length === 2 && left[1]?.id === id.id;
}

/**
 * The loop ranges over a slice or array literal whose elements are distinct names or literals,
 * written in place or held by a variable declared with it and used by nothing but the loop.
 */
function rangesOverDistinct(file: FileFacts, loop: Node): boolean {
  const right = loop.namedChildren.find((c) => c?.type === 'range_clause')?.childForFieldName('right');
  let list = right ? unparen(right) : undefined;
  if (list?.type === 'identifier') {
    const name = list;
    const decl = file.lookup(name.text, name)?.decl;
    const body = enclosingFunction(loop)?.childForFieldName('body');
    if (!decl?.init || decl.statement.type !== 'short_var_declaration' || !body) return false;
    const uses = descendants(body, 'identifier').filter((n) => n.text === name.text && file.lookup(n.text, n)?.decl === decl);
    if (uses.some((n) => n.id !== decl.node.id && n.id !== name.id)) return false;
    list = unparen(decl.init);
  }
  if (list?.type !== 'composite_literal' || !/^(slice|array)_type$/.test(list.childForFieldName('type')?.type ?? '')) return false;
  const elements = list.childForFieldName('body')?.namedChildren ?? [];
  const texts = new Set<string>();
  for (const el of elements) {
    const e = el?.type === 'literal_element' ? el.namedChild(0) : undefined;
    if (!e || !/^(identifier|selector_expression|interpreted_string_literal|raw_string_literal|int_literal)$/.test(e.type) || texts.has(e.text)) return false;
    texts.add(e.text);
  }
  return texts.size > 1;
}

/**
 * The first read of the written variable after a plain `=` write (not `+=`, not `x = x + 1`, not
 * `s = append(s, v)`), in the goroutine's own code: thanos' `_, _, err = f.Fetch(...)` followed
 * by `testutil.Ok(t, err)`.
 */
function readsBack(file: FileFacts, g: Goroutine, w: Write): Node | undefined {
  const stmt = w.node;
  if (w.kind !== 'var' || w.target.type !== 'identifier' || stmt.type !== 'assignment_statement') return undefined;
  if (stmt.childForFieldName('operator')?.text !== '=') return undefined;
  const right = stmt.childForFieldName('right');
  if (right && descendants(right, 'identifier').some((id) => id.text === w.head.text && sameVar(file, id, w))) return undefined;
  let found: Node | undefined;
  walkOwn(file, g, (n) => {
    if (found) return false;
    if (n.type === 'identifier' && n.startIndex >= stmt.endIndex && n.text === w.head.text && sameVar(file, n, w) && !isWrite(file, n)) found = n;
  });
  return found;
}

/** A plain `=` store whose value does not read the variable itself (`err = e`, not `n = n + 1` or `s = append(s, v)`). */
function plainStore(file: FileFacts, w: Write): boolean {
  const stmt = w.node;
  if (stmt.type !== 'assignment_statement' || stmt.childForFieldName('operator')?.text !== '=') return false;
  const right = stmt.childForFieldName('right');
  return !!right && !descendants(right, 'identifier').some((id) => id.text === w.head.text && sameVar(file, id, w));
}

/** Constants a flag is set to. */
const FLAG_VALUES = new Set(['true', 'false', 'int_literal', 'nil']);

/** The one value a plain `x = v` write stores, or undefined for any other write. */
function storedValue(w: Write): Node | undefined {
  const stmt = w.node;
  const right = stmt.type === 'assignment_statement' && stmt.childForFieldName('operator')?.text === '=' ? stmt.childForFieldName('right')?.namedChildren : undefined;
  return right?.length === 1 ? unparen(right[0]) : undefined;
}

/**
 * Every write is a plain store of one and the same literal (`hasError = true`): the goroutines
 * race, but whichever store is left, the value is the same. In the review of real code this was
 * dismissed (juicefs' `hasError` flag, read after the WaitGroup); information. The literal, or
 * undefined.
 */
function sameConstant(all: readonly Write[]): string | undefined {
  let value: string | undefined;
  for (const x of all) {
    const v = storedValue(x);
    if (!v || !FLAG_VALUES.has(v.type) || (value !== undefined && v.text !== value)) return undefined;
    value = v.text;
  }
  return value;
}

/**
 * In a test, every write stores a freshly built error under a check (`if got != want { err =
 * fmt.Errorf(...) }`): the goroutines race only when checks fail, and then the test fails anyway.
 * In the review of real code this was dismissed (ristretto's stress test); information.
 */
function failingRunOnly(file: FileFacts, all: readonly Write[]): boolean {
  return all.every((x) => recordsFailedCheck(file, x.node));
}

/**
 * The goroutines of different iterations do not overlap: the body waits after the start (a
 * `Wait()`, a receive, a select), ends with `return` or `break` right after it, or takes a token
 * of a one-slot channel before starting it (the goroutine gives it back when done).
 */
function iterationWaits(file: FileFacts, loop: Node, start: Node): boolean {
  const body = loop.childForFieldName('body')!;
  const last = blockStatements(body).at(-1);
  if (last && (last.type === 'return_statement' || (last.type === 'break_statement' && last.namedChildCount === 0))) return true;
  let waits = false;
  walk(body, (n) => {
    if (waits || FUNCTION_TYPES.has(n.type)) return false;
    if (n.startIndex < start.endIndex) {
      if (n.type === 'send_statement' && !isSemaphore(file, n.childForFieldName('channel'))) waits = true;
      return;
    }
    if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '<-') waits = true;
    else if (n.type === 'call_expression' && callParts(n)?.name === 'Wait' && callParts(n)?.receiver) waits = true;
    else if (n.type === 'select_statement') waits = true;
  });
  return waits;
}

/**
 * A single goroutine: reported when the spawner, after starting it and before anything that
 * could wait for it (a channel operation, `Wait()`, a lock, a select), reads or writes the same
 * variable in the statements that follow the start in its block.
 */
function parentFinding(file: FileFacts, view: PackageView, g: Goroutine, w: Write, all: readonly Write[]): Report | undefined {
  const stmt = g.start.type === 'go_statement' ? g.start : g.start.parent;
  if (stmt?.parent?.type !== 'statement_list') return undefined;
  let access: Node | undefined;
  let stopped = false;
  const visit = (n: Node): boolean | void => {
    if (stopped || access) return false;
    if (FUNCTION_TYPES.has(n.type) || n.type === 'go_statement' || n.type === 'defer_statement') return false;
    if (waitsHere(file, view, n)) {
      stopped = true;
      return false;
    }
    // An assignment evaluates its right side before it writes the left: in `err = <-done` the
    // parent waits first, so the write to `err` comes after whatever the goroutine sent.
    if (n.type === 'assignment_statement' || n.type === 'short_var_declaration') {
      for (const side of [n.childForFieldName('right'), n.childForFieldName('left')]) if (side) walk(side, visit);
      return false;
    }
    // `&x` only takes the address: not an access yet.
    const addressOnly = n.parent?.type === 'unary_expression' && n.parent.childForFieldName('operator')?.text === '&';
    if (n.type === 'identifier' && n.text === w.head.text && !addressOnly && sameVar(file, n, w)) access = accessOf(n, w);
  };
  for (let s = stmt.nextNamedSibling; s && !stopped && !access; s = s.nextNamedSibling) walk(s, visit);
  if (!access) return undefined;
  const parentName = file.funcInfo(g.spawner).name;
  const parent = parentName ? `\`${parentName}\`` : 'the parent';
  const writes = isWrite(file, access);
  const onFailure = w.kind === 'var' && failingRunOnly(file, all);
  const runner = !onFailure && w.kind === 'var' && (file.isTest || file.inTestHelper(w.node.startIndex)) ? storedRunner(all) : undefined;
  return {
    node: w.node,
    message:
      `\`${quote(w.node, 28)}\` in a goroutine runs concurrently with the ${writes ? 'write' : 'read'} of ${what(w)} at line ${lineOf(access)}: a data race` +
      (onFailure ? ', though only on a run whose checks already fail' : runner ? `, though only if \`${runner}\` returns before the test stops it` : ''),
    severity: onFailure || runner ? 'info' : undefined,
    related: [
      { span: { start: access.startIndex, end: access.endIndex }, message: `${parent} uses \`${w.head.text}\` here, concurrently` },
      { span: { start: g.start.startIndex, end: g.start.endIndex }, message: 'the goroutine is started here' },
    ],
    steps: [
      `${capital(parent)} starts ${startText(g)} and goes on without waiting for it.`,
      `The goroutine runs \`${quote(w.node)}\` (line ${lineOf(w.node)}) while ${parent} reaches \`${w.head.text}\` at line ${lineOf(access)}.`,
      w.kind === 'map' ? 'A map accessed while it is written makes the runtime abort the program.' : `The two accesses race: ${parent} may see the old value, the new one, or a torn one.`,
    ],
  };
}

/**
 * Before the write, the goroutine hands a channel of the spawner's to a call (`err =
 * c.Update(sink)`), a channel made without a buffer that nothing in the spawner ever receives
 * from: a call given a channel to send on blocks at its first send, so whether the write ever
 * runs is not known (node_exporter's collector tests, which gather through a registry instead).
 */
function blockedBefore(file: FileFacts, g: Goroutine, w: Write): boolean {
  const body = g.spawner.childForFieldName('body');
  if (!body) return false;
  return descendants(g.lit, 'call_expression').some(
    (call) =>
      call.startIndex < w.node.endIndex &&
      callArgs(call).some((arg) => arg.type === 'identifier' && unreadChannel(file, body, g.lit, arg)) &&
      (contains(w.node, call) || runsBefore(call, w.node)),
  );
}

/** The goroutine's top-level function is called only from tests that skip themselves first (see PackageView.onlyInSkippedTests). */
function onlyInSkippedTests(file: FileFacts, view: PackageView, start: Node): boolean {
  const top = outermostFunction(file, start);
  const key = top ? funcKey(top) : undefined;
  return !!key && view.onlyInSkippedTests(key);
}

/** Methods that run a service until it is stopped: `Run`, `Serve`, `ListenAndServe`... */
const RUNNERS = /^(Run|Serve|ServeTLS|ListenAndServe|ListenAndServeTLS|RunContext)$/;

/**
 * In a test, every write of the goroutine stores what a method that runs a service until it is
 * stopped returns (`err = s.Run(ctx)`, `err = srv.Serve(l)`): on a passing run it returns only once
 * the test cancels or stops it, after the test's own uses of the variable, so the two race only when
 * the service fails early and the test fails anyway (redpanda connect's and nutsdb's tests). The
 * call's text, or undefined.
 */
function storedRunner(all: readonly Write[]): string | undefined {
  let runner: string | undefined;
  for (const x of all) {
    const value = storedValue(x);
    // `if errors.Is(err, context.Canceled) { err = nil }` after the run clears what it returned.
    if (value?.type === 'nil') continue;
    const parts = value?.type === 'call_expression' ? callParts(value) : undefined;
    if (!parts?.receiver || !RUNNERS.test(parts.name)) return undefined;
    runner ??= `${parts.receiver}.${parts.name}`;
  }
  return runner;
}

/** True when the expression is written: assigned, incremented, or (for a map) an element of it assigned or deleted. */
function isWrite(file: FileFacts, expr: Node): boolean {
  let n = expr;
  if (n.parent?.type === 'index_expression' && n.parent.childForFieldName('operand')?.id === n.id) n = n.parent;
  const p = n.parent;
  if (p?.type === 'inc_statement' || p?.type === 'dec_statement') return true;
  if (p?.type === 'expression_list' && p.parent?.type === 'assignment_statement') return p.parent.childForFieldName('left')?.id === p.id;
  const call = p?.type === 'argument_list' ? p.parent : undefined;
  const parts = call ? callParts(call) : undefined;
  return parts?.name === 'delete' && !parts.receiver && callArgs(call!)[0]?.id === n.id && !file.lookup('delete', n);
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** What a package function the parent calls may wait on: see {@link waitsHere}. */
const HELPER_WAITS: ReadonlySet<OpKind> = new Set<OpKind>(['recv', 'range', 'send', 'Wait', 'Lock', 'RLock']);

/**
 * Parent code that may wait for the goroutine: a channel operation, a select, ranging over a
 * channel (or over something whose type is not in view), `Wait()` or a lock, a call handed a
 * channel or a WaitGroup, or a call of a package function that does one of those (go-redis's
 * `runner.FireCommandsUntilStop(ctx)`, which returns when the goroutine calls `runner.Stop()`).
 */
function waitsHere(file: FileFacts, view: PackageView, n: Node): boolean {
  if (n.type === 'send_statement' || n.type === 'select_statement') return true;
  if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '<-') return true;
  if (n.type === 'range_clause') {
    const right = n.childForFieldName('right');
    const t = right ? file.typeOf(right) : undefined;
    return !t || /^(<-)?chan\b/.test(t) || (right !== null && file.channelMake(right) !== undefined);
  }
  if (n.type === 'call_expression') {
    const parts = callParts(n);
    if (parts?.receiver !== undefined && (parts.name === 'Wait' || LOCK_CALLS.has(parts.name) || UNLOCK_CALLS.has(parts.name))) return true;
    const callee = calleeKey(file, n);
    if (callee && view.mayWait(callee, HELPER_WAITS, true)) return true;
    return callArgs(n).some((a) => {
      const t = file.typeOf(a);
      return (t !== undefined && /^(<-)?chan\b|^\*?sync\.WaitGroup$/.test(t)) || file.channelMake(a) !== undefined;
    });
  }
  return false;
}

/** The use of `w`'s variable that `id` (its head) starts: the whole path for a field (`s.count`), else the identifier. */
function accessOf(id: Node, w: Write): Node | undefined {
  if (w.target.type === 'identifier') return id;
  let n = id;
  while (n.parent?.type === 'selector_expression' && n.parent.childForFieldName('operand')?.id === n.id) {
    n = n.parent;
    if (pathKey(n) === w.key) return n;
  }
  return undefined;
}

function sameVar(file: FileFacts, id: Node, w: Write): boolean {
  const found = file.lookup(id.text, id);
  return found !== undefined && declNode(found)?.id === w.decl?.id && (w.decl !== undefined || (!found.fn && !found.param));
}

// ---------------------------------------------------------------------------------------------
// The atomic counter fix

/**
 * `var n int` / `n := 0` changed only by `n++`, `n--`, `n += k`, `n -= k` and read only after a
 * `Wait()` that follows the loop: `var n atomic.Int64`, `n.Add(k)`, `n.Load()`.
 */
function atomicFix(file: FileFacts, g: Goroutine, loop: Node, w: Write, goVersion: string | undefined): Fix[] {
  const v = parseGoVersion(goVersion);
  if (!v || (v[0] === 1 && v[1] < 19) || w.kind !== 'var' || w.target.type !== 'identifier') return [];
  const found = file.lookup(w.head.text, w.head);
  const decl = found?.decl;
  if (!decl || !found.fn) return [];
  const type = counterType(decl);
  if (!type) return [];
  const fn = outermost(found.fn.node);
  const wait = descendants(fn, 'call_expression').find((c) => c.startIndex > loop.endIndex && callParts(c)?.name === 'Wait' && enclosingFunction(c)?.id === g.spawner.id);
  if (!wait) return [];
  const atomicName = file.importName('sync/atomic');
  if (atomicName === undefined && (file.lookup('atomic', decl.node) || file.isPackageName('atomic'))) return [];
  const pkg = atomicName ?? 'atomic';
  const edits: TextEdit[] = [];
  let ok = true;
  walk(fn, (n) => {
    if (!ok) return false;
    if (n.type !== 'identifier' || n.text !== decl.name || n.id === decl.node.id || file.lookup(n.text, n)?.decl !== decl) return;
    const p = n.parent!;
    if (p.type === 'inc_statement' || p.type === 'dec_statement') {
      edits.push(replaceNode(p, `${n.text}.Add(${p.type === 'inc_statement' ? '1' : '-1'})`));
      return;
    }
    const stmt = p.type === 'expression_list' ? p.parent : undefined;
    if (stmt?.type === 'assignment_statement' && stmt.childForFieldName('left')?.id === p.id) {
      const op = stmt.childForFieldName('operator')?.text;
      const right = stmt.childForFieldName('right')?.namedChildren ?? [];
      if (p.namedChildCount !== 1 || right.length !== 1 || (op !== '+=' && op !== '-=')) {
        ok = false;
        return;
      }
      edits.push(replaceNode(stmt, `${n.text}.Add(${addend(right[0], op === '-=', type)})`));
      return;
    }
    // A read: only after the Wait, in the code of the function that waits.
    if (n.startIndex < wait.endIndex || enclosingFunction(n)?.id !== g.spawner.id || isWriteTarget(n) || (p.type === 'unary_expression' && p.childForFieldName('operator')?.text === '&')) {
      ok = false;
      return;
    }
    edits.push(replaceNode(n, type === 'int64' ? `${n.text}.Load()` : `int(${n.text}.Load())`));
  });
  if (!ok || edits.length === 0) return [];
  edits.push(replaceNode(decl.statement, `var ${decl.name} ${pkg}.Int64`));
  if (atomicName === undefined) {
    const imp = addImport(file, 'sync/atomic');
    if (!imp) return [];
    edits.push(imp);
  }
  return [{ title: `Make \`${decl.name}\` an \`atomic.Int64\``, edits, safe: false }];
}

/** `int` or `int64` for `var n int` / `var n int64` / `n := 0` (a single name, nothing else in the statement). */
function counterType(decl: VarDecl): 'int' | 'int64' | undefined {
  const stmt = decl.statement;
  if (stmt.type === 'short_var_declaration') {
    const left = stmt.childForFieldName('left')?.namedChildren ?? [];
    return left.length === 1 && decl.init?.text === '0' ? 'int' : undefined;
  }
  if (stmt.type !== 'var_declaration' || stmt.namedChildren.length !== 1) return undefined;
  const spec = stmt.namedChildren[0];
  if (spec.type !== 'var_spec' || spec.childrenForFieldName('name').length !== 1) return undefined;
  if (decl.init && decl.init.text !== '0') return undefined;
  return decl.type === 'int' || decl.type === 'int64' ? decl.type : decl.init && !decl.type ? 'int' : undefined;
}

function addend(right: Node, negate: boolean, type: 'int' | 'int64'): string {
  const r = unparen(right);
  const literal = r.type === 'int_literal';
  const value = literal || type === 'int64' ? r.text : `int64(${right.text})`;
  if (!negate) return value;
  return literal || type === 'int' ? `-${value}` : `-(${value})`;
}

function outermost(fn: Node): Node {
  let top = fn;
  for (let p = enclosingFunction(top); p; p = enclosingFunction(p)) top = p;
  return top;
}

/** Adds an import spec in gofmt's order: into the first parenthesised group, or by turning a single import into a group. */
function addImport(file: FileFacts, path: string): TextEdit | undefined {
  const decls = file.root.namedChildren.filter((c) => c.type === 'import_declaration');
  const first = decls[0];
  if (!first) return undefined;
  const nl = eol(file.source);
  const list = first.namedChildren.find((c) => c.type === 'import_spec_list');
  if (!list) {
    const spec = first.namedChildren.find((c) => c.type === 'import_spec');
    if (!spec) return undefined;
    const specs = [spec.text, `"${path}"`].sort((a, b) => specPath(a).localeCompare(specPath(b)));
    return replaceNode(first, `import (${nl}${specs.map((s) => `\t${s}`).join(nl)}${nl})`);
  }
  // gofmt sorts each run of specs (up to a blank line): insert into the first run, where the standard library goes.
  const specs = list.namedChildren.filter((c) => c.type === 'import_spec');
  const run = specs.slice(0, 1);
  for (let i = 1; i < specs.length && specs[i].startPosition.row === specs[i - 1].endPosition.row + 1; i++) run.push(specs[i]);
  const after = run.filter((s) => specPath(s.text) < path).at(-1);
  const indent = indentAt(file.source, run[0].startIndex);
  if (after) {
    const at = file.source.lineEnd(file.source.lineAt(after.endIndex));
    return { start: at, end: at, newText: `${nl}${indent}"${path}"` };
  }
  const at = file.source.lineStart(file.source.lineAt(run[0].startIndex));
  return { start: at, end: at, newText: `${indent}"${path}"${nl}` };
}

function specPath(spec: string): string {
  const m = /"([^"]*)"/.exec(spec);
  return m ? m[1] : spec;
}
