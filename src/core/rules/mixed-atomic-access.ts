import type { FileFacts, FuncInfo } from '../model/facts';
import { funcKey, normaliseTarget, typedTarget, type FuncSummary, type Op, type PackageView } from '../model/package';
import { baseName } from '../model/locks';
import type { Node } from '../syntax/parser';
import type { Fix, Rule } from '../findings/rule';
import { replaceNode } from '../findings/edits';
import { descendants, lineOf, unparen } from '../syntax/nodes';

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

/** Targets of the package's atomic accesses, in the names of their types (`Server.hits`, `var:n`). */
function atomicTargets(view: PackageView): Map<string, Atomic> {
  const out = new Map<string, Atomic>();
  for (const fn of view.functions) {
    for (const op of fn.ops) {
      if (op.kind !== 'atomic') continue;
      const t = typedTarget(fn, op.target);
      if (t && !out.has(t)) out.set(t, { op, fn });
    }
  }
  return out;
}

/** A plain read or write of an atomically accessed target: not inside `&x` (an address handed on), not a selector's operand. */
function plainAccess(file: FileFacts, fn: FuncInfo, summary: FuncSummary | undefined, n: Node, atomics: Map<string, Atomic>) {
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
  const atomic = target ? atomics.get(target) : undefined;
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
