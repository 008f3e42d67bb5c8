import { condLockers, condTarget, condWaitLoops, outerFunction, type CondWaitInLoop } from '../model/conds';
import { isDoneCall } from '../model/context';
import { closureRun, isCondValue, type FileFacts, type FuncInfo } from '../model/facts';
import type { PackageView } from '../model/package';
import type { Fix, Rule } from '../findings/rule';
import { eol, indentAt, replaceNode, standsAlone } from '../findings/edits';
import { EVERYWHERE, FUNCTION_TYPES, blockStatements, callArgs, callParts, caseReceive, descendants, lineOf, quote, receivedChannel, unparen, walk } from '../syntax/nodes';
import type { Node } from '../syntax/parser';

export const rule: Rule = {
  id: 'cond-broadcast-without-lock',
  title: 'sync.Cond woken on cancellation without its lock',
  severity: 'warning',
  severityInTests: 'info',
  category: 'mutex',
  docs: {
    summary:
      'A goroutine waits for `ctx.Done()` and then calls `c.Broadcast()` (or `Signal`) without holding `c.L`, while a `for` loop on another goroutine checks that same context and calls `c.Wait()`: a waiter that has just seen the context alive can miss the wakeup and sleep on after the cancellation.',
    why:
      'A `sync.Cond` wakes only the goroutines already asleep in `Wait`. A waiter checks its condition and goes to sleep while holding `c.L`, ' +
      'so a change made under `c.L` falls either before the check or after the waiter is asleep. A context is cancelled under no lock of yours: ' +
      'when a helper goroutine turns `<-ctx.Done()` into `c.Broadcast()` without taking `c.L`, the broadcast can land between the waiter\'s ' +
      '`ctx.Err()` check and its `Wait`. Nobody is asleep yet, so the wakeup is lost, and the waiter sleeps until some unrelated broadcast, ' +
      'or forever if none comes (a paused worker, a drained queue). Taking `c.L` around the broadcast orders it after the waiter is asleep.',
    interleaving: [
      'The waiter locks `c.L`, finds `ctx.Err() == nil` and is about to call `c.Wait()`.',
      'The context is cancelled; the helper goroutine wakes from `<-ctx.Done()` and calls `c.Broadcast()`: nobody is asleep yet.',
      'The waiter calls `Wait` and sleeps; the cancellation it waits for has already happened, and nothing wakes it again.',
    ],
    bad: `func (q *Queue) Take(ctx context.Context) (Item, error) {
	go func() {
		<-ctx.Done()
		q.cond.Broadcast() // without q.mu: the waiter below can miss it
	}()
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		if err := ctx.Err(); err != nil {
			return Item{}, err
		}
		q.cond.Wait()
	}
	it := q.items[0]
	q.items = q.items[1:]
	return it, nil
}`,
    good: `// Take starts it with go q.wakeOnCancel(ctx). Under q.mu, the waiter is
// either asleep in Wait or has not checked ctx yet: it cannot miss the wakeup.
func (q *Queue) wakeOnCancel(ctx context.Context) {
	<-ctx.Done()
	q.mu.Lock()
	q.cond.Broadcast()
	q.mu.Unlock()
}`,
    fixes:
      '**Broadcast under the cond\'s lock** puts `c.L.Lock()` and `c.L.Unlock()` around the call. It is offered when the file shows the cond ' +
      'made with the address of a mutex (`sync.NewCond(&q.mu)`), so `c.L.Lock()` excludes the waiter (a cond made with `RLocker()` would ' +
      'take a read lock, which does not). Not applied by fix-all: the goroutine now waits for the lock, which a holder that waits for ' +
      'this goroutine would turn into a deadlock.',
  },
  check(ctx) {
    const file = ctx.file;
    if (!file.text.includes('.Wait()') || !file.text.includes('.Done()') || !/\.(Broadcast|Signal)\(\s*\)/.test(file.text)) return;
    const view = ctx.package;
    const waits = condWaits(file, view);
    const checking = waits.filter((w) => w.checksContext);
    if (checking.length === 0) return;
    // The waits come from other declarations' bodies: when one of those is in focus, look everywhere.
    const inFocus = waits.some((w) => ctx.inFocus(w.fn.node)) ? EVERYWHERE : ctx.inFocus;
    const lockers = condLockers(file);
    for (const call of descendants(file.root, 'call_expression')) {
      const parts = callParts(call);
      if ((parts?.name !== 'Broadcast' && parts?.name !== 'Signal') || !parts.receiverNode || callArgs(call).length > 0 || !inFocus(call)) continue;
      const lit = file.functionOf(call);
      // A literal that may run on the waiter's own goroutine (handed to a call) is left alone.
      if (!lit?.body || (lit.kind === 'literal' && closureRun(file, lit.node).how !== 'go')) continue;
      const fn = outerFunction(file, call);
      const cond = fn ? condTarget(file, view, fn, parts.receiverNode, call) : undefined;
      const trigger = cancellationBefore(lit, call);
      // The waiter must check the very context whose cancellation the goroutine waits for.
      const ctxVar = trigger ? doneReceiver(trigger) : undefined;
      const waiter = cond && ctxVar && fn ? checking.find((w) => w.cond === cond && sameContext(file, fn, ctxVar, w)) : undefined;
      if (!waiter || !trigger || locksBefore(lit, call)) continue;
      const recv = parts.receiverNode.text;
      const who = waiter.fn.name ? `\`${waiter.fn.name}\`` : `the waiter at line ${lineOf(waiter.wait)}`;
      ctx.report({
        node: call,
        message: `\`${quote(call, 28)}\` runs on cancellation without holding \`${recv}.L\`: ${who} can check the context, miss this wakeup and sleep on`,
        related: [
          { span: { start: waiter.check.startIndex, end: waiter.check.endIndex }, message: `${who} checks the context here, holding \`${recv}.L\`` },
          { span: { start: waiter.wait.startIndex, end: waiter.wait.endIndex }, message: 'and then sleeps here, where only a later wakeup reaches it' },
          { span: { start: trigger.startIndex, end: trigger.endIndex }, message: 'the wakeup follows the cancellation, which no lock orders' },
        ],
        steps: [
          `A goroutine in ${who} holds \`${recv}.L\`, checks \`${quote(waiter.check, 32)}\` (line ${lineOf(waiter.check)}): the context is still alive.`,
          `The context is cancelled; ${lit.kind === 'literal' ? `the goroutine at line ${lineOf(lit.node)}` : `\`${lit.name}\``} wakes from \`${quote(trigger, 24)}\` and calls \`${quote(call)}\` (line ${lineOf(call)}) without the lock: nobody is asleep yet.`,
          `The waiter reaches \`${quote(waiter.wait)}\` (line ${lineOf(waiter.wait)}) and sleeps for a cancellation that has already happened.`,
        ],
        fixes: cond && lockers.has(cond) ? lockFix(file, call, recv) : [],
      });
    }
  },
};

interface CondWait extends CondWaitInLoop {
  /** True when the loop around the wait checks a context (`ctx.Err()`, `<-ctx.Done()`). */
  checksContext: boolean;
  /** The check, when there is one; the wait otherwise. */
  check: Node;
}

/** Every `c.Wait()` of the file inside a `for` loop, with whether the loop checks a context. */
function condWaits(file: FileFacts, view: PackageView): CondWait[] {
  return condWaitLoops(file, view).map((w) => {
    const check = contextCheck(w.loop);
    return { ...w, checksContext: check !== undefined, check: check ?? w.wait };
  });
}

/**
 * `X.Err()` or `X.Done()` in the loop's condition or body (nested functions left out): checked
 * under the cond's lock before each `Wait` but the first, and before the first too when it comes
 * first in the loop.
 */
function contextCheck(loop: Node): Node | undefined {
  let found: Node | undefined;
  walk(loop, (n) => {
    if (found) return false;
    if (FUNCTION_TYPES.has(n.type)) return false;
    if (n.type !== 'call_expression') return;
    if (isDoneCall(n) || (callParts(n)?.name === 'Err' && callParts(n)?.receiver !== undefined && callArgs(n).length === 0)) found = n;
  });
  return found;
}

/**
 * What the goroutine waited for before the wakeup, when it is a cancellation: `<-ctx.Done()` as a
 * statement before it in the function's body, or the `case <-ctx.Done():` whose body holds it.
 * The receive expression.
 */
function cancellationBefore(lit: FuncInfo, call: Node): Node | undefined {
  for (let p: Node | null = call.parent; p && p.id !== lit.node.id; p = p.parent) {
    if (p.type === 'communication_case') {
      const channel = caseReceive(p)?.channel;
      return channel && isDoneCall(channel) ? channel.parent ?? undefined : undefined;
    }
  }
  for (const s of blockStatements(lit.body)) {
    if (s.startIndex >= call.startIndex) break;
    const channel = s.type === 'expression_statement' ? receivedChannel(s.namedChild(0)) : undefined;
    if (channel && isDoneCall(channel)) return channel.parent ?? undefined;
  }
  return undefined;
}

/** The `ctx` of `<-ctx.Done()`, when it is a plain identifier. */
function doneReceiver(receive: Node): Node | undefined {
  const channel = receivedChannel(receive);
  const recv = channel ? callParts(unparen(channel))?.receiverNode : undefined;
  return recv && unparen(recv).type === 'identifier' ? unparen(recv) : undefined;
}

/**
 * The waiter checks the context `ctx` names in `fn`: the same variable, or a parameter of the
 * waiting function that `fn` passes `ctx` to (`return h.waitWhilePaused(ctx)`).
 */
function sameContext(file: FileFacts, fn: FuncInfo, ctx: Node, w: CondWait): boolean {
  const checked = w.check.type === 'call_expression' ? callParts(w.check)?.receiverNode : undefined;
  if (!checked || unparen(checked).type !== 'identifier') return false;
  const mine = file.lookup(ctx.text, ctx);
  const theirs = file.lookup(checked.text, checked);
  const declOf = (x: typeof mine) => x?.decl?.node ?? x?.param?.node;
  if (!declOf(mine) || !declOf(theirs)) return false;
  if (declOf(mine)!.id === declOf(theirs)!.id) return true;
  // Passed down: a call in fn of the waiting function with ctx at the index of the checked parameter.
  const index = theirs!.param && theirs!.fn?.node.id === w.fn.node.id ? w.fn.params.indexOf(theirs!.param) : -1;
  if (index < 0 || !fn.body) return false;
  return descendants(fn.body, 'call_expression').some((c) => {
    const target = file.resolveCall(c)?.target;
    const arg = callArgs(c)[index];
    return target?.node.id === w.fn.node.id && arg !== undefined && unparen(arg).type === 'identifier' && declOf(file.lookup(unparen(arg).text, arg))?.id === declOf(mine)!.id;
  });
}

/** A lock taken in the function before the wakeup (`mu.Lock()`, `c.L.Lock()`, a helper named like one): it may be the cond's. */
function locksBefore(lit: FuncInfo, call: Node): boolean {
  let found = false;
  walk(lit.body!, (n) => {
    if (found || n.startIndex >= call.startIndex) return false;
    if (n.type !== 'call_expression') return;
    const name = callParts(n)?.name ?? '';
    if (/^(Lock|RLock|TryLock|lock|rlock)$|Lock$|^lock/.test(name)) found = true;
  });
  return found;
}

/** `c.L.Lock(); c.Broadcast(); c.L.Unlock()` on three lines, for a statement alone on its line. */
function lockFix(file: FileFacts, call: Node, recv: string): Fix[] {
  const stmt = call.parent?.type === 'expression_statement' ? call.parent : undefined;
  const value = call.childForFieldName('function')?.childForFieldName('operand');
  if (!stmt || stmt.parent?.type !== 'statement_list' || !standsAlone(file.source, stmt) || !value || !isCondValue(file, value)) return [];
  const nl = eol(file.source);
  const indent = indentAt(file.source, stmt.startIndex);
  const text = [`${recv}.L.Lock()`, stmt.text, `${recv}.L.Unlock()`].join(nl + indent);
  return [{ title: `Wake under the cond's lock (\`${recv}.L.Lock()\`)`, edits: [replaceNode(stmt, text)], safe: false }];
}
