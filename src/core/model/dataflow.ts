/**
 * One dataflow engine over the control-flow graph: rules and model analyses describe a problem
 * (the fact where the function starts, how facts of meeting paths join, what each element does)
 * and get the fact before and after every element, solved to a fixed point.
 *
 * Forward problems ask "what holds when control gets here" (which locks are held, is the channel
 * closed on every path here); backward problems ask "what holds from here to the end" (does every
 * path from here reach an unlock). Unreachable code has no fact at all: a question about it has
 * no answer, and callers stay silent.
 */
import { reversePostorder, type Cfg, type Element } from './cfg';

export interface Problem<T> {
  /** Forward: facts flow from the entry along edges. Backward: from the exit and abort blocks against them. */
  direction: 'forward' | 'backward';
  /** The fact at the boundary: at the entry (forward), or at the exit and abort blocks (backward). */
  boundary: T | ((block: number) => T);
  /** The fact where two paths meet. It must be monotone: joining never undoes an earlier join. */
  join(a: T, b: T): T;
  equals(a: T, b: T): boolean;
  /** The fact after `el` runs (forward) or before it (backward), from the fact on its other side. */
  transfer(el: Element, fact: T): T;
}

export interface Solution<T> {
  /** The fact where control enters a block (its start, forward; its end, backward); undefined when no path gets there. */
  blockIn(block: number): T | undefined;
  /** The fact where control leaves a block. */
  blockOut(block: number): T | undefined;
  /** The fact just before the element runs (in program order, whatever the direction). */
  before(el: Element): T | undefined;
  /** The fact just after the element runs. */
  after(el: Element): T | undefined;
}

/** Iterations over the whole graph before the engine gives up (a problem that is not monotone). */
const MAX_ROUNDS = 64;

/**
 * Solves `p` on `g` with a worklist in (reverse) postorder. Returns undefined when the problem
 * does not settle, which only a join or transfer that is not monotone can cause.
 */
export function solve<T>(g: Cfg, p: Problem<T>): Solution<T> | undefined {
  const n = g.blocks.length;
  const forward = p.direction === 'forward';
  const next = (b: number) => (forward ? g.blocks[b].succs : g.blocks[b].preds);
  const prev = (b: number) => (forward ? g.blocks[b].preds : g.blocks[b].succs);
  const boundary = (b: number) => (typeof p.boundary === 'function' ? (p.boundary as (block: number) => T)(b) : p.boundary);
  const starts = forward ? [g.entry] : [g.exit, g.abort];
  const order = forward ? g.rpo : backwardOrder(g);
  const rank = new Int32Array(n).fill(-1);
  order.forEach((b, i) => (rank[b] = i));

  const ins: (T | undefined)[] = new Array(n);
  const outs: (T | undefined)[] = new Array(n);
  const flow = (b: number, fact: T): T => {
    const els = g.blocks[b].elements;
    if (forward) for (const el of els) fact = p.transfer(el, fact);
    else for (let i = els.length - 1; i >= 0; i--) fact = p.transfer(els[i], fact);
    return fact;
  };

  const queued = new Uint8Array(n);
  let work: number[] = [];
  for (const s of starts) {
    ins[s] = boundary(s);
    work.push(s);
    queued[s] = 1;
  }
  let budget = MAX_ROUNDS * Math.max(1, order.length);
  while (work.length > 0) {
    if (--budget < 0) return undefined;
    // Take the block earliest in the order, so each round sees its predecessors' facts first.
    let best = 0;
    for (let i = 1; i < work.length; i++) if (rank[work[i]] < rank[work[best]]) best = i;
    const b = work[best];
    work[best] = work[work.length - 1];
    work.pop();
    queued[b] = 0;
    let inFact: T | undefined;
    if (starts.includes(b)) inFact = boundary(b);
    for (const q of prev(b)) {
      const o = outs[q];
      if (o === undefined) continue;
      inFact = inFact === undefined ? o : p.join(inFact, o);
    }
    if (inFact === undefined) continue;
    ins[b] = inFact;
    const out = flow(b, inFact);
    if (outs[b] !== undefined && p.equals(outs[b]!, out)) continue;
    outs[b] = out;
    for (const s of next(b)) {
      if (!queued[s]) {
        queued[s] = 1;
        work.push(s);
      }
    }
  }
  work = [];

  /** Facts before each element of a block, in program order, computed on demand. */
  const perBlock = new Map<number, T[]>();
  const boundaries = (b: number): T[] | undefined => {
    const hit = perBlock.get(b);
    if (hit) return hit;
    const start = ins[b];
    if (start === undefined) return undefined;
    const els = g.blocks[b].elements;
    // facts[i] is the fact before element i; facts[els.length] the fact after the last one.
    const facts: T[] = new Array(els.length + 1);
    if (forward) {
      facts[0] = start;
      els.forEach((el, i) => (facts[i + 1] = p.transfer(el, facts[i])));
    } else {
      facts[els.length] = start;
      for (let i = els.length - 1; i >= 0; i--) facts[i] = p.transfer(els[i], facts[i + 1]);
    }
    perBlock.set(b, facts);
    return facts;
  };
  return {
    blockIn: (b) => ins[b],
    blockOut: (b) => outs[b],
    before: (el) => boundaries(el.block)?.[el.index],
    after: (el) => boundaries(el.block)?.[el.index + 1],
  };
}

/** Blocks that reach the exit or the abort block, in reverse postorder of the reversed graph (from a virtual sink after both). */
function backwardOrder(g: Cfg): number[] {
  const sink = g.blocks.length;
  const preds = (b: number) => (b === sink ? [g.exit, g.abort] : g.blocks[b].preds);
  return reversePostorder(sink + 1, sink, preds).filter((b) => b !== sink);
}

/**
 * The most common question as a ready problem: does some element matching `gen` run on every
 * path (`must`) or on some path (`may`) to here, with no element matching `kill` after it?
 * "Is `ch` closed on every path reaching this send" is `reaches(g, isClose, isReassign, 'must')`.
 */
export function reaches(g: Cfg, gen: (el: Element) => boolean, kill: (el: Element) => boolean, mode: 'must' | 'may'): Solution<boolean> | undefined {
  return solve<boolean>(g, {
    direction: 'forward',
    boundary: false,
    join: mode === 'must' ? (a, b) => a && b : (a, b) => a || b,
    equals: (a, b) => a === b,
    transfer: (el, fact) => (gen(el) ? true : kill(el) ? false : fact),
  });
}
