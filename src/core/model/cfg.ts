/**
 * The control-flow graph of one function body (a declaration, a method or a function literal),
 * built once from the syntax tree and shared by every rule.
 *
 * A graph is a list of basic blocks. Each block holds elements in the order they run: a simple
 * statement, the condition of an `if` or loop, the value of a switch case, the communication of
 * a `select` case, a `range` clause. Edges follow Go's semantics: every `if`/`else` arm, switch,
 * type switch and select case is its own branch; `for` and `range` loops go round, with `break`
 * and `continue` (labelled too) and `goto`; `return` goes to the exit; `panic` and calls that never
 * return (`os.Exit`, `log.Fatal`, `t.Fatal`, package helpers that always end in one of those) go
 * to a separate abort block, so they end a path without counting as a normal return. Conditions
 * that are the constants `true` or `false` keep only the branch that runs. Nested function
 * literals are not part of the graph: each has its own.
 *
 * A `defer` statement is an element where it stands (where the call is registered); when the
 * deferred call runs, at the function's exit, is for the question asked to say.
 */
import type { Node } from '../syntax/parser';
import { blockStatements, FUNCTION_TYPES, unparen, whileCondition } from '../syntax/nodes';

export type ElementKind =
  /** A simple statement: expression, send, assignment, declaration, inc/dec, go, defer, return, jump. */
  | 'stmt'
  /** The condition of an `if` or a `for`: only the expression. */
  | 'cond'
  /** The value list of a switch case, or the tag of a switch. */
  | 'value'
  /** The communication of a select case: the send or receive that the case commits to. */
  | 'comm'
  /** A `select` statement's head: blocks until a case is ready, unless the select has a default. */
  | 'select'
  /** A `range` clause at the head of its loop: each visit takes one element (a receive for channels). */
  | 'range'
  /** The head of `for {}` or of a switch without a tag: nothing is evaluated there. */
  | 'head';

export interface Element {
  node: Node;
  kind: ElementKind;
  block: number;
  index: number;
}

export interface Block {
  id: number;
  elements: Element[];
  succs: number[];
  preds: number[];
}

/** Decides whether a call never returns to its caller (panic, os.Exit, t.Fatal, a helper ending in one). */
export type NoReturn = (call: Node) => boolean;

export interface BuildOptions {
  /**
   * When true, every loop runs its body at least once before it may end: the graph unrolls the
   * first iteration's test. Questions like "did this statement in the loop run before the code
   * after the loop" then answer for the case that matters, a loop that ran.
   */
  loopsRunOnce?: boolean;
  /** Gives up (returns undefined) past this many elements; generated code can be huge. */
  maxElements?: number;
}

export class Cfg {
  readonly blocks: Block[] = [];
  /** Block 0: where the function starts. */
  readonly entry = 0;
  /** Block 1: a normal return (falling off the end, or `return`). */
  readonly exit = 1;
  /** Block 2: the path ends without returning (panic, os.Exit, t.Fatal, runtime.Goexit). */
  readonly abort = 2;
  /** Element of each element node, by node id; compound statements map to their first element. */
  private readonly byNode = new Map<number, Element>();
  /** For a loop, switch, select or if: the block where control goes on after it. */
  readonly after = new Map<number, number>();
  /**
   * For the condition of an `if` (by node id): the block its true branch starts, and the block
   * control goes to when it is false (the `else` arm, or the code after the `if`).
   */
  readonly branches = new Map<number, { then: number; else: number }>();
  private domCache?: Int32Array;
  private postCache?: Int32Array;
  private rpoCache?: number[];

  constructor(readonly fn: Node, readonly body: Node) {}

  newBlock(): number {
    const id = this.blocks.length;
    this.blocks.push({ id, elements: [], succs: [], preds: [] });
    return id;
  }

  edge(from: number, to: number): void {
    const b = this.blocks[from];
    if (b.succs.includes(to)) return;
    b.succs.push(to);
    this.blocks[to].preds.push(from);
  }

  add(block: number, node: Node, kind: ElementKind): Element {
    const b = this.blocks[block];
    const el: Element = { node, kind, block, index: b.elements.length };
    b.elements.push(el);
    if (!this.byNode.has(node.id)) this.byNode.set(node.id, el);
    return el;
  }

  /** Records that a compound statement starts at `el` (the first element it runs). */
  alias(node: Node, el: Element | undefined): void {
    if (el && !this.byNode.has(node.id)) this.byNode.set(node.id, el);
  }

  get elementCount(): number {
    return this.byNode.size;
  }

  /**
   * The element that runs `node`: the innermost element around it in this function (not inside
   * a nested function literal), or undefined when `node` is not in this body.
   */
  elementOf(node: Node): Element | undefined {
    for (let n: Node | null = node; n; n = n.parent) {
      const el = this.byNode.get(n.id);
      if (el) return el;
      if (n.id === this.fn.id || (FUNCTION_TYPES.has(n.type) && n.id !== node.id)) return undefined;
    }
    return undefined;
  }

  /** Blocks reachable from the entry, in reverse postorder. */
  get rpo(): number[] {
    return (this.rpoCache ??= reversePostorder(this.blocks.length, this.entry, (b) => this.blocks[b].succs));
  }

  /** True when some path from the entry reaches the block. */
  reachable(block: number): boolean {
    return this.idom()[block] !== -1 || block === this.entry;
  }

  private idom(): Int32Array {
    return (this.domCache ??= dominators(this.blocks.length, this.rpo, this.entry, (b) => this.blocks[b].preds));
  }

  /**
   * Post-dominators towards the exit and the abort block together (a virtual sink after both):
   * "every path from here ends by passing there". Blocks that cannot end (an endless loop) have
   * none.
   */
  private ipdom(): Int32Array {
    if (this.postCache) return this.postCache;
    const n = this.blocks.length;
    const sink = n;
    const preds = (b: number) => (b === sink ? [] : b === this.exit || b === this.abort ? [...this.blocks[b].succs, sink] : this.blocks[b].succs);
    const succsRev = (b: number) => (b === sink ? [this.exit, this.abort] : this.blocks[b].preds);
    const order = reversePostorder(n + 1, sink, succsRev);
    return (this.postCache = dominators(n + 1, order, sink, preds));
  }

  /** True when every path from the entry to `b` passes through `a` (blocks). */
  blockDominates(a: number, b: number): boolean {
    const idom = this.idom();
    if (a === b) return true;
    if (idom[b] === -1) return false;
    for (let x = b; x !== this.entry; ) {
      x = idom[x];
      if (x === a) return true;
      if (x === -1) return false;
    }
    return a === this.entry;
  }

  /** True when every path from `a` to the end of the function passes through `b` (blocks). */
  blockPostDominates(b: number, a: number): boolean {
    const ipdom = this.ipdom();
    if (a === b) return true;
    const sink = this.blocks.length;
    for (let x = a; x !== sink; ) {
      x = ipdom[x];
      if (x === -1) return false;
      if (x === b) return true;
    }
    return false;
  }

  /**
   * True when block `b` can be reached from block `a` by following at least one edge, without
   * passing through block `avoid` (`a` may equal `b`: "can control come back to `a`").
   */
  blockReachesAfter(a: number, b: number, avoid = -1): boolean {
    const seen = new Uint8Array(this.blocks.length);
    const stack = [...this.blocks[a].succs];
    while (stack.length) {
      const x = stack.pop()!;
      if (x === b) return true;
      if (x === avoid || seen[x]) continue;
      seen[x] = 1;
      stack.push(...this.blocks[x].succs);
    }
    return false;
  }

  /** True when element `a` runs before `b` on every path that reaches `b`. */
  dominates(a: Element, b: Element): boolean {
    if (a.block === b.block) return a.index < b.index;
    return this.blockDominates(a.block, b.block);
  }

  /** True when every path from `a` to the end of the function runs `b` after it. */
  postDominates(b: Element, a: Element): boolean {
    if (a.block === b.block) return a.index < b.index;
    return this.blockPostDominates(b.block, a.block);
  }

  /** True when the element's block is on some path from the entry. */
  live(el: Element): boolean {
    return this.reachable(el.block);
  }

  /**
   * The places the function returns normally: each block that goes to the exit, with its `return`
   * statement, or no node when control runs off the end of the body.
   */
  get returnPoints(): { block: number; node?: Node }[] {
    return this.blocks[this.exit].preds.map((block) => {
      const last = this.blocks[block].elements.at(-1);
      return { block, node: last?.node.type === 'return_statement' ? last.node : undefined };
    });
  }

  /** True when some path from the entry ends in a normal return. */
  get returns(): boolean {
    return this.reachable(this.exit);
  }
}

/** The nodes of a graph reachable from `start`, in reverse postorder (iterative depth-first search). */
export function reversePostorder(n: number, start: number, succs: (b: number) => readonly number[]): number[] {
  const seen = new Uint8Array(n);
  const post: number[] = [];
  const stack: [number, number][] = [[start, 0]];
  seen[start] = 1;
  while (stack.length) {
    const top = stack[stack.length - 1];
    const next = succs(top[0]);
    if (top[1] < next.length) {
      const s = next[top[1]++];
      if (!seen[s]) {
        seen[s] = 1;
        stack.push([s, 0]);
      }
    } else {
      post.push(top[0]);
      stack.pop();
    }
  }
  return post.reverse();
}

/** Cooper, Harvey and Kennedy's iterative dominator algorithm. -1: unreachable. */
function dominators(n: number, rpo: number[], entry: number, preds: (b: number) => readonly number[]): Int32Array {
  const idom = new Int32Array(n).fill(-1);
  const order = new Int32Array(n).fill(-1);
  rpo.forEach((b, i) => (order[b] = i));
  idom[entry] = entry;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (order[a] > order[b]) a = idom[a];
      while (order[b] > order[a]) b = idom[b];
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const b of rpo) {
      if (b === entry) continue;
      let d = -1;
      for (const p of preds(b)) {
        if (idom[p] === -1 || order[p] === -1) continue;
        d = d === -1 ? p : intersect(p, d);
      }
      if (d !== -1 && idom[b] !== d) {
        idom[b] = d;
        changed = true;
      }
    }
  }
  idom[entry] = -1; // the root: walks stop when they reach it
  return idom;
}

// ---------------------------------------------------------------------------------------------
// Building

interface Targets {
  /** Where `break` goes. */
  brk?: number;
  /** Where `continue` goes (loops only). */
  cont?: number;
  label?: string;
  loop: boolean;
}

const SIMPLE = new Set([
  'expression_statement',
  'send_statement',
  'inc_statement',
  'dec_statement',
  'assignment_statement',
  'short_var_declaration',
  'var_declaration',
  'const_declaration',
  'type_declaration',
  'go_statement',
  'defer_statement',
  'empty_statement',
  'receive_statement',
]);

class Builder {
  private readonly targets: Targets[] = [];
  private readonly labels = new Map<string, number>();
  private readonly gotos: { from: number; label: string }[] = [];
  private depth = 0;
  private fallTo?: number;
  tooBig = false;

  constructor(
    private readonly g: Cfg,
    private readonly noReturn: NoReturn,
    private readonly opts: BuildOptions,
  ) {}

  /** Lays out a statement list starting in `cur`; returns the block where control goes on, or -1 when it does not. */
  list(stmts: readonly Node[], cur: number): number {
    for (const s of stmts) {
      if (this.g.elementCount > (this.opts.maxElements ?? 20000) || this.depth > 400) {
        this.tooBig = true;
        return -1;
      }
      if (cur === -1) cur = this.g.newBlock(); // unreachable code still gets elements (no edges in)
      this.depth++;
      cur = this.stmt(s, cur);
      this.depth--;
    }
    return cur;
  }

  private stmt(s: Node, cur: number): number {
    const g = this.g;
    switch (s.type) {
      case 'block':
        return this.list(blockStatements(s), cur);
      case 'statement_list':
        return this.list(blockStatements(s), cur);
      case 'labeled_statement': {
        const label = s.childForFieldName('label')?.text;
        const inner = s.namedChildren.find((c) => c.type !== 'label_name' && c.type !== 'comment');
        const start = g.newBlock();
        g.edge(cur, start);
        if (label) this.labels.set(label, start);
        if (!inner) return start;
        if (inner.type === 'for_statement' || inner.type === 'expression_switch_statement' || inner.type === 'type_switch_statement' || inner.type === 'select_statement') {
          return this.compound(inner, start, label);
        }
        return this.stmt(inner, start);
      }
      case 'return_statement':
        g.add(cur, s, 'stmt');
        g.edge(cur, g.exit);
        return -1;
      case 'break_statement':
      case 'continue_statement': {
        g.add(cur, s, 'stmt');
        const label = s.namedChildren.find((c) => c.type === 'label_name')?.text;
        const isBreak = s.type === 'break_statement';
        for (let i = this.targets.length - 1; i >= 0; i--) {
          const t = this.targets[i];
          if (label ? t.label === label : isBreak || t.loop) {
            const to = isBreak ? t.brk : t.cont;
            if (to !== undefined) g.edge(cur, to);
            break;
          }
        }
        return -1;
      }
      case 'goto_statement': {
        g.add(cur, s, 'stmt');
        const label = s.namedChildren.find((c) => c.type === 'label_name')?.text;
        if (label) this.gotos.push({ from: cur, label });
        return -1;
      }
      case 'fallthrough_statement':
        g.add(cur, s, 'stmt');
        if (this.fallTo !== undefined) g.edge(cur, this.fallTo);
        return -1;
      case 'if_statement':
      case 'for_statement':
      case 'expression_switch_statement':
      case 'type_switch_statement':
      case 'select_statement':
        return this.compound(s, cur);
      case 'comment':
        return cur;
      default: {
        g.add(cur, s, 'stmt');
        if (SIMPLE.has(s.type) && this.ends(s)) {
          g.edge(cur, g.abort);
          return -1;
        }
        return cur;
      }
    }
  }

  /** True when a simple statement is a call that never returns (`panic(err)`, `t.Fatal(...)`). */
  private ends(s: Node): boolean {
    if (s.type !== 'expression_statement') return false;
    const e = s.namedChildren[0] ? unparen(s.namedChildren[0]) : undefined;
    return e?.type === 'call_expression' && this.noReturn(e);
  }

  private compound(s: Node, cur: number, label?: string): number {
    const g = this.g;
    switch (s.type) {
      case 'if_statement': {
        const init = s.childForFieldName('initializer');
        const cond = s.childForFieldName('condition');
        let first: Element | undefined;
        if (init) {
          first = g.add(cur, init, 'stmt');
          if (this.ends(init)) {
            g.edge(cur, g.abort);
            return -1;
          }
        }
        if (cond) {
          const el = g.add(cur, cond, 'cond');
          first ??= el;
        }
        g.alias(s, first);
        const value = constantBool(cond);
        const after = g.newBlock();
        const thenB = g.newBlock();
        if (value !== false) g.edge(cur, thenB);
        const thenEnd = this.list(blockStatements(s.childForFieldName('consequence')), thenB);
        if (thenEnd !== -1) g.edge(thenEnd, after);
        const alt = s.childForFieldName('alternative');
        let elseB = after;
        if (alt) {
          elseB = g.newBlock();
          if (value !== true) g.edge(cur, elseB);
          const elseEnd = alt.type === 'if_statement' ? this.compound(alt, elseB) : this.list(blockStatements(alt), elseB);
          if (elseEnd !== -1) g.edge(elseEnd, after);
        } else if (value !== true) {
          g.edge(cur, after);
        }
        if (cond && value === undefined) g.branches.set(cond.id, { then: thenB, else: elseB });
        g.after.set(s.id, after);
        return after;
      }
      case 'for_statement':
        return this.loop(s, cur, label);
      case 'expression_switch_statement':
      case 'type_switch_statement': {
        const init = s.childForFieldName('initializer');
        const value = s.childForFieldName('value');
        const alias = s.childForFieldName('alias');
        let first: Element | undefined;
        if (init) first = g.add(cur, init, 'stmt');
        if (alias) first ??= g.add(cur, alias, 'value');
        if (value) {
          const el = g.add(cur, value, 'value');
          first ??= el;
        }
        const after = g.newBlock();
        g.alias(s, first ?? g.add(cur, s, 'head'));
        const cases = s.namedChildren.filter((c) => c.type === 'expression_case' || c.type === 'type_case' || c.type === 'default_case');
        const heads = cases.map(() => g.newBlock());
        this.targets.push({ brk: after, label, loop: false });
        const saved = this.fallTo;
        cases.forEach((c, i) => {
          const head = heads[i];
          g.edge(cur, head);
          const v = c.childForFieldName('value') ?? c.childForFieldName('type');
          if (v) g.alias(c, g.add(head, v, 'value'));
          this.fallTo = heads[i + 1];
          const end = this.list(caseStatements(c), head);
          if (end !== -1) g.edge(end, after);
        });
        this.fallTo = saved;
        this.targets.pop();
        if (!cases.some((c) => c.type === 'default_case')) g.edge(cur, after);
        g.after.set(s.id, after);
        return after;
      }
      case 'select_statement': {
        g.add(cur, s, 'select');
        const after = g.newBlock();
        const cases = s.namedChildren.filter((c) => c.type === 'communication_case' || c.type === 'default_case');
        this.targets.push({ brk: after, label, loop: false });
        for (const c of cases) {
          const b = g.newBlock();
          g.edge(cur, b);
          const comm = c.childForFieldName('communication');
          if (comm) g.alias(c, g.add(b, comm, 'comm'));
          const end = this.list(caseStatements(c), b);
          if (end !== -1) g.edge(end, after);
        }
        this.targets.pop();
        g.after.set(s.id, after);
        // `select {}` blocks forever: no edge on.
        return cases.length ? after : -1;
      }
    }
    return cur;
  }

  private loop(s: Node, cur: number, label?: string): number {
    const g = this.g;
    const clause = s.namedChildren.find((c) => c.type === 'for_clause' || c.type === 'range_clause');
    const bare = whileCondition(s);
    const init = clause?.type === 'for_clause' ? clause.childForFieldName('initializer') : undefined;
    const cond = clause?.type === 'for_clause' ? clause.childForFieldName('condition') : clause ? undefined : bare;
    const update = clause?.type === 'for_clause' ? clause.childForFieldName('update') : undefined;
    const range = clause?.type === 'range_clause' ? clause : undefined;
    let first: Element | undefined;
    if (init) first = g.add(cur, init, 'stmt');
    const head = g.newBlock();
    g.edge(cur, head);
    if (cond) first ??= g.add(head, cond, 'cond');
    if (range) first ??= g.add(head, range, 'range');
    const after = g.newBlock();
    const body = g.newBlock();
    const post = g.newBlock();
    g.alias(s, first ?? g.add(head, s, 'head'));
    const value = range ? undefined : cond ? constantBool(cond) : true;
    const endless = value === true;
    if (this.opts.loopsRunOnce && !endless && value !== false) {
      // First visit of the head always enters the body; later visits (from post) may leave.
      const again = g.newBlock();
      if (cond) g.add(again, cond, 'cond');
      if (range) g.add(again, range, 'range');
      g.edge(head, body);
      g.edge(post, again);
      g.edge(again, body);
      g.edge(again, after);
    } else {
      if (value !== false) g.edge(head, body);
      if (!endless) g.edge(head, after);
      g.edge(post, head);
    }
    if (update) g.add(post, update, 'stmt');
    this.targets.push({ brk: after, cont: post, label, loop: true });
    const end = this.list(blockStatements(s.childForFieldName('body')), body);
    this.targets.pop();
    if (end !== -1) g.edge(end, post);
    g.after.set(s.id, after);
    return after;
  }

  finish(): void {
    for (const { from, label } of this.gotos) {
      const to = this.labels.get(label);
      if (to !== undefined) this.g.edge(from, to);
    }
  }
}

/** The statements of a switch or select case. */
function caseStatements(c: Node): Node[] {
  const list = c.namedChildren.find((x) => x.type === 'statement_list');
  return list ? blockStatements(list) : [];
}

/** `true`, `false`, `!true`, `(false)`: the constant value of a condition, when it is one. */
export function constantBool(cond: Node | null | undefined): boolean | undefined {
  if (!cond) return undefined;
  const c = unparen(cond);
  if (c.type === 'true') return true;
  if (c.type === 'false') return false;
  if (c.type === 'unary_expression' && c.childForFieldName('operator')?.text === '!') {
    const v = constantBool(c.childForFieldName('operand'));
    return v === undefined ? undefined : !v;
  }
  return undefined;
}

/** Builds the graph of a function node's body; undefined when it has no body or is too big. */
export function buildCfg(fn: Node, noReturn: NoReturn, opts: BuildOptions = {}): Cfg | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  const g = new Cfg(fn, body);
  g.newBlock(); // entry
  g.newBlock(); // exit
  g.newBlock(); // abort
  const b = new Builder(g, noReturn, opts);
  const end = b.list(blockStatements(body), g.entry);
  if (b.tooBig) return undefined;
  b.finish();
  if (end !== -1) g.edge(end, g.exit);
  return g;
}
