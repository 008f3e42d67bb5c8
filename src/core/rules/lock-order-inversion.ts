import type { FileFacts, FuncInfo } from '../model/facts';
import { baseName, callersHold, displayKey, flatten, nestingLocks, type FuncLocks, localTypeName, ownerKey, summaryTargetType, type FlatOp, type Mode } from '../model/locks';
import { funcKey, type FuncSummary, type PackageView } from '../model/package';
import type { Node } from '../syntax/parser';
import type { Related, Rule, RuleContext } from '../findings/rule';
import { EVERYWHERE, lineOf, quote } from '../syntax/nodes';

/** A place in the package: a line of some file, with its offsets. */
interface Place {
  file: string;
  line: number;
  start: number;
  end: number;
}

/** "B is acquired while A is held" somewhere in the package. */
interface Edge {
  a: string;
  b: string;
  /** A and B named by the struct type owning the mutex field (see {@link owned}), for matching. */
  na: string;
  nb: string;
  aMode: Mode;
  bMode: Mode;
  /** The function where it happens, for messages: `Store.Move`, or `the function literal at line 12`. */
  fnName: string;
  /** Where A was locked and where B is acquired (the Lock, or the call that locks it). */
  hold: Place;
  acquire: Place;
  /** The node acquiring B, for edges of the current file. */
  node?: Node;
  /** For an acquisition inside a call: the callee's Lock. */
  via?: FlatOp;
  /** The current file's function, for spelling keys as its code does. */
  fn?: FuncInfo;
  /** Other mutexes held exclusively meanwhile, here or by every caller (named like na and nb). */
  gates: ReadonlySet<string>;
}

export const rule: Rule = {
  id: 'lock-order-inversion',
  title: 'Two mutexes locked in opposite orders',
  severity: 'warning',
  category: 'mutex',
  docs: {
    summary:
      'Two functions of the package take the same two mutexes in opposite orders (one locks A then B while holding A, the other B then A), directly or through calls: two goroutines running them at the same time can deadlock.',
    why:
      'Each function on its own is correct, and tests that run them one at a time pass. When two goroutines run them concurrently, the ' +
      'first can take A while the second takes B; then each waits for the lock the other holds, forever. The classic cure is a fixed lock ' +
      'order: every path that needs both takes them in the same order (for example always the registry before an entry, or by a stable ' +
      'id), or releases the first before taking the second.',
    interleaving: [
      'Goroutine 1 runs the first function and locks A.',
      'Goroutine 2 runs the second function and locks B.',
      'Goroutine 1, still holding A, waits for B.',
      'Goroutine 2, still holding B, waits for A: neither can continue, and everything that needs A or B blocks too.',
    ],
    bad: `type Server struct {
	connsMu sync.Mutex
	conns   map[int]*Conn
	statsMu sync.Mutex
	stats   map[int]int
}

func (s *Server) Close(id int) {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	s.statsMu.Lock() // conns, then stats
	delete(s.stats, id)
	s.statsMu.Unlock()
	delete(s.conns, id)
}

func (s *Server) Report() {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.connsMu.Lock() // stats, then conns: opposite order
	for id := range s.conns {
		s.stats[id]++
	}
	s.connsMu.Unlock()
}`,
    good: `func (s *Server) Report() {
	s.connsMu.Lock() // always conns before stats
	defer s.connsMu.Unlock()
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	for id := range s.conns {
		s.stats[id]++
	}
}`,
    fixes: 'No automatic fix: choose one order for the two mutexes and follow it everywhere, or release one before taking the other.',
  },
  check(ctx) {
    const file = ctx.file;
    const view = ctx.package;
    const mine = currentEdges(file, view, nestingLocks(file, view, undefined, ctx.inFocus === EVERYWHERE ? undefined : (fn) => ctx.inFocus(fn.node)));
    if (ctx.inFocus !== EVERYWHERE && mine.length > 0) mine.push(...currentEdges(file, view, partners(file, view, ctx.inFocus, mine)));
    if (mine.length === 0) return;
    const all = [...mine, ...otherEdges(file, view)];
    const reported = new Set<string>();
    for (const e1 of mine) {
      for (const e2 of all) {
        if (e2.na !== e1.nb || e2.nb !== e1.na || !deadlocks(e1, e2)) continue;
        const key = `${e1.acquire.start}:${e1.a}:${e1.b}`;
        if (reported.has(key)) break;
        reported.add(key);
        report(file, e1, e2, ctx.report);
        break;
      }
    }
  },
};

/**
 * Goroutine 1 holds e1.a and wants e1.b; goroutine 2 holds e2.a (= e1.b) and wants e2.b (= e1.a).
 * Both wait only if a writer is involved on each side, and only if no third mutex, held
 * exclusively around both, keeps them from running at the same time.
 */
function deadlocks(e1: Edge, e2: Edge): boolean {
  const firstWaits = e1.bMode === 'w' || e2.aMode === 'w';
  const secondWaits = e2.bMode === 'w' || e1.aMode === 'w';
  return firstWaits && secondWaits && ![...e1.gates].some((g) => e2.gates.has(g));
}

/** The gate locks of an edge: other mutexes held exclusively at the acquisition, and those every caller holds. */
function gatesOf(view: PackageView, self: FuncSummary | undefined, here: Iterable<string>, a: string, b: string): Set<string> {
  const gates = new Set([...here].filter((g) => g !== a && g !== b));
  if (self) for (const g of callersHold(view, self.key, (fn, k) => owned(view, fn, k))) if (g !== a && g !== b) gates.add(g);
  return gates;
}

/**
 * Keys that name the same mutex in every function where they appear: package variables, and
 * fields of the receiver in methods of the same type (the same object when both run on it).
 */
function comparable(key: string, receiverType: string | undefined): boolean {
  if (key.startsWith('var:')) return true;
  return receiverType !== undefined && (key === receiverType || key.startsWith(receiverType + '.'));
}

/**
 * A key reached through fields of other package structs, named by the type owning the mutex:
 * `A.b.mu` -> `B.mu` when field `b` of `A` has type `B` or `*B`, so that it matches the `b.mu`
 * of B's methods. Keys on the receiver itself (`A.mu`) and package variables stay as written.
 */
function owned(view: PackageView, fn: FuncSummary | undefined, key: string): string {
  const parts = key.split('.');
  if (!fn || key.startsWith('var:') || parts.length < 3) return key;
  // The struct holding the last field hop must have one field of that type: `c.in` and `c.out`
  // (two halfConn fields of Conn) are two mutexes, not one.
  const holder = localTypeName(summaryTargetType(view, fn, parts.slice(0, -2).join('.')));
  const fields = holder ? view.struct(holder) : undefined;
  const hopType = localTypeName(fields?.[parts[parts.length - 2]]);

  if (!fields || !hopType || Object.values(fields).filter((t) => localTypeName(t) === hopType).length !== 1) return key;
  return ownerKey(view, fn, key) ?? key;
}

/**
 * The matching names of an edge. Two mutexes of the same type (`n.mu` and `n.parent.mu`) keep
 * their keys as written: only the same two paths taken in both orders make an inversion.
 */
function normalised(norm: (k: string) => string, a: string, b: string): { na: string; nb: string } {
  const na = norm(a);
  const nb = norm(b);
  return na === nb ? { na: a, nb: b } : { na, nb };
}

function receiverTypeOf(file: FileFacts, fn: FuncInfo): string | undefined {
  for (let f: FuncInfo | undefined = fn; f; f = f.node.parent ? file.functionOf(f.node) : undefined) {
    if (f.receiver) return f.receiver.typeName;
  }
  return undefined;
}

function fnLabel(fn: FuncInfo): string {
  const key = funcKey(fn);
  return key ? `\`${key}\`` : `the function literal at line ${lineOf(fn.node)}`;
}

function place(file: string, n: Node): Place {
  return { file, line: lineOf(n), start: n.startIndex, end: n.endIndex };
}

/** Where the flattened function itself does it: the op, or the call leading to it. */
function sitePlace(g: FuncSummary, f: FlatOp): Place {
  return { file: g.file, line: f.site.line, start: f.site.start, end: f.site.end };
}

const LOCK = new Set(['Lock', 'RLock']);
const UNLOCK = new Set(['Unlock', 'RUnlock']);

/**
 * When the review looks only at some declarations: the functions of the file outside them that
 * may take two of the mutexes an edge in focus takes, in the other order. An edge pairs with the
 * held locks of another function's paths, which its summary does not show, so a finding there
 * that an edit in focus creates is looked for here (one that it removes names the declaration in
 * focus in its related places, so it is looked at again anyway). Names compare by their last
 * field; a mutex named without one (an embedded mutex, a receiver) makes every function a partner.
 */
function partners(file: FileFacts, view: PackageView, inFocus: (n: Node) => boolean, edges: readonly Edge[]): FuncLocks[] {
  const last = (k: string) => (k.startsWith('var:') ? k.slice(4) : k.includes('.') ? k.slice(k.lastIndexOf('.') + 1) : undefined);
  const pairs = edges.map((e) => [last(e.a), last(e.b)]);
  const anyName = pairs.some(([a, b]) => !a || !b);
  return nestingLocks(
    file,
    view,
    (_, names) => {
      if (anyName || !names) return true;
      const mine = new Set<string | undefined>();
      for (const n of names) {
        const l = last(n);
        if (!l) return true;
        mine.add(l);
      }
      return pairs.some(([a, b]) => mine.has(a) && mine.has(b));
    },
    (fn) => !inFocus(fn.node),
  );
}

/** Edges of the given functions of the current file, from the path-sensitive analysis. */
function currentEdges(file: FileFacts, view: PackageView, functions: readonly FuncLocks[]): Edge[] {
  const out: Edge[] = [];
  for (const fl of functions) {
    const rt = receiverTypeOf(file, fl.fn);
    const fnName = fnLabel(fl.fn);
    const k = funcKey(fl.fn);
    const self = k && fl.fn.kind !== 'literal' ? view.func(k) : undefined;
    const norm = (key: string) => owned(view, self, key);
    for (const site of fl.sites) {
      const ev = site.ev;
      if (ev.k === 'lock' && comparable(ev.key, rt)) {
        const exclusive = [...site.held.values()].filter((x) => x.mode === 'w').map((x) => norm(x.key));
        for (const h of site.held.values()) {
          if (h.key === ev.key || !comparable(h.key, rt)) continue;
          const names = normalised(norm, h.key, ev.key);
          const gates = gatesOf(view, self, exclusive, names.na, names.nb);
          out.push({ a: h.key, b: ev.key, ...names, aMode: h.mode, bMode: ev.mode, fnName, hold: place(file.fileName, h.node), acquire: place(file.fileName, ev.node), node: ev.node, fn: fl.fn, gates });
        }
      } else if (ev.k === 'call' && site.held.size > 0) {
        const released = new Set<string>();
        for (const f of ev.ops) {
          if (f.context || !f.mutex || !f.target) continue;
          if (UNLOCK.has(f.what)) released.add(f.target);
          if (!LOCK.has(f.what) || f.deferred || !comparable(f.target, rt)) continue;
          const exclusive = [...site.held.values()].filter((x) => x.mode === 'w' && !released.has(x.key)).map((x) => norm(x.key));
          for (const h of site.held.values()) {
            if (h.key === f.target || released.has(h.key) || !comparable(h.key, rt)) continue;
            const names = normalised(norm, h.key, f.target);
            const gates = gatesOf(view, self, exclusive, names.na, names.nb);
            out.push({ a: h.key, b: f.target, ...names, aMode: h.mode, bMode: f.what === 'RLock' ? 'r' : 'w', fnName, hold: place(file.fileName, h.node), acquire: place(file.fileName, ev.node), node: ev.node, via: f, fn: fl.fn, gates });
          }
        }
      }
    }
  }
  return out;
}

/**
 * Edges of the package's other files, from their summaries in code order: an unconditional lock
 * holds until any unlock of the same mutex (so a lock released on some path counts as released).
 */
function otherEdges(file: FileFacts, view: PackageView): Edge[] {
  const out: Edge[] = [];
  for (const g of view.functions) {
    if (g.file === file.fileName) continue;
    out.push(...summaryEdges(view, g));
  }
  return out;
}

/** Edges of the package's functions, once per package view (every file of a package asks for them). */
const edgeCache = new WeakMap<PackageView, Map<string, Edge[]>>();

function summaryEdges(view: PackageView, g: FuncSummary): Edge[] {
  let cache = edgeCache.get(view);
  if (!cache) edgeCache.set(view, (cache = new Map()));
  let edges = cache.get(g.key);
  if (!edges) cache.set(g.key, (edges = computeSummaryEdges(view, g)));
  return edges;
}

function computeSummaryEdges(view: PackageView, g: FuncSummary): Edge[] {
  const out: Edge[] = [];
  const held = new Map<string, FlatOp>();
  for (const f of flatten(view, g.key)) {
    if (f.context || f.deferred || !f.mutex || !f.target) continue;
    if (UNLOCK.has(f.what)) {
      held.delete(f.target);
      continue;
    }
    if (!comparable(f.target, g.receiverType)) continue;
    const exclusive = [...held].filter(([, x]) => x.what === 'Lock').map(([k]) => owned(view, g, k));
    for (const [a, h] of held) {
      if (a === f.target || !comparable(a, g.receiverType)) continue;
      const names = normalised((k) => owned(view, g, k), a, f.target);
      const gates = gatesOf(view, g, exclusive, names.na, names.nb);
      out.push({ a, b: f.target, ...names, aMode: h.what === 'RLock' ? 'r' : 'w', bMode: f.what === 'RLock' ? 'r' : 'w', fnName: `\`${g.key}\``, hold: sitePlace(g, h), acquire: sitePlace(g, f), via: f.chain.length > 1 ? f : undefined, gates });
    }
    if (!f.guarded && !held.has(f.target)) held.set(f.target, f);
  }
  return out;
}

function at(file: FileFacts, p: Place): string {
  return p.file === file.fileName ? `line ${p.line}` : `${baseName(p.file)}:${p.line}`;
}

function report(file: FileFacts, e1: Edge, e2: Edge, emit: RuleContext['report']): void {
  const show = (k: string) => (e1.fn ? displayKey(file, e1.fn, k) : k);
  const A = show(e1.a);
  const B = show(e1.b);
  const node = e1.node!;
  const how = e1.via ? `\`${quote(node, 32)}\` locks \`${B}\`` : `\`${quote(node, 32)}\``;
  const other = e2.fnName === e1.fnName ? `${e1.fnName} also takes them in reverse order, so two calls` : `${e2.fnName} takes them in reverse order, so they`;
  const related: Related[] = [{ span: { start: e1.hold.start, end: e1.hold.end }, message: `\`${A}\` is locked here` }];
  if (e2.acquire.file === file.fileName) related.push({ span: { start: e2.hold.start, end: e2.hold.end }, message: `the other order: \`${B}\` is locked here…` });
  if (e2.acquire.file === file.fileName) related.push({ span: { start: e2.acquire.start, end: e2.acquire.end }, message: `…then \`${A}\` here` });
  emit({
    node,
    message:
      `${how} while holding \`${A}\`; ${other} can deadlock`,
    related,
    steps: [
      `Goroutine 1 runs ${e1.fnName} and locks \`${A}\` (${at(file, e1.hold)}).`,
      `Goroutine 2 runs ${e2.fnName} and locks \`${B}\` (${at(file, e2.hold)}).`,
      `Goroutine 1, still holding \`${A}\`, waits for \`${B}\` at ${at(file, e1.acquire)}.`,
      `Goroutine 2, still holding \`${B}\`, waits for \`${A}\` at ${at(file, e2.acquire)}: neither can continue.`,
    ],
  });
}
