/**
 * Requests a serving loop takes and answers. In `case r := <-s.reqc: ...; r.reply <- v` the
 * caller that sent `r` waits on `r.reply`; a path of the case that leaves the loop, or goes round
 * to the next request, without answering leaves that caller waiting for good. This module finds
 * those paths on the loop function's control-flow graph, once per summary, as plain data.
 */
import type { FileFacts, FuncInfo, Param, VarDecl } from './facts';
import type { Node } from '../syntax/parser';
import { blockStatements, callArgs, callParts, caseReceive, FUNCTION_TYPES, selectCases, walk } from '../syntax/nodes';
import { cfgOf } from './paths';
import { solve, type Solution } from './dataflow';
import type { Cfg, Element } from './cfg';

/** What a select case of a serving loop does with the request it receives (see {@link ServeLoop}). */
export interface RequestUse {
  /**
   * Fields of the request the case sends on or closes, anywhere in its body (`reply` for
   * `r.reply <- v`), and '' when it sends on or closes the received value itself (`r <- v`).
   */
  answers: string[];
  /**
   * Fields the dropping paths only read (`r.key`): the rule checks their types, since a field
   * that is itself a channel or a callback may carry the answer.
   */
  reads: string[];
  /** Where a path that took the request leaves the function or goes round without answering it. */
  drops: Drop[];
  /**
   * Calls of package functions the request is passed to (`s.handle(r)`): the paths through such a
   * call count as answered here; whether the helper answers is read from its summary
   * ({@link FuncSummary.handles}) by whoever asks.
   */
  delegates?: Delegate[];
}

/** See {@link RequestUse.delegates}. */
export interface Delegate {
  /** The callee's key (`Server.handle`) and the position of the request among its arguments. */
  callee: string;
  arg: number;
  line: number;
  start: number;
  end: number;
  /** Where the request would be dropped after the call returned without answering it. */
  after: Drop[];
}

/** The callee key of a call of a package function (`Server.handle`), as package summaries name it. */
export type Callee = (call: Node) => string | undefined;

/** The variable a request is held in: a local, or a helper's parameter. */
type Holder = VarDecl | Param;

export interface Drop {
  /** `return` (or running off the end), `continue`, or the end of the case's body. */
  how: 'return' | 'continue' | 'end';
  line: number;
  start: number;
  end: number;
}

/**
 * For `case r := <-ch:` of `select` in `fn`: what the case does with `r`. Undefined when the case
 * does not bind the received value, or when the graph cannot answer.
 *
 * A mention of `r` other than reading one of its fields answers the request as far as this model
 * knows (passing it on, storing it, capturing it, calling a method on it); so does any branch on
 * it (`if r.op == get`: requests of other kinds may expect no answer) and any channel operation on
 * one of its fields. What is left are paths that only read plain fields.
 */
export function requestUse(facts: FileFacts, fn: FuncInfo, select: Node, c: Node, callee?: Callee): RequestUse | undefined {
  const comm = c.childForFieldName('communication');
  const left = caseReceive(c)?.left ?? [];
  const bound = left[0];
  if (!comm || !bound || bound.type !== 'identifier' || bound.text === '_') return undefined;
  const okDecl = left[1]?.type === 'identifier' ? facts.lookup(left[1].text, left[1])?.decl : undefined;
  const g = cfgOf(facts, fn.node);
  const commEl = g?.elementOf(comm);
  const selectEl = g?.elementOf(select);
  if (!g || !commEl || !selectEl || commEl.kind !== 'comm' || selectEl.kind !== 'select') return undefined;
  let loop: Node | undefined;
  for (let p = select.parent; p; p = p.parent) if (p.type === 'for_statement') { loop = p; break; }
  const decl = facts.lookup(bound.text, bound)?.decl;
  if (!decl || decl.node.id !== bound.id) return undefined;
  return useOf(facts, fn, { g, scope: c, holder: decl, okDecl, gen: commEl, head: selectEl, loop, breaks: 'labelled', end: comm, callee });
}

/**
 * For `for r := range ch { ... }` in `fn`: what an iteration does with `r`, as for a select case
 * (see {@link requestUse}); going round to the next element without answering is a drop, and so
 * is a `break` or `return` that leaves with the request taken.
 */
export function rangeRequestUse(facts: FileFacts, fn: FuncInfo, loop: Node, range: Node, callee?: Callee): RequestUse | undefined {
  const left = range.childForFieldName('left')?.namedChildren ?? [];
  const bound = left[0];
  const body = loop.childForFieldName('body');
  const first = blockStatements(body)[0];
  if (left.length !== 1 || !bound || bound.type !== 'identifier' || bound.text === '_' || !body || !first) return undefined;
  const g = cfgOf(facts, fn.node);
  const head = g?.elementOf(range);
  const gen = g?.elementOf(first);
  // The first statement of the body must have an element of its own, first in the block the head enters.
  if (!g || !head || !gen || head.kind !== 'range' || gen === head || gen.index !== 0 || !g.blocks[head.block].succs.includes(gen.block)) return undefined;
  const decl = facts.lookup(bound.text, bound)?.decl;
  if (!decl || decl.node.id !== bound.id) return undefined;
  return useOf(facts, fn, { g, scope: body, holder: decl, gen, head, loop, breaks: 'any', end: body.lastChild ?? body, callee });
}

/**
 * For a function that takes a request as parameter `i` (`func (s *Server) handle(r request)`):
 * what it does with it from its entry on, as for a select case ({@link requestUse}); its drops are
 * the paths that return without answering. Undefined when it never sends on the request or one of
 * its fields, nor closes them.
 */
export function paramRequestUse(facts: FileFacts, fn: FuncInfo, i: number): RequestUse | undefined {
  const param = fn.params[i];
  const body = fn.body;
  if (!param || !body || !/^[A-Za-z_]\w*$/.test(param.name) || param.name === '_') return undefined;
  // Only a parameter the body sends on or closes (`r.reply <- v`, `close(r.done)`, `ch <- v`) can be answered here.
  const name = param.name;
  if (!new RegExp(`\\b${name}(\\.\\w+)?\\s*<-|close\\(\\s*${name}\\b`).test(body.text)) return undefined;
  const g = cfgOf(facts, fn.node);
  if (!g) return undefined;
  const use = useOf(facts, fn, { g, scope: body, holder: param, breaks: 'labelled', end: body.lastChild ?? body });
  return use && use.answers.length > 0 ? use : undefined;
}

/** Where a request is taken and where the loop goes round, for {@link useOf}. */
interface Frame {
  g: Cfg;
  /** The syntax that handles one request: a select case, or a range loop's body. */
  scope: Node;
  /** The variable the request is received into (or the parameter it is passed in). */
  holder: Holder;
  /** `ok` of `r, ok := <-ch`. */
  okDecl?: VarDecl;
  /**
   * The element from which the request is held: a select case's communication, a range body's
   * first element; none for a helper, which holds it from its entry.
   */
  gen?: Element;
  /** Where the loop goes round to take the next request: the select, or the range clause (none for a helper). */
  head?: Element;
  /** The serving loop. */
  loop?: Node;
  /** Which breaks of the scope leave the loop: labelled ones (a plain break ends a select), or any that does. */
  breaks: 'labelled' | 'any';
  /** Where a request is dropped by going round when no `continue` does it. */
  end: Node;
  /** Resolves calls the request is passed to (see {@link RequestUse.delegates}); without it, such calls answer. */
  callee?: Callee;
}

function useOf(facts: FileFacts, fn: FuncInfo, f: Frame): RequestUse | undefined {
  const { g, scope: c, holder: decl, okDecl } = f;

  const answers = new Set<string>();
  /** Calls the request is passed to, by the element they run in. */
  const passed = new Map<Element, { callee: string; arg: number; node: Node }>();
  walk(c, (n) => {
    if (n.type === 'identifier' && isMention(facts, n, decl)) {
      const use = classify(n);
      if (use.answer !== undefined) answers.add(use.answer);
      const call = use.arg !== undefined && f.callee && !insideClosure(n, c) ? argCall(n)?.call : undefined;
      // Only a call whose result is dropped: one whose result is checked may be answered by the caller when it fails.
      const key = call?.parent?.type === 'expression_statement' ? f.callee!(call) : undefined;
      const el = key ? g.elementOf(call!) : undefined;
      if (key && el && !passed.has(el)) passed.set(el, { callee: key, arg: use.arg!, node: call! });
    }
  });
  if (answers.size === 0 && passed.size === 0) return { answers: [], reads: [], drops: [] };

  const reads = new Map<Element, string[]>();
  /** Per element: it answers (or may) other than by passing the request on, and it passes it on. */
  const killed = new Map<Element, { other: boolean; passes: boolean }>();
  const effect = (el: Element): { other: boolean; passes: boolean } => {
    let e = killed.get(el);
    if (e) return e;
    let k = false;
    const fields: string[] = [];
    if (el.kind === 'select') k = answersOrGivesUpEarly(facts, el.node, decl);
    else if (el.kind !== 'head') {
      walk(el.node, (n) => {
        if (k) return false;
        if (n.type !== 'identifier') return;
        if (okDecl && el.kind === 'cond' && isMention(facts, n, okDecl)) k = true;
        else if (el.kind === 'cond' && n.id === flagOf(el.node)?.id && flagSetIn(facts, n, c)) k = true;
        else if (isMention(facts, n, decl)) {
          const use = classify(n);
          if (passed.has(el) && use.arg !== undefined && argCall(n)?.call.id === passed.get(el)!.node.id) return;
          if (use.read === undefined || el.kind === 'cond' || el.kind === 'value' || insideClosure(n, el.node)) k = true;
          else fields.push(use.read);
        }
      });
    }
    killed.set(el, (e = { other: k, passes: passed.has(el) }));
    reads.set(el, fields);
    return e;
  };
  const kills = (el: Element) => {
    const e = effect(el);
    return e.other || e.passes;
  };
  // The request is held from `gen` on (the element itself may already answer it) until the loop goes round.
  const solveFrom = (gen: Element | undefined, kill: (el: Element) => boolean) =>
    solve<boolean>(g, {
      direction: 'forward',
      boundary: (b) => gen === undefined && b === g.entry,
      join: (a, b) => a || b,
      equals: (a, b) => a === b,
      transfer: (el, fact) => (el === f.head ? false : el === gen ? !kill(el) : kill(el) ? false : fact),
    });
  const sol = solveFrom(f.gen, kills);
  if (!sol) return undefined;
  const drops = dropsOf(fn, f, sol);
  // After each call the request is passed to: where it is dropped when the callee did not answer.
  const delegates: Delegate[] = [];
  for (const [el, d] of passed) {
    if (effect(el).other) continue;
    const after = solveFrom(el, (x) => x !== el && kills(x));
    if (!after) return undefined;
    delegates.push({ callee: d.callee, arg: d.arg, ...where(d.node), after: dropsOf(fn, f, after) });
  }
  // The fields read on the way: those of every element the request reaches unanswered.
  const read = new Set<string>();
  for (const [el, fields] of reads) if (sol.before(el) === true && !killed.get(el)?.other && !killed.get(el)?.passes) for (const x of fields) read.add(x);
  return { answers: [...answers], reads: [...read], drops, ...(delegates.length > 0 ? { delegates } : {}) };
}

/** Where the request, held as `sol` says, leaves the function or goes round unanswered. */
function dropsOf(fn: FuncInfo, f: Frame, sol: Solution<boolean>): Drop[] {
  const drops: Drop[] = [];
  for (const rp of f.g.returnPoints) {
    if (sol.blockOut(rp.block) !== true) continue;
    if (rp.node) drops.push({ how: 'return', ...where(rp.node) });
    else drops.push({ how: 'return', ...where(leavingBreak(f.scope, f, sol) ?? lastLine(fn.body!)) });
  }
  if (f.head && sol.before(f.head) === true) {
    let found = false;
    walk(f.scope, (n) => {
      if (n.type === 'func_literal') return false;
      if (n.type !== 'continue_statement' || !f.loop || !continuesLoop(n, f.loop)) return;
      const el = f.g.elementOf(n);
      if (el && sol.before(el) === true) {
        drops.push({ how: 'continue', ...where(n) });
        found = true;
      }
    });
    if (!found) drops.push({ how: 'end', ...where(f.end) });
  }
  return drops;
}

/**
 * A nested `select` that offers the answer (`case r.reply <- v:`) and otherwise does not wait (a
 * `default`, a timer): a caller that waits for the answer gets it, so the select counts as one.
 */
function answersOrGivesUpEarly(facts: FileFacts, select: Node, decl: Holder): boolean {
  let answers = false;
  let others = true;
  for (const c of selectCases(select)) {
    if (c.type === 'default_case') continue;
    const comm = c.childForFieldName('communication');
    let answer = false;
    if (comm?.type === 'send_statement') {
      walk(comm.childForFieldName('channel')!, (n) => {
        if (n.type === 'identifier' && isMention(facts, n, decl) && classify(n).answer !== undefined) answer = true;
      });
    }
    if (answer) answers = true;
    else if (!/^(time\.After\(|[\w.]*\.C$)/.test(caseReceive(c)?.channel.text ?? '')) others = false;
  }
  return answers && others;
}

function where(n: Node): { line: number; start: number; end: number } {
  return { line: n.startPosition.row + 1, start: n.startIndex, end: n.endIndex };
}

/** `loop` is the one a `continue` goes on with (its innermost loop, or the loop its label names). */
function continuesLoop(cont: Node, loop: Node): boolean {
  const label = cont.namedChild(0)?.text;
  if (label) return loop.parent?.type === 'labeled_statement' && loop.parent.namedChild(0)?.text === label;
  for (let p = cont.parent; p; p = p.parent) {
    if (p.type === 'func_literal') return false;
    if (p.type === 'for_statement') return p.id === loop.id;
  }
  return false;
}

/** `flag` or `!flag` as a whole condition: the flag's identifier. */
function flagOf(cond: Node): Node | undefined {
  let c = cond;
  while (c.type === 'parenthesized_expression' && c.namedChild(0)) c = c.namedChild(0)!;
  if (c.type === 'unary_expression' && c.childForFieldName('operator')?.text === '!') return flagOf(c.childForFieldName('operand')!);
  return c.type === 'identifier' ? c : undefined;
}

/**
 * A boolean the case itself sets to a constant (`resync = true` before a `break`): a branch on it
 * follows the path that set it, which this model does not track, so the branch counts as unknown.
 */
function flagSetIn(facts: FileFacts, id: Node, c: Node): boolean {
  const decl = facts.lookup(id.text, id)?.decl;
  if (!decl) return false;
  let set = false;
  walk(c, (n) => {
    if (set) return false;
    if (n.type !== 'assignment_statement' && n.type !== 'short_var_declaration' && n.type !== 'var_spec') return;
    const left = n.type === 'var_spec' ? n.childrenForFieldName('name') : n.childForFieldName('left')?.namedChildren ?? [];
    const right = n.type === 'var_spec' ? n.childForFieldName('value')?.namedChildren ?? [] : n.childForFieldName('right')?.namedChildren ?? [];
    left.forEach((l, i) => {
      const v = right[i];
      if (l && v && l.type === 'identifier' && l.text === id.text && (v.type === 'true' || v.type === 'false') && facts.lookup(l.text, l)?.decl === decl) set = true;
    });
  });
  return set;
}

/**
 * A `break` of the scope that the request reaches unanswered and that leaves the loop: a labelled
 * one (in a select case, a plain break only ends the select), or with `breaks: 'any'` one whose
 * innermost breakable statement is the loop.
 */
function leavingBreak(c: Node, f: Frame, sol: Solution<boolean>): Node | undefined {
  let found: Node | undefined;
  if (!f.head) return undefined;
  walk(c, (n) => {
    if (found || n.type === 'func_literal') return false;
    if (n.type !== 'break_statement') return;
    if (!n.namedChild(0) && (f.breaks === 'labelled' || !f.loop || innermostBreakable(n)?.id !== f.loop.id)) return;
    const el = f.g.elementOf(n);
    if (el && sol.before(el) === true) found = n;
  });
  return found;
}

/** The statement a plain `break` ends: its innermost `for`, `switch` or `select`. */
export function innermostBreakable(brk: Node): Node | undefined {
  for (let p = brk.parent; p; p = p.parent) {
    if (FUNCTION_TYPES.has(p.type)) return undefined;
    if (/^(for_statement|expression_switch_statement|type_switch_statement|select_statement)$/.test(p.type)) return p;
  }
  return undefined;
}

/** The closing brace of a body, as the place a function runs off its end. */
function lastLine(body: Node): Node {
  return body.lastChild ?? body;
}

function isMention(facts: FileFacts, id: Node, decl: Holder): boolean {
  if (id.text !== decl.name || id.id === decl.node.id) return false;
  const found = facts.lookup(id.text, id);
  return (found?.decl ?? found?.param) === decl;
}

function insideClosure(n: Node, top: Node): boolean {
  for (let p = n.parent; p && p.id !== top.id; p = p.parent) if (p.type === 'func_literal') return true;
  return false;
}

/**
 * How one mention of the request is used: `answer` names what it sends on or closes ('' for the
 * request itself, the field otherwise); `read` names a field it only reads; `arg` is its position
 * among the arguments of a call it is passed to. None: anything else.
 */
function classify(id: Node): { answer?: string; read?: string; arg?: number } {
  let e: Node = id;
  while (e.parent?.type === 'parenthesized_expression') e = e.parent;
  const p = e.parent;
  if (p?.type === 'selector_expression' && p.childForFieldName('operand')?.id === e.id) {
    const field = p.childForFieldName('field')?.text ?? '';
    let s: Node = p;
    while (s.parent?.type === 'parenthesized_expression') s = s.parent;
    const sp = s.parent;
    if (isChannelOf(s, sp)) return sp?.type === 'unary_expression' ? {} : { answer: field };
    // A method of the request (`r.respond(v)`) or a field called as a callback.
    if (sp?.type === 'call_expression' && sp.childForFieldName('function')?.id === s.id) return {};
    // The left side of an assignment changes the request, which someone else may look at.
    if (sp?.type === 'expression_list' && sp.parent?.type === 'assignment_statement' && sp.parent.childForFieldName('left')?.id === sp.id) return {};
    if (sp?.type === 'unary_expression' && sp.childForFieldName('operator')?.text === '&') return {};
    return { read: field };
  }
  if (isChannelOf(e, p)) return p?.type === 'unary_expression' ? {} : { answer: '' };
  // An argument of a call (`s.handle(r)`, `handle(&r)`): the callee may answer it.
  const passed = argCall(id);
  if (passed) return { arg: passed.index };
  return {};
}

/** The call a mention is an argument of, itself or its address (`f(r)`, `f(&r)`), and its position. */
function argCall(id: Node): { call: Node; index: number } | undefined {
  let e: Node = id;
  while (e.parent?.type === 'parenthesized_expression') e = e.parent;
  if (e.parent?.type === 'unary_expression' && e.parent.childForFieldName('operator')?.text === '&') e = e.parent;
  const p = e.parent;
  if (p?.type !== 'argument_list' || p.parent?.type !== 'call_expression') return undefined;
  return { call: p.parent, index: p.namedChildren.findIndex((x) => x.id === e.id) };
}

/** `x <- v` (x the channel), `close(x)`, `<-x`. */
function isChannelOf(x: Node, p: Node | null): boolean {
  if (!p) return false;
  if (p.type === 'send_statement') return p.childForFieldName('channel')?.id === x.id;
  if (p.type === 'unary_expression') return p.childForFieldName('operator')?.text === '<-' && p.childForFieldName('operand')?.id === x.id;
  if (p.type === 'argument_list' && p.parent) {
    const parts = callParts(p.parent);
    return parts?.name === 'close' && !parts.receiver && callArgs(p.parent).length === 1 && callArgs(p.parent)[0].id === x.id;
  }
  return false;
}
