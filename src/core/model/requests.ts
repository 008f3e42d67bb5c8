/**
 * Requests a serving loop takes and answers. In `case r := <-s.reqc: ...; r.reply <- v` the
 * caller that sent `r` waits on `r.reply`; a path of the case that leaves the loop, or goes round
 * to the next request, without answering leaves that caller waiting for good. This module finds
 * those paths on the loop function's control-flow graph, once per summary, as plain data.
 */
import type { FileFacts, FuncInfo, VarDecl } from './facts';
import type { Node } from '../syntax/parser';
import { callArgs, callParts, caseReceive, selectCases, walk } from '../syntax/nodes';
import { cfgOf } from './paths';
import { reaches, type Solution } from './dataflow';
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
}

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
export function requestUse(facts: FileFacts, fn: FuncInfo, select: Node, c: Node): RequestUse | undefined {
  const comm = c.childForFieldName('communication');
  const left = caseReceive(c)?.left ?? [];
  const bound = left[0];
  if (!comm || !bound || bound.type !== 'identifier' || bound.text === '_') return undefined;
  const decl = facts.lookup(bound.text, bound)?.decl;
  if (!decl || decl.node.id !== bound.id) return undefined;
  const okDecl = left[1]?.type === 'identifier' ? facts.lookup(left[1].text, left[1])?.decl : undefined;
  const g = cfgOf(facts, fn.node);
  const commEl = g?.elementOf(comm);
  const selectEl = g?.elementOf(select);
  if (!g || !commEl || !selectEl || commEl.kind !== 'comm' || selectEl.kind !== 'select') return undefined;

  const answers = new Set<string>();
  walk(c, (n) => {
    if (n.type === 'identifier' && isMention(facts, n, decl)) {
      const use = classify(n);
      if (use.answer !== undefined) answers.add(use.answer);
    }
  });
  if (answers.size === 0) return { answers: [], reads: [], drops: [] };

  const reads = new Map<Element, string[]>();
  const killed = new Map<Element, boolean>();
  const kills = (el: Element): boolean => {
    let k = killed.get(el);
    if (k !== undefined) return k;
    k = false;
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
          if (use.read === undefined || el.kind === 'cond' || el.kind === 'value' || insideClosure(n, el.node)) k = true;
          else fields.push(use.read);
        }
      });
    }
    killed.set(el, k);
    reads.set(el, fields);
    return k;
  };
  const sol = reaches(g, (el) => el === commEl, (el) => el === selectEl || kills(el), 'may');
  if (!sol) return undefined;

  const drops: Drop[] = [];
  for (const rp of g.returnPoints) {
    if (sol.blockOut(rp.block) !== true) continue;
    if (rp.node) drops.push({ how: 'return', ...where(rp.node) });
    else drops.push({ how: 'return', ...where(labelledBreak(c, g, sol) ?? lastLine(fn.body!)) });
  }
  if (sol.before(selectEl) === true) {
    let found = false;
    walk(c, (n) => {
      if (n.type === 'func_literal') return false;
      if (n.type !== 'continue_statement' || !continuesLoop(n, select)) return;
      const el = g.elementOf(n);
      if (el && sol.before(el) === true) {
        drops.push({ how: 'continue', ...where(n) });
        found = true;
      }
    });
    if (!found) drops.push({ how: 'end', ...where(comm) });
  }
  // The fields read on the way: those of every element the request reaches unanswered.
  const read = new Set<string>();
  for (const [el, fields] of reads) if (sol.before(el) === true && !killed.get(el)) for (const f of fields) read.add(f);
  return { answers: [...answers], reads: [...read], drops };
}

/**
 * A nested `select` that offers the answer (`case r.reply <- v:`) and otherwise does not wait (a
 * `default`, a timer): a caller that waits for the answer gets it, so the select counts as one.
 */
function answersOrGivesUpEarly(facts: FileFacts, select: Node, decl: VarDecl): boolean {
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

/** The serving loop is the one a `continue` goes on with (its innermost loop, or the loop its label names). */
function continuesLoop(cont: Node, select: Node): boolean {
  let loop: Node | undefined;
  for (let p = select.parent; p; p = p.parent) if (p.type === 'for_statement') { loop = p; break; }
  const label = cont.namedChild(0)?.text;
  if (label) return loop?.parent?.type === 'labeled_statement' && loop.parent.namedChild(0)?.text === label;
  for (let p = cont.parent; p; p = p.parent) {
    if (p.type === 'func_literal') return false;
    if (p.type === 'for_statement') return p.id === loop?.id;
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

/** A `break label` of the case that the request reaches unanswered: where it leaves the loop. */
function labelledBreak(c: Node, g: Cfg, sol: Solution<boolean>): Node | undefined {
  let found: Node | undefined;
  walk(c, (n) => {
    if (found || n.type === 'func_literal') return false;
    if (n.type !== 'break_statement' || !n.namedChild(0)) return;
    const el = g.elementOf(n);
    if (el && sol.before(el) === true) found = n;
  });
  return found;
}

/** The closing brace of a body, as the place a function runs off its end. */
function lastLine(body: Node): Node {
  return body.lastChild ?? body;
}

function isMention(facts: FileFacts, id: Node, decl: VarDecl): boolean {
  if (id.text !== decl.name || id.id === decl.node.id) return false;
  return facts.lookup(id.text, id)?.decl === decl;
}

function insideClosure(n: Node, top: Node): boolean {
  for (let p = n.parent; p && p.id !== top.id; p = p.parent) if (p.type === 'func_literal') return true;
  return false;
}

/**
 * How one mention of the request is used: `answer` names what it sends on or closes ('' for the
 * request itself, the field otherwise); `read` names a field it only reads. Neither: anything else.
 */
function classify(id: Node): { answer?: string; read?: string } {
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
  return {};
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
