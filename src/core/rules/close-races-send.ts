import type { FileFacts } from '../model/facts';
import { WAIT_KINDS, normaliseTarget, typedTarget, type FuncSummary, type Op, type PackageView } from '../model/package';
import { baseName } from '../model/locks';
import type { Related, Report, Rule } from '../findings/rule';
import { ancestor, callParts, caseReceive, descendants, excerpt, FUNCTION_TYPES, selectCases } from '../syntax/nodes';
import type { Node } from '../syntax/parser';

export const rule: Rule = {
  id: 'close-races-send',
  title: 'A channel field is closed while another goroutine may still send on it',
  severity: 'warning',
  severityInTests: 'info',
  category: 'channel',
  docs: {
    summary:
      'One method closes a channel field (`close(s.out)`) while a goroutine of the type may still send on it, or while a `select` elsewhere offers a send on it next to a stop case, and no lock, flag or wait orders the two: the send can panic.',
    why:
      'A send on a closed channel panics, and closing is the usual way a type says "stopped". When `Close` closes `s.out` while the ' +
      'goroutine that feeds it is still running, the goroutine can be in the middle of `s.out <- v`, or get there a moment later, and ' +
      'take the process down with "send on closed channel". A `select` that offers the send next to `<-s.done` does not help when ' +
      '`Close` closes both: once both channels are closed both cases are ready, and `select` picks one at random. Only the goroutine ' +
      'that sends may close (after its last send), or the closer must first wait for every sender to finish (a `WaitGroup`, a done ' +
      'channel), or both sides must agree under one lock.',
    interleaving: [
      'A goroutine of the type loops, and sends each result with `s.out <- v`.',
      '`Close` runs on another goroutine and calls `close(s.out)` without waiting for that goroutine to stop.',
      'The goroutine reaches `s.out <- v` on the closed channel, and the program panics.',
    ],
    bad: `func (p *Pipeline) run() {
	for v := range p.in {
		p.out <- transform(v)
	}
}

func (p *Pipeline) Close() {
	close(p.in)
	close(p.out) // run may still be sending
}`,
    good: `func (p *Pipeline) run() {
	defer close(p.out) // the only sender closes, after its last send
	for v := range p.in {
		p.out <- transform(v)
	}
}

func (p *Pipeline) Close() {
	close(p.in)
}`,
  },
  check(ctx) {
    const file = ctx.file;
    if (!file.text.includes('close(') && !ctx.siblings) return;
    if (!/\.\w+\s*<-/.test(file.text)) return;
    const view = ctx.package;
    const own = view.files.find((f) => f.fileName === file.fileName);
    if (!own?.functions.some((fn) => fn.ops.some((op) => op.kind === 'send'))) return;
    const closes = fieldCloses(view);
    if (closes.size === 0) return;
    const spawned = spawnedFunctions(view);
    for (const fn of own.functions) {
      for (const op of fn.ops) {
        if (op.kind !== 'send' || op.nonBlocking) continue;
        const target = canonical(fn, op.target);
        const all = closes.get(target) ?? [];
        // The sender closes the channel itself after sending (the owner's idiom): the other closes are
        // the alternatives of that one (etcd's closeSubstream either starts the sending closer or closes).
        if (all.some((c) => c.fn.key === fn.key)) continue;
        const closers = all.filter((c) => !sameGoroutine(fn, c.fn) && !starts(c.fn, fn));
        if (closers.length === 0) continue;
        // A one-shot signal on a channel the package receives from (`s.stopChan <- true`, read by Wait):
        // the receive is the hand-off that the close follows.
        if (!op.repeated && !op.alternatives && receivedInPackage(view, target)) continue;
        const send = sendStatement(file, op);
        if (!send) continue;
        // How the send can meet the close: a goroutine of the type is sending, or a select offers the
        // send next to a stop channel that the closer closes as well (both cases ready, a random pick).
        const goroutine = op.context === 'goroutine' || spawned.has(fn.key);
        const stop = op.alternatives ? closedStopCase(file, fn, send, closers) : undefined;
        if (!goroutine && !stop) continue;
        // Ordered by the author: the closer waits first, both sides take one lock, the sender checks a flag or recovers.
        if (closers.some((c) => waitsBeforeClose(view, c) || calledAfterWait(view, c))) continue;
        if (sharedLock(fn, closers)) continue;
        if (checksFlag(send) || recovers(send)) continue;
        ctx.report(report(file, fn, op, send, closers[0], stop));
      }
    }
  },
};

interface Close {
  fn: FuncSummary;
  op: Op;
}

/** A target in its type's names (`Server.out`), or as it is. */
function canonical(fn: FuncSummary, target: string): string {
  return typedTarget(fn, target) ?? target;
}

/** `close(x.f)` of the package, by the field it closes (`Server.out`). */
function fieldCloses(view: PackageView): Map<string, Close[]> {
  const out = new Map<string, Close[]>();
  for (const fn of view.functions) {
    for (const op of fn.ops) {
      if (op.kind !== 'close') continue;
      const target = canonical(fn, op.target);
      if (!/^[A-Za-z_]\w*\.[A-Za-z_]\w*$/.test(target)) continue;
      out.set(target, [...(out.get(target) ?? []), { fn, op }]);
    }
  }
  return out;
}

/** Functions the package starts as goroutines (`go s.run()`, or called from a `go func() {...}()`). */
function spawnedFunctions(view: PackageView): Set<string> {
  const out = new Set<string>();
  for (const fn of view.functions) for (const op of fn.ops) if (op.kind === 'call' && op.context === 'goroutine') out.add(op.target);
  return out;
}

/** One calls the other on its own goroutine: the close and the send are in program order. */
function sameGoroutine(a: FuncSummary, b: FuncSummary): boolean {
  const calls = (x: FuncSummary, y: FuncSummary) => x.ops.some((o) => o.kind === 'call' && o.target === y.key && o.context !== 'goroutine');
  return calls(a, b) || calls(b, a);
}

/** `closer` starts `sender` as a goroutine itself: which of the two runs is the closer's choice. */
function starts(closer: FuncSummary, sender: FuncSummary): boolean {
  return closer.ops.some((o) => o.kind === 'call' && o.context === 'goroutine' && o.target === sender.key);
}

/** Some function of the package receives from the channel field. */
function receivedInPackage(view: PackageView, target: string): boolean {
  for (const fn of view.functions) for (const o of fn.ops) if ((o.kind === 'recv' || o.kind === 'range') && canonical(fn, o.target) === target) return true;
  return false;
}

/** The send statement an op stands for, in this file. */
function sendStatement(file: FileFacts, op: Op): Node | undefined {
  const node = file.root.descendantForIndex(op.start, op.end);
  return node.type === 'send_statement' ? node : node.parent?.type === 'send_statement' ? node.parent : undefined;
}

/**
 * The other case of the send's `select` that receives from a channel field which one of the
 * closers closes too (`case <-s.done:` next to `case s.out <- v:`).
 */
function closedStopCase(file: FileFacts, fn: FuncSummary, send: Node, closers: readonly Close[]): Node | undefined {
  const select = send.parent?.type === 'communication_case' ? send.parent.parent : undefined;
  if (select?.type !== 'select_statement') return undefined;
  for (const c of selectCases(select)) {
    const recv = caseReceive(c)?.channel;
    const target = recv ? normaliseTarget(file, recv, c) : undefined;
    if (!recv || !target) continue;
    const t = canonical(fn, target);
    if (closers.some((x) => x.fn.ops.some((o) => o.kind === 'close' && canonical(x.fn, o.target) === t))) return recv.parent ?? recv;
  }
  return undefined;
}

/** A wait that can block: `Wait`, a receive or a range, not a select case with a default. */
function waits(o: Op): boolean {
  return WAIT_KINDS.has(o.kind) && !o.nonBlocking;
}

/**
 * The closer may wait for the senders before it closes: a `Wait`, a receive or a range before the
 * close (anywhere in the function, for a deferred close), directly or in a package function it
 * calls, on the same goroutine as the close.
 */
function waitsBeforeClose(view: PackageView, c: Close): boolean {
  return c.fn.ops.some((o) => {
    if (o === c.op || o.deferred || o.context !== c.op.context) return false;
    if (!c.op.deferred && o.start >= c.op.start) return false;
    if (waits(o)) return true;
    return o.kind === 'call' && view.mayWait(o.target);
  });
}

/**
 * Every call of the closing function in the package's code comes after a wait of its caller, on
 * the same goroutine: `wg.Wait(); resp.SendComplete()`, or `defer resp.SendComplete()` in a
 * goroutine that ends with `wg.Wait()` (tempo's async sharders close the response channel only
 * once every sending goroutine is done). Tests, which often send and close on one goroutine, do
 * not count; a function with no caller outside them is not judged.
 */
function calledAfterWait(view: PackageView, c: Close): boolean {
  if (c.op.context) return false;
  let calls = 0;
  for (const g of view.callers(c.fn.key)) {
    if (g.file.endsWith('_test.go')) continue;
    for (const call of g.ops) {
      if (call.kind !== 'call' || call.target !== c.fn.key) continue;
      calls++;
      const waited = g.ops.some((o) => waits(o) && !o.deferred && o.context === call.context && (call.deferred || o.start < call.start));
      if (!waited) return false;
    }
  }
  return calls > 0;
}

/**
 * The sender and a closer both take the same lock (the usual `closed` flag under a mutex), or the
 * sender holds for its whole run a lock its starter took, released by a deferred unlock, which the
 * closer takes before it closes: the lock is a latch that the close waits on (wireguard-go's
 * `hackListenerClosed`, locked before the listener starts and unlocked as it returns).
 */
function sharedLock(fn: FuncSummary, closers: readonly Close[]): boolean {
  const locks = (f: FuncSummary) => new Set(f.ops.filter((o) => o.kind === 'Lock' || o.kind === 'RLock').map((o) => canonical(f, o.target)));
  const mine = locks(fn);
  for (const o of fn.ops) {
    if (o.kind === 'Unlock' && o.deferred && !o.context && !mine.has(canonical(fn, o.target))) mine.add(canonical(fn, o.target));
  }
  return mine.size > 0 && closers.some((c) => [...locks(c.fn)].some((l) => mine.has(l)));
}

/**
 * Before the send, its function tests a field of a struct or an atomic value (`if s.closed`,
 * `if p.stopped.Load()`): a flag that says whether the channel is still open.
 */
function checksFlag(send: Node): boolean {
  const fnNode = ancestor(send, FUNCTION_TYPES, new Set());
  if (!fnNode) return false;
  const channel = send.childForFieldName('channel')?.text;
  return descendants(fnNode, 'if_statement').some((s) => {
    if (s.startIndex >= send.startIndex) return false;
    const cond = s.childForFieldName('condition');
    if (!cond) return false;
    return descendants(cond, new Set(['selector_expression', 'call_expression']), false).some((x) =>
      x.type === 'call_expression' ? callParts(x)?.name === 'Load' : x.text !== channel && !!x.childForFieldName('field') && x.parent?.type !== 'call_expression',
    );
  });
}

/** The sender's function recovers from panics (a deferred `recover()`): a send on a closed channel is expected. */
function recovers(send: Node): boolean {
  const fnNode = ancestor(send, FUNCTION_TYPES, new Set());
  return !!fnNode && descendants(fnNode, 'call_expression').some((c) => {
    const p = callParts(c);
    return p?.name === 'recover' && !p.receiver;
  });
}

function report(file: FileFacts, fn: FuncSummary, op: Op, send: Node, c: Close, stop: Node | undefined): Report {
  const channel = send.childForFieldName('channel')?.text ?? 'the channel';
  const where = c.fn.file === file.fileName ? `line ${c.op.line}` : `${baseName(c.fn.file)}:${c.op.line}`;
  const closer = `\`${c.fn.name}\``;
  const sendText = excerpt(send.text, 40);
  const related: Related[] = c.fn.file === file.fileName ? [{ span: { start: c.op.start, end: c.op.end }, message: `${closer} closes \`${channel}\` here` }] : [];
  if (stop) {
    related.push({ span: { start: stop.startIndex, end: stop.endIndex }, message: 'this case does not win over the send: select picks at random among ready cases' });
    return {
      node: send,
      message: `\`${excerpt(send.text, 28)}\` can be picked after ${closer} closes \`${excerpt(channel, 24)}\` (${where}) and panic, even with \`${excerpt(stop.text, 20)}\` ready`,
      related,
      steps: [
        `${closer} closes \`${channel}\` (${where}) and the stop channel \`${excerpt(stop.text, 24)}\` waits on.`,
        `\`${fn.name}\` reaches its select: both cases are ready now, and select picks one at random.`,
        `When it picks \`${sendText}\`, the send on the closed channel panics.`,
      ],
    };
  }
  return {
    node: send,
    message: `\`${excerpt(send.text, 28)}\` in ${op.context === 'goroutine' ? `a goroutine started by \`${fn.name}\`` : `the \`${fn.name}\` goroutine`} can run after ${closer} closes \`${excerpt(channel, 24)}\` (${where}) and panic`,
    related,
    steps: [
      `\`${fn.name}\` runs on its own goroutine and sends with \`${sendText}\` (line ${op.line}).`,
      `${closer} closes \`${channel}\` (${where}) without waiting for that goroutine, and nothing else orders the two.`,
      'The goroutine reaches the send after the close, and the program panics with "send on closed channel".',
    ],
  };
}
