import { certainUpTo, channelFocus, closedChannelTraces, deferStatement, lift, reassigned, recovers, resetBetween, runsBefore, startOf, type Body, type Lifted, type Trace, type Use } from '../model/channels';
import { closureRun, type FileFacts } from '../model/facts';
import { calleeKey, type OpKind, type PackageView } from '../model/package';
import type { Node } from '../syntax/parser';
import type { Report, Rule } from '../findings/rule';
import { FUNCTION_TYPES, callArgs, callParts, descendants, isMethodCall, lineOf, pathKey, quote } from '../syntax/nodes';
import { surelyFollows } from '../model/paths';

/** A helper doing one of these may hand the channel's value over (or wait for it): the close can be ordered by it. */
const HANDOFFS: ReadonlySet<OpKind> = new Set<OpKind>(['recv', 'send', 'Wait']);

export const rule: Rule = {
  id: 'send-after-close',
  title: 'Send on a channel that may already be closed',
  severity: 'error',
  category: 'channel',
  docs: {
    summary:
      'A send can run after `close` on the same channel: later on the same path, in a goroutine started after the close, or in a goroutine the closing function started and never waited for.',
    why:
      'Closing a channel promises that no more values will be sent; a send on a closed channel panics ("send on closed channel") ' +
      'and takes the program down. The close must come after the last send, which is easy on one goroutine and needs ' +
      'synchronisation across goroutines: the code that closes has to know that every sender is finished, by receiving their ' +
      'results, by `wg.Wait()`, or by being the only sender itself. Closing right after starting the senders, with nothing that ' +
      'waits for them, is a race that the senders usually lose under load.',
    interleaving: [
      'The function starts a goroutine that will send on `ch`.',
      'Without waiting for it, the function calls `close(ch)`.',
      'The goroutine reaches `ch <- v` on the closed channel and the program panics.',
    ],
    bad: `func squares(nums []int) <-chan int {
	out := make(chan int, len(nums))
	go func() {
		for _, n := range nums {
			out <- n * n
		}
	}()
	close(out) // the goroutine has not sent yet
	return out
}`,
    good: `func squares(nums []int) <-chan int {
	out := make(chan int, len(nums))
	go func() {
		defer close(out) // the only sender closes, after its last send
		for _, n := range nums {
			out <- n * n
		}
	}()
	return out
}`,
  },
  check(ctx) {
    const file = ctx.file;
    if (!/\bclose\(/.test(file.text) || !/<-/.test(file.text)) return;
    const reported = new Set<number>();
    for (const t of closedChannelTraces(file, channelFocus(file, ctx.inFocus))) {
      if (reassigned(file, t) || recovers(t)) continue;
      for (const r of findings(file, ctx.package, t)) {
        if (reported.has(r.key)) continue;
        reported.add(r.key);
        ctx.report(r.report);
      }
    }
  },
};

interface Op {
  use: Use;
  l: Lifted;
}

function span(n: Node) {
  return { start: n.startIndex, end: n.endIndex };
}

const PANIC = 'a send on a closed channel panics';

function findings(file: FileFacts, pkg: PackageView, t: Trace): { key: number; report: Report }[] {
  const out: { key: number; report: Report }[] = [];
  const lifted = (kind: 'close' | 'send') => t.uses.filter((u) => u.kind === kind).map((use) => ({ use, l: lift(use.body, use.op) }));
  const closes = lifted('close');
  const sends = lifted('send');
  for (const c of closes) {
    if (!certainUpTo(c)) continue;
    // On one goroutine: the send comes after the close on the same path.
    for (const s of sends) {
      if (c.l.deferred || s.l.deferred || s.l.thread !== c.l.thread || !certainUpTo(s)) continue;
      let x = c.l.at;
      let y = s.l.at;
      if (x.id === y.id) {
        if (c.use.body !== s.use.body) continue;
        x = c.use.op;
        y = s.use.op;
      }
      if (x.endIndex > y.startIndex || !(runsBefore(x, y) || surelyFollows(x, y)) || resetBetween(t, c, s)) continue;
      out.push({ key: s.use.op.id, report: samePath(c, s) });
    }
    if (c.l.thread !== t.root) continue;
    const closeAt = c.l.deferred ? deferStatement(c.l) : c.l.at;
    // Goroutines of the closing function that send.
    const racing: { s: Op; go: Node }[] = [];
    for (const s of sends) {
      if (s.l.thread === t.root || s.l.thread.how !== 'goroutine') continue;
      const start = startOf(s.l.thread);
      if (!start || start.thread !== t.root || start.deferred) continue;
      const go = start.at;
      if (!c.l.deferred && !start.looped && go.startIndex >= closeAt.endIndex && (runsBefore(closeAt, go) || surelyFollows(closeAt, go))) {
        out.push({ key: s.use.op.id, report: startedAfter(c, s, go) });
        continue;
      }
      // The goroutine is started on every run that reaches the close (or, for a deferred close, on a run that registers it).
      const before = c.l.deferred
        ? runsBefore(go, closeAt) || runsBefore(closeAt, go) || surelyFollows(closeAt, go) || surelyFollows(go, closeAt)
        : go.endIndex <= closeAt.startIndex && (runsBefore(go, closeAt) || surelyFollows(go, closeAt));
      if (before && unsynchronisedSender(s.l.thread, c.l.thread)) racing.push({ s, go });
    }
    if (racing.length === 0) continue;
    const from = Math.min(...racing.map((r) => windowStart(r.go, t.root)));
    const to = c.l.deferred ? t.root.fn.body!.endIndex : closeAt.startIndex;
    if (waitsBetween(file, pkg, t, from, to)) continue;
    out.push({ key: c.use.op.id, report: notWaited(c, racing[0].s, racing[0].go) });
  }
  return out;
}

/**
 * A sender whose safety the syntax cannot prove wrong is left alone: one counted by a WaitGroup
 * (close-before-wait judges those) or by a group of another library, one that recovers, one that
 * sends under a lock that the closing side takes too (the usual `closed` flag).
 */
function unsynchronisedSender(thread: Body, closer: Body): boolean {
  const calls = descendants(thread.fn.body!, 'call_expression');
  if (calls.some((c) => isMethodCall(c, 'Done') && callArgs(c).length === 0)) return false;
  // A group of another library: the goroutine leaves with `defer th.Done(err)`, and the closing
  // function calls `th` too (badger's `y.Throttle`: `th.Do()` per goroutine, `th.Finish()` before
  // the close). What those calls wait for is not in the package; the close may well wait.
  const closerCalls = descendants(closer.fn.body!, 'call_expression');
  const doneBy = calls.filter((c) => c.parent?.type === 'defer_statement' && isMethodCall(c, 'Done')).map((c) => callParts(c)!.receiver);
  if (doneBy.some((r) => r !== undefined && closerCalls.some((c) => callParts(c)?.receiver === r && callParts(c)?.name !== 'Done'))) return false;
  if (calls.some((c) => callParts(c)?.name === 'recover' && !callParts(c)?.receiver)) return false;
  const locks = (cs: Node[]) => cs.some((c) => isMethodCall(c, LOCKS));
  return !(locks(calls) && locks(closerCalls));
}

const LOCKS = new Set(['Lock', 'RLock']);

/** Where the closing function's window of possible synchronisation starts: the go statement, or the outermost loop around it (later rounds run code written before it). */
function windowStart(go: Node, root: Body): number {
  let start = go.endIndex;
  for (let p = go.parent; p && p.id !== root.fn.node.id; p = p.parent) {
    if (p.type === 'for_statement') start = p.startIndex;
    if (FUNCTION_TYPES.has(p.type)) break;
  }
  return start;
}

const SYNC_METHODS = new Set(['Wait', 'Lock', 'RLock']);

/**
 * True when the closing function does something between `from` and `to` that may wait for the
 * senders: a receive or send on any channel, a select, ranging over a channel, `Wait`/`Lock`,
 * passing the channel to a call, or calling a package function that receives, sends or waits.
 */
function waitsBetween(file: FileFacts, pkg: PackageView, t: Trace, from: number, to: number): boolean {
  const inWindow = (n: Node) => n.startIndex >= from && n.endIndex <= to;
  const types = new Set(['unary_expression', 'send_statement', 'select_statement', 'call_expression', 'range_clause']);
  // A function called in place, or handed to a call that may run it there (`assert.Eventually(t,
  // func() bool { select { case err = <-out: ... } })` in opentelemetry-go, not `go` or `g.Go`):
  // its receives and selects may wait too.
  const handed = descendants(t.root.fn.body!, 'func_literal').filter((n) => {
    if (!inWindow(n)) return false;
    const how = closureRun(file, n).how;
    return how === 'call' || (how === 'other' && n.parent?.type === 'argument_list');
  });
  if (handed.some((n) => descendants(n, new Set(['unary_expression', 'select_statement'])).some((x) => x.type === 'select_statement' || x.childForFieldName('operator')?.text === '<-'))) return true;
  for (const n of descendants(t.root.fn.body!, types, true)) {
    if (!inWindow(n)) continue;
    switch (n.type) {
      case 'unary_expression':
        if (n.childForFieldName('operator')?.text === '<-') return true;
        break;
      case 'send_statement':
      case 'select_statement':
        return true;
      case 'range_clause': {
        // Ranging over a channel, or over something whose type we do not know, may wait.
        const right = n.childForFieldName('right');
        const type = right ? file.typeOf(right) : undefined;
        if (right && (!type || /^(<-)?chan/.test(type))) return true;
        break;
      }
      case 'call_expression': {
        const parts = callParts(n);
        if (parts && SYNC_METHODS.has(parts.name) && parts.receiver !== undefined) return true;
        if (callArgs(n).some((a) => pathKey(a) === t.root.key)) return true;
        const callee = calleeKey(file, n);
        if (callee && pkg.mayWait(callee, HANDOFFS, true)) return true;
        break;
      }
    }
  }
  return false;
}

function samePath(c: Op, s: Op): Report {
  const close = quote(c.use.op, 32);
  const send = quote(s.use.op, 32);
  return {
    node: s.use.op,
    message: `\`${send}\` runs after \`${close}\` on the same path, and ${PANIC}`,
    related: [{ span: span(c.use.op), message: 'the channel is closed here' }],
    steps: [
      `Line ${lineOf(c.use.op)}: \`${close}\` closes the channel.`,
      `Control goes on, without leaving the path or replacing the channel, to \`${send}\` (line ${lineOf(s.use.op)}).`,
      'The send on the closed channel panics with "send on closed channel".',
    ],
  };
}

function startedAfter(c: Op, s: Op, go: Node): Report {
  const close = quote(c.use.op, 32);
  const send = quote(s.use.op, 32);
  return {
    node: s.use.op,
    message: `\`${send}\` runs in a goroutine started after \`${close}\`, and ${PANIC}`,
    related: [
      { span: span(c.use.op), message: 'the channel is closed here' },
      { span: span(go), message: 'the goroutine is started after the close' },
    ],
    steps: [
      `Line ${lineOf(c.use.op)}: \`${close}\` closes the channel.`,
      `Line ${lineOf(go)}: a goroutine is started; it reaches \`${send}\` (line ${lineOf(s.use.op)}).`,
      'The send on the closed channel panics with "send on closed channel".',
    ],
  };
}

function notWaited(c: Op, s: Op, go: Node): Report {
  const close = quote(c.use.op, 32);
  const send = quote(s.use.op, 32);
  const closing = c.l.deferred ? `\`defer ${close}\`` : `\`${close}\``;
  return {
    node: c.use.op,
    message:
      `${closing} does not wait for the goroutine that sends \`${send}\`: a send after the close panics`,
    related: [
      { span: span(go), message: 'this goroutine sends on the channel' },
      { span: span(s.use.op), message: 'this send panics if it runs after the close' },
    ],
    steps: [
      `Line ${lineOf(go)}: the goroutine is started; it has not reached \`${send}\` (line ${lineOf(s.use.op)}) yet.`,
      `The function goes on without receiving from it or waiting for it and ${c.l.deferred ? 'returns, running' : 'runs'} \`${close}\` (line ${lineOf(c.use.op)}).`,
      `The goroutine then runs \`${send}\` on the closed channel and the program panics with "send on closed channel".`,
    ],
  };
}
