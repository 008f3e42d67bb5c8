import { isWaitGroupType, type FileFacts, type FuncInfo } from '../model/facts';
import { funcKey, normaliseTarget, typedTarget, type FuncSummary, type Op, type PackageView } from '../model/package';
import { baseName, callersHold, funcLocks, heldAtOp } from '../model/locks';
import { runsBefore } from '../model/paths';
import type { Node } from '../syntax/parser';
import type { Fix, Rule } from '../findings/rule';
import { replaceNode } from '../findings/edits';
import { callParts, descendants, docComment, lineOf, unparen } from '../syntax/nodes';

export const rule: Rule = {
  id: 'mixed-atomic-access',
  title: 'Field or variable accessed both atomically and plainly',
  // Information for now: on real code a plain access is often ordered by something the model does
  // not see yet (a mutex both sides hold, the same goroutine, an atomic reference count reaching
  // zero), and the first review found too many of those for a warning (docs/precision.md).
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
    const atomics = atomicTargets(view);
    if (atomics.size === 0) return;
    for (const fn of file.functions) {
      if (!ctx.inFocus(fn.node)) continue;
      // init functions, and methods named init that set a value up in place, run before it is shared.
      if (!fn.body || fn.kind === 'literal' || /^(init|Init|initialize)$/.test(fn.name ?? '')) continue;
      const summary = view.func(funcKey(fn) ?? '');
      // The plain accesses of each atomically used target in this function, in order.
      const byTarget = new Map<string, { node: Node; write: boolean; atomic: Atomic }[]>();
      for (const sel of descendants(fn.body, new Set(['selector_expression', 'identifier']))) {
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

/** Targets of the package's atomic accesses, in the names of their types (`Server.hits`, `var:n`), each with all its atomic accesses. */
function atomicTargets(view: PackageView): Map<string, Atomic[]> {
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
 * not race: a mutex held at the plain accesses and around every atomic access; a `wg.Wait()` that
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
  const plain = nodes.map((n) => heldAt(file, view, fn, summary, n));
  let common = plain.reduce<Set<string> | undefined>((acc, h) => (acc ? new Set([...acc].filter((k) => h.has(k))) : h), undefined);
  for (const a of atomics) {
    if (!common || common.size === 0) return false;
    const here = new Set([...heldAtOp(view, a.fn, a.op).keys()].map((k) => typedTarget(a.fn, k) ?? k));
    for (const k of callersHold(view, a.fn.key, (f, t) => typedTarget(f, t) ?? t)) here.add(k);
    common = new Set([...common].filter((k) => here.has(k)));
  }
  return !!common && common.size > 0;
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

/** The mutexes (typed targets) held at `n`: by the function itself where `n` stands, and by all its callers. */
function heldAt(file: FileFacts, view: PackageView, fn: FuncInfo, summary: FuncSummary | undefined, n: Node): Set<string> {
  const out = new Set<string>();
  const locks = funcLocks(file, view, fn);
  // The locks held just before the first event at or after `n`: nothing happens between them.
  // (or at the `return` that holds it, when no event follows).
  const next = locks?.sites.find((s) => s.ev.node.startIndex >= n.startIndex) ?? locks?.exits.find((e) => e.node && e.node.startIndex <= n.startIndex && n.endIndex <= e.node.endIndex);
  const typed = (k: string) => (summary ? typedTarget(summary, k) : undefined) ?? typedTarget({ params: fn.params.map((p) => p.type) }, k) ?? k;
  if (next) for (const k of next.held.keys()) out.add(typed(k));
  const key = funcKey(fn);
  if (key) for (const k of callersHold(view, key, (f, t) => typedTarget(f, t) ?? t)) out.add(k);
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
