/**
 * The path questions rules ask, answered on the control-flow graph of the function that holds
 * both nodes: "does `a` always run before `b`", "does every run of `a` go on to `b`", "is `node`
 * reached whenever its function runs". Each graph is built once per function and per file.
 *
 * Within one element (a statement or a condition) the order is the syntax's: a node nested in a
 * short-circuit operand, a function literal, or a `go`/`defer` statement is not surely evaluated.
 */
import { factsOf, type FileFacts } from './facts';
import type { Node } from '../syntax/parser';
import { alwaysRunsChild, FUNCTION_TYPES } from '../syntax/nodes';
import { buildCfg, type Cfg, type Element } from './cfg';
import { noReturn } from './noreturn';

interface Cache {
  plain: Map<number, Cfg | null>;
  once: Map<number, Cfg | null>;
}

const caches = new WeakMap<FileFacts, Cache>();

/**
 * The graph of a function node (declaration, method or literal), memoised. With `loopsRunOnce`
 * every loop runs its body at least once (see cfg.ts). Undefined without a body, or when too big.
 */
export function cfgOf(file: FileFacts, fn: Node, loopsRunOnce = false): Cfg | undefined {
  let c = caches.get(file);
  if (!c) caches.set(file, (c = { plain: new Map(), once: new Map() }));
  const map = loopsRunOnce ? c.once : c.plain;
  let g = map.get(fn.id);
  if (g === undefined) {
    g = buildCfg(fn, noReturn(file), { loopsRunOnce }) ?? null;
    map.set(fn.id, g);
  }
  return g ?? undefined;
}

function functionOf(node: Node): Node | undefined {
  for (let n = node.parent; n; n = n.parent) if (FUNCTION_TYPES.has(n.type)) return n;
  return undefined;
}

/** The graph and elements of two nodes of one function, or undefined. */
function locate(a: Node, b: Node, loopsRunOnce: boolean): { g: Cfg; ea: Element; eb: Element } | undefined {
  const fn = functionOf(a);
  if (!fn || functionOf(b)?.id !== fn.id) return undefined;
  const file = factsOf(a);
  const g = file && cfgOf(file, fn, loopsRunOnce);
  const ea = g?.elementOf(a);
  const eb = g?.elementOf(b);
  return g && ea && eb ? { g, ea, eb } : undefined;
}

/** True when evaluating `el`'s node always evaluates `node` inside it. */
function evaluatedWith(node: Node, el: Element): boolean {
  for (let n: Node = node; n.id !== el.node.id; n = n.parent!) {
    if (!n.parent || !alwaysRunsChild(n.parent, n)) return false;
  }
  return true;
}

/**
 * True when `a` has surely run whenever `b` runs, in the same call of their function: `a` ends
 * before `b` starts, and every path from the function's start to `b` passes `a`. Loops are taken
 * to run at least once ("the loop ran" is the case that matters). False across functions.
 */
export function runsBefore(a: Node, b: Node): boolean {
  if (a.endIndex > b.startIndex) return false;
  const at = locate(a, b, true);
  if (!at) return false;
  const { g, ea, eb } = at;
  if (!evaluatedWith(a, ea)) return false;
  if (ea === eb) return true; // one statement, `a` written (and evaluated) first
  return g.live(eb) && g.dominates(ea, eb);
}

/**
 * True when every run of `a` goes on to run `b` later in the same call: `b` comes after `a`, every
 * path from `a` to the end of the function passes `b` (a `return`, `break`, `panic` or `t.Fatal`
 * on the way makes it false), and no loop brings control back to `a` before `b` runs.
 */
export function surelyFollows(a: Node, b: Node): boolean {
  if (a.endIndex > b.startIndex) return false;
  const at = locate(a, b, false);
  if (!at) return false;
  const { g, eb } = at;
  let { ea } = at;
  if (!evaluatedWith(b, eb)) return false;
  // A compound statement (a loop, an if, a switch) is followed from where control leaves it.
  const after = g.after.get(a.id);
  if (after !== undefined) ea = { node: a, kind: 'head', block: after, index: -1 };
  else if (ea === eb) return evaluatedWith(a, ea);
  if (!g.postDominates(eb, ea)) return false;
  // No loop may bring control back to `a` before `b` has run (after `a` in its own block, `b` runs first).
  return ea.block === eb.block || !g.blockReachesAfter(ea.block, ea.block, eb.block);
}

/**
 * True when some run of their function evaluates `b` after `a`, in the same round or a later
 * round of a loop around both. False when they are in different functions or `a` never runs.
 */
export function mayFollow(a: Node, b: Node): boolean {
  const at = locate(a, b, false);
  if (!at) return false;
  const { g, ea, eb } = at;
  if (!g.live(ea)) return false;
  return (ea.block === eb.block && ea.index < eb.index) || g.blockReachesAfter(ea.block, eb.block);
}

/** True when control can come back to `node` after it runs: a loop around it, also one made with `goto`. */
export function repeats(node: Node): boolean {
  return mayFollow(node, node);
}

/**
 * True when entering `top` (a function body, block or statement list around `node`) always goes
 * on to evaluate `node`: no branch, loop body, case, jump, `panic` or never-returning call lies
 * between them, and `node` is not in a closure, a `go`/`defer` statement or a short-circuit operand.
 */
export function surelyReached(node: Node, top: Node): boolean {
  const fn = FUNCTION_TYPES.has(top.type) ? top : functionOf(top);
  const file = factsOf(node);
  const g = fn && file ? cfgOf(file, fn) : undefined;
  const el = g?.elementOf(node);
  if (!g || !el || functionOf(node)?.id !== fn!.id || !evaluatedWith(node, el)) return false;
  const start = firstElement(g, top);
  if (!start) return false;
  if (start === el) return true;
  return g.live(el) && g.postDominates(el, start) && g.dominates(start, el);
}

/**
 * True when no path from its function's start reaches `node`: it comes after a call that never
 * returns (`t.Skip(...)` at the top of a test, `log.Fatal`), or after a `return`. False when the
 * graph does not know the node.
 */
export function unreachable(node: Node): boolean {
  const fn = functionOf(node);
  const file = factsOf(node);
  const g = fn && file ? cfgOf(file, fn) : undefined;
  const el = g?.elementOf(node);
  return !!g && !!el && !g.live(el);
}

/**
 * True when some path from `node` ends in a normal return of its function. False when every path
 * from it ends in an endless loop, a `panic`, `os.Exit`, `log.Fatal` or another call that never
 * returns. True (it may return) when `node` is not in a function the graph knows.
 */
export function mayReturnAfter(node: Node): boolean {
  const fn = functionOf(node);
  const file = factsOf(node);
  const g = fn && file ? cfgOf(file, fn) : undefined;
  const el = g?.elementOf(node);
  if (!g || !el || !g.live(el)) return true;
  return el.block === g.exit || g.blockReachesAfter(el.block, g.exit);
}

/** The first element that runs when control enters `top`. */
function firstElement(g: Cfg, top: Node): Element | undefined {
  if (top.id === g.body.id || FUNCTION_TYPES.has(top.type)) {
    const entry = g.blocks[g.entry];
    return entry.elements[0] ?? firstInSuccessors(g, g.entry);
  }
  // a block or statement list: its first statement
  const list = top.type === 'statement_list' ? top : top.namedChildren.find((c) => c.type === 'statement_list');
  const first = list?.namedChildren.find((c) => c.type !== 'comment');
  return first ? g.elementOf(first) : undefined;
}

function firstInSuccessors(g: Cfg, block: number): Element | undefined {
  const seen = new Set<number>();
  let b = block;
  while (!seen.has(b)) {
    seen.add(b);
    const blk = g.blocks[b];
    if (blk.elements.length) return blk.elements[0];
    if (blk.succs.length !== 1) return undefined;
    b = blk.succs[0];
  }
  return undefined;
}

/**
 * True when control cannot come back round to `a` (through the loops around it) without running
 * one of `checks` first: every later iteration passes a check. A check inside a select case counts
 * as the select itself (the select evaluates every case). False when `a` is not in a loop of the
 * function that control can repeat, or when the nodes are in different functions.
 */
export function everyRoundPasses(a: Node, checks: readonly Node[]): boolean {
  const fn = functionOf(a);
  const file = factsOf(a);
  const g = fn && file ? cfgOf(file, fn) : undefined;
  const start = g?.elementOf(a);
  if (!g || !start) return false;
  const at = new Map<number, number[]>();
  for (const c of checks) {
    if (functionOf(c)?.id !== fn!.id) continue;
    const select = selectAround(c);
    const el = g.elementOf(select ?? c);
    if (el) at.set(el.block, [...(at.get(el.block) ?? []), el.index]);
  }
  // Passes a check later in a's own block: every path does.
  if ((at.get(start.block) ?? []).some((i) => i > start.index)) return true;
  const seen = new Uint8Array(g.blocks.length);
  const stack = [...g.blocks[start.block].succs];
  let repeats = false;
  while (stack.length) {
    const b = stack.pop()!;
    if (seen[b]) continue;
    seen[b] = 1;
    const idx = at.get(b);
    if (b === start.block) {
      if (!idx?.some((i) => i < start.index)) return false; // round again with no check on the way
      repeats = true;
      continue;
    }
    if (idx) {
      repeats = true; // the path meets a check; whether it comes round again does not matter
      continue;
    }
    stack.push(...g.blocks[b].succs);
  }
  return repeats;
}

/** The select statement whose case communication (not its body) holds `n`, if any. */
function selectAround(n: Node): Node | undefined {
  for (let x: Node | null = n; x && !FUNCTION_TYPES.has(x.type); x = x.parent) {
    const up = x.parent;
    if (up?.type === 'communication_case') {
      return up.childForFieldName('communication')?.id === x.id && up.parent?.type === 'select_statement' ? up.parent : undefined;
    }
  }
  return undefined;
}

/**
 * True when `a` and `b` are in the same function and no run of it executes both: no path leads
 * from one to the other (the arms of an if/else, two cases of a switch or select).
 */
export function exclusive(a: Node, b: Node): boolean {
  const at = locate(a, b, false);
  if (!at) return false;
  const { g, ea, eb } = at;
  if (!g.live(ea) || !g.live(eb)) return false;
  const reaches = (x: Element, y: Element) => (x.block === y.block && x.index <= y.index) || g.blockReachesAfter(x.block, y.block);
  return !reaches(ea, eb) && !reaches(eb, ea);
}

/**
 * True when every path from the start of `fn` to `target` (a node of `fn`), or to its normal end
 * (a `return`, or falling off the body) when no target is given, runs one of `marks` first: the
 * marks cut every way there, together (a `Done` in each arm of a switch with a default). Marks
 * in nested literals, or not surely evaluated with their statement, do not count; a path that
 * aborts (panic, `t.Fatal`) reaches no end. False when the graph cannot be built.
 */
export function everyPathPasses(fn: Node, marks: readonly Node[], target?: Node): boolean {
  const file = factsOf(fn);
  const g = file ? cfgOf(file, fn) : undefined;
  if (!g) return false;
  const markAt = new Map<number, number>();
  for (const m of marks) {
    const el = functionOf(m)?.id === fn.id ? g.elementOf(m) : undefined;
    if (!el || !evaluatedWith(m, el)) continue;
    const at = markAt.get(el.block);
    if (at === undefined || el.index < at) markAt.set(el.block, el.index);
  }
  let end = { block: g.exit, index: 0 };
  if (target) {
    const el = functionOf(target)?.id === fn.id ? g.elementOf(target) : undefined;
    if (!el) return false;
    end = el;
  }
  const seen = new Uint8Array(g.blocks.length);
  const stack = [g.entry];
  while (stack.length) {
    const b = stack.pop()!;
    if (seen[b]) continue;
    seen[b] = 1;
    const mark = markAt.get(b);
    if (b === end.block && (mark === undefined || mark >= end.index)) return false;
    if (mark !== undefined || b === g.abort) continue;
    stack.push(...g.blocks[b].succs);
  }
  return true;
}

/**
 * The `if` conditions whose outcome is known wherever `node` runs: `holds` when only the true
 * branch leads there (`node` in the body of `if err != nil`), not `holds` when only the false
 * branch does (`node` after `if err != nil { return }`, or in its `else`). A branch counts when
 * its first block is entered from the condition alone and dominates `node`. Empty for a node in
 * a function literal nested in the function, or when the graph cannot be built.
 */
export function conditionsAt(node: Node): { cond: Node; holds: boolean }[] {
  const fn = functionOf(node);
  const file = fn && factsOf(node);
  const g = file ? cfgOf(file, fn!) : undefined;
  const el = g?.elementOf(node);
  if (!g || !el || !g.reachable(el.block)) return [];
  const out: { cond: Node; holds: boolean }[] = [];
  const leadsHere = (b: number) => g.blocks[b].preds.length === 1 && g.blockDominates(b, el.block);
  for (const [id, br] of g.branches) {
    const holds = leadsHere(br.then) ? true : leadsHere(br.else) ? false : undefined;
    if (holds === undefined) continue;
    const condEl = g.blocks[g.blocks[br.then].preds[0]].elements.at(-1);
    if (condEl?.kind === 'cond' && condEl.node.id === id) out.push({ cond: condEl.node, holds });
  }
  return out;
}
