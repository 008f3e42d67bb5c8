import type { FileFacts } from '../model/facts';
import { calleeKey, isTimerCall, type PackageView } from '../model/package';
import { cfgOf } from '../model/paths';
import { reaches } from '../model/dataflow';
import type { Element } from '../model/cfg';
import type { Node } from '../syntax/parser';
import type { Fix, Rule } from '../findings/rule';
import { eol, indentAt, replaceNode, standsAlone } from '../findings/edits';
import { ancestor, blockStatements, callArgs, callParts, contains, descendants, descendantsNaming, enclosingFunction, excerpt, lineOf, pathKey, unparen } from '../syntax/nodes';
import { onFailingTestPath } from '../model/noreturn';
import { caseStatements, setOnlyToTrue } from '../model/flow';

export const rule: Rule = {
  id: 'timer-drain-deadlock',
  title: 'Timer drained after its value was already received',
  severity: 'warning',
  category: 'channel',
  docs: {
    summary:
      '`if !t.Stop() { <-t.C }` runs on a path where the timer has already fired and its value was received (a `case <-t.C` of a select, without `Reset` since): `Stop` returns false and the receive waits forever.',
    why:
      '`t.Stop()` returns false when the timer has already fired (or was stopped). The drain idiom then receives the value the timer sent, ' +
      'which is only there if nobody has taken it yet. In a loop that also waits on `case <-t.C:`, the value is usually gone: the select ' +
      'took it, and nothing has re-armed the timer since. The next drain finds `Stop` false and waits on a channel nothing will ever send on, ' +
      'so the goroutine hangs, holding whatever it holds. Since Go 1.23 a timer whose value was not received reports true from `Stop`, which ' +
      'makes the blocking drain wrong on every path where it runs at all. A non-blocking drain (`select` with `default`) is right on every version.',
    interleaving: [
      'The loop waits in a select; the timer fires and `case <-t.C:` receives its value.',
      'The loop goes round; this time a message arrives and its case calls `if !t.Stop() { <-t.C }` to re-arm the timer.',
      '`t.Stop()` returns false (the timer already fired), so `<-t.C` runs; the value was taken in the first step, and nothing is sent again.',
      'The goroutine is blocked forever.',
    ],
    bad: `func (b *batcher) run() {
	t := time.NewTimer(b.every)
	for {
		select {
		case <-t.C:
			b.flush()
		case m := <-b.in:
			b.add(m)
			if !t.Stop() {
				<-t.C // blocks forever after the case above has run
			}
			t.Reset(b.every)
		}
	}
}`,
    good: `func (b *batcher) run() {
	t := time.NewTimer(b.every)
	for {
		select {
		case <-t.C:
			b.flush()
		case m := <-b.in:
			b.add(m)
			if !t.Stop() {
				select {
				case <-t.C:
				default:
				}
			}
			t.Reset(b.every)
		}
	}
}`,
    fixes:
      '**Drain without blocking** replaces `<-t.C` with `select { case <-t.C: default: }`: it takes a value the timer sent and nobody ' +
      'received (what the drain is for before Go 1.23) and goes on when there is none. It changes nothing else, so fix-all applies it.',
  },
  check(ctx) {
    const file = ctx.file;
    if (!file.text.includes('.Stop()') || !file.text.includes('.C')) return;
    for (const drain of drains(file)) {
      const found = receivedBefore(file, ctx.package, drain);
      if (!found) continue;
      const { timer, recv } = drain;
      const first = found[0];
      ctx.report({
        node: recv,
        message: `\`<-${excerpt(timer, 24)}.C\` blocks forever after \`${excerpt(timer, 24)}.C\` was received at line ${lineOf(first)}: \`Stop()\` returned false and no value follows`,
        related: found.map((r) => ({ span: { start: r.startIndex, end: r.endIndex }, message: `the timer's value is received here, and nothing re-arms \`${timer}\` on the way to the drain` })),
        steps: [
          `The timer fires and \`${first.text}\` (line ${lineOf(first)}) receives its value.`,
          `Without a \`${timer}.Reset\` on the way, \`${timer}.Stop()\` (line ${lineOf(drain.cond)}) returns false.`,
          `\`<-${timer}.C\` (line ${lineOf(recv)}) waits for a value that was already taken: the goroutine blocks forever.`,
        ],
        fixes: drainFix(file, drain),
        // A test that reached the drain through a failure (`case <-t.C: t.Error("timeout")`) has failed already; it hangs instead of ending.
        ...(found.every((r) => onFailingTestPath(file, r)) ? { severity: 'info' as const } : {}),
      });
    }
  },
};

interface Drain {
  /** The timer's path: `t`, `s.timer`. */
  timer: string;
  /** The `!t.Stop()` condition. */
  cond: Node;
  /** The blocking `<-t.C` expression in its body. */
  recv: Node;
  /** Its expression statement. */
  stmt: Node;
}

/** Text of a declaration that may call a timer's Stop. */
const STOP_CALL = /\.\s*Stop\s*\(\s*\)/;

/** Every `if !t.Stop() { <-t.C }` of the file whose receive blocks (not a select case). */
function drains(file: FileFacts): Drain[] {
  const out: Drain[] = [];
  for (const s of descendantsNaming(file.root, STOP_CALL, 'if_statement')) {
    const cond = s.childForFieldName('condition');
    const not = cond ? unparen(cond) : undefined;
    if (not?.type !== 'unary_expression' || not.childForFieldName('operator')?.text !== '!') continue;
    const call = unparen(not.childForFieldName('operand')!);
    const parts = callParts(call);
    if (parts?.name !== 'Stop' || !parts.receiver || callArgs(call).length > 0) continue;
    const body = s.childForFieldName('consequence');
    for (const stmt of blockStatements(body)) {
      if (stmt.type !== 'expression_statement') continue;
      const e = stmt.namedChild(0);
      if (e && isReceiveFrom(e, parts.receiver)) out.push({ timer: parts.receiver, cond: cond!, recv: e, stmt });
    }
  }
  return out;
}

/** `<-t.C` for the timer path `timer`. */
function isReceiveFrom(e: Node, timer: string): boolean {
  const n = unparen(e);
  return n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '<-' && pathKey(n.childForFieldName('operand')) === `${timer}.C`;
}

/**
 * The receives of `t.C` in the drain's function from which some path reaches the drain with no
 * `Reset`, new timer or earlier drain in between; undefined when there is none. A drain in a
 * deferred function literal runs at the function's exit.
 */
function receivedBefore(file: FileFacts, view: PackageView, drain: Drain): Node[] | undefined {
  let fn = enclosingFunction(drain.stmt);
  let atExit = false;
  const lit = fn?.type === 'func_literal' ? fn : undefined;
  if (lit) {
    const call = lit.parent?.type === 'call_expression' ? lit.parent : undefined;
    if (call?.parent?.type !== 'defer_statement') return undefined;
    fn = enclosingFunction(call);
    atExit = true;
  }
  const g = fn && cfgOf(file, fn);
  if (!g) return undefined;
  const receives = descendants(g.body, 'unary_expression', true).filter((r) => isReceiveFrom(r, drain.timer) && r.id !== drain.recv.id);
  const gens = new Map<string, Node>();
  for (const r of receives) {
    const el = g.elementOf(r);
    if (el) gens.set(key(el), r);
  }
  if (gens.size === 0) return undefined;
  const drainEl = atExit ? undefined : g.elementOf(drain.cond);
  if (!atExit && !drainEl) return undefined;
  const kill = (el: Element) => el.kind !== 'head' && el.kind !== 'select' && rearms(file, view, el.node, drain.timer);
  // Which receives reach the drain: ask once per receive, so the related lines name only those.
  const found: Node[] = [];
  const flag = atExit ? undefined : skippedByFlag(file, fn!, drain);
  for (const [k, r] of gens) {
    const sol = reaches(g, (el) => key(el) === k, kill, 'may');
    let fact = atExit ? sol?.blockIn(g.exit) : drainEl && sol?.before(drainEl);
    // A receive whose case sets the flag that skips the drain reaches it only through the flag's
    // declaration, which makes it false again: then from there on.
    if (fact && flag && flag.setters.some((c) => contains(c, r))) {
      const declEl = g.elementOf(flag.decl);
      const fromDecl = declEl ? reaches(g, (el) => el === declEl, kill, 'may') : undefined;
      fact = !!declEl && !!sol?.before(declEl) && !!drainEl && !!fromDecl?.before(drainEl);
    }
    if (fact) found.push(r);
  }
  return found.length > 0 ? found : undefined;
}

/**
 * The drain sits where a local flag is false (`if expired { ... } else { if !t.Stop() { <-t.C } }`),
 * the flag is declared false (`expired := false`, `var expired bool`), and every assignment to it
 * is `expired = true` in a select case: the cases that set it, and its declaration (Xray's DNS
 * tunnel client sets `pollTimerExpired` in the case that receives from the timer).
 */
function skippedByFlag(file: FileFacts, fn: Node, drain: Drain): { decl: Node; setters: Node[] } | undefined {
  for (let child = drain.cond.parent!, p = child.parent; p && p.id !== fn.id; child = p, p = p.parent) {
    if (p.type !== 'if_statement') continue;
    const c = unparen(p.childForFieldName('condition')!);
    let flag: Node | undefined;
    if (c.type === 'identifier' && p.childForFieldName('alternative')?.id === child.id) flag = c;
    else if (c.type === 'unary_expression' && c.childForFieldName('operator')?.text === '!' && p.childForFieldName('consequence')?.id === child.id) flag = unparen(c.childForFieldName('operand')!);
    if (flag?.type !== 'identifier') continue;
    const decl = file.lookup(flag.text, flag)?.decl;
    // Each set of the flag is a statement of a select case.
    const setters = setOnlyToTrue(file, fn, flag)?.map((a) => {
      const inCase = ancestor(a, 'communication_case');
      return inCase && caseStatements(inCase).some((st) => st.id === a.id) ? inCase : undefined;
    });
    return decl && setters?.every((x) => x !== undefined) ? { decl: decl.statement, setters: setters as Node[] } : undefined;
  }
  return undefined;
}

function key(el: Element): string {
  return `${el.block}:${el.index}`;
}

/**
 * True when the element may re-arm or replace the timer: `t.Reset(...)`, `t = time.NewTimer(...)`,
 * another drain, or a call to a function of the package that might do one of those (its body
 * touches a timer, or the package view does not show it).
 */
function rearms(file: FileFacts, view: PackageView, node: Node, timer: string): boolean {
  for (const call of [node, ...descendants(node, 'call_expression', true)]) {
    if (call.type !== 'call_expression') continue;
    const parts = callParts(call);
    if (parts?.receiver === timer && (parts.name === 'Reset' || parts.name === 'Stop')) return true;
    const target = file.resolveCall(call)?.target;
    if (target?.body && descendants(target.body, 'call_expression').some(isTimerCall)) return true;
    // A function of the package in another file: its summary says; one the package view does not have may do anything.
    const callee = !target ? calleeKey(file, call) : undefined;
    if (callee && !BUILTINS.has(callee) && (view.func(callee)?.touchesTimers ?? true)) return true;
  }
  for (const a of [node, ...descendants(node, new Set(['assignment_statement', 'short_var_declaration']), true)]) {
    if (a.type !== 'assignment_statement' && a.type !== 'short_var_declaration') continue;
    const left = a.childForFieldName('left');
    if (left?.namedChildren.some((x) => x && pathKey(x) === timer)) return true;
  }
  return false;
}

/** Go's predeclared functions: known, and none of them touches a timer. */
const BUILTINS = new Set(['append', 'cap', 'clear', 'close', 'complex', 'copy', 'delete', 'imag', 'len', 'make', 'max', 'min', 'new', 'panic', 'print', 'println', 'real', 'recover']);

function drainFix(file: FileFacts, drain: Drain): Fix[] {
  const source = file.source;
  const indent = indentAt(source, drain.stmt.startIndex);
  if (!standsAlone(source, drain.stmt)) return [];
  const nl = eol(source);
  const text = ['select {', `case <-${drain.timer}.C:`, 'default:', '}'].join(nl + indent);
  return [{ title: 'Drain without blocking', edits: [replaceNode(drain.stmt, text)], safe: true }];
}
