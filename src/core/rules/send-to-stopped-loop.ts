import type { FileFacts } from '../model/facts';
import type { FuncSummary, Op, PackageView, ServeLoop } from '../model/package';
import { canonical, onlyReceivers, senderIsOutside, servingLoops, stopExpression, unbuffered, type Serving } from '../model/serving';
import { baseName, flagOrdered, funcLocks, heldAtOp } from '../model/locks';
import type { Fix, Related, Report, Rule } from '../findings/rule';
import { eol, indentAt, replaceNode, standsAlone } from '../findings/edits';
import { descendants, enclosingFunction, excerpt, unparen } from '../syntax/nodes';
import type { Node } from '../syntax/parser';

export const rule: Rule = {
  id: 'send-to-stopped-loop',
  title: 'Send to a serving loop that may already have returned',
  severity: 'warning',
  // Test fakes often run such loops for one stream or one test; a stuck sender hangs that test only.
  severityInTests: 'info',
  category: 'goroutine-leak',
  docs: {
    summary:
      'A method sends on a channel field whose only receiver is a `for { select { ... } }` loop that returns when a stop case fires, or a `for r := range s.reqc` loop that can `return` or `break` out; after the loop has returned, the send waits forever (information when the sender first checks a state field that the stopper sets before it signals the stop).',
    why:
      'Servers often funnel work through one goroutine: `run` loops over a `select` that takes requests from `s.reqc` and returns on `<-s.stop` ' +
      'or `<-ctx.Done()`, and methods such as `Submit` hand it work with `s.reqc <- r`. Once the loop has returned, nothing receives from ' +
      '`s.reqc` any more. A caller that sends after that, or that was already waiting when the stop case won, blocks forever: the ' +
      'goroutine leaks, along with anything it holds (a lock, a connection, a request the client is waiting on). Shutdown races like this ' +
      'are behind many of the hangs fixed in consensus libraries, container runtimes and RPC stacks. The sender has to wait on the same ' +
      'stop signal as the loop, so it gives up when the loop does.',
    interleaving: [
      '`run` is the only goroutine receiving from `s.reqc`; it returns when `<-s.stop` fires.',
      '`Stop` closes `s.stop`; `run` returns.',
      'A caller of `Submit` reaches `s.reqc <- r`: no goroutine will ever receive it, and the caller blocks forever.',
    ],
    bad: `type Server struct {
	reqc chan request
	stop chan struct{}
}

func (s *Server) run() {
	for {
		select {
		case r := <-s.reqc:
			r.handle()
		case <-s.stop:
			return
		}
	}
}

func (s *Server) Submit(r request) {
	s.reqc <- r // blocks forever once run has returned
}`,
    good: `func (s *Server) Submit(r request) error {
	select {
	case s.reqc <- r:
		return nil
	case <-s.stop:
		return errStopped
	}
}`,
    fixes:
      '**Give up when the loop stops** wraps the send in a `select` with the loop\'s stop case, so the sender returns when the loop has. ' +
      'It is not applied by fix-all: the caller then carries on without the request having been handled, which it may need to report.',
  },
  check(ctx) {
    const file = ctx.file;
    // Only a file that sends on a field (`s.reqc <- r`) can hold a finding; the package is not asked otherwise.
    if (!/\.\w+\s*<-/.test(file.text)) return;
    const view = ctx.package;
    const own = view.files.find((f) => f.fileName === file.fileName);
    if (!own || !own.functions.some((fn) => fn.ops.some((op) => op.kind === 'send'))) return;
    const loops = servingLoops(view);
    if (loops.size === 0) return;
    for (const fn of own.functions) {
      for (const op of fn.ops) {
        if (op.kind !== 'send' || op.nonBlocking || op.alternatives) continue;
        const serving = loops.get(canonical(fn, op.target));
        const target = canonical(fn, op.target);
        if (!serving || !onlyReceivers(view, target, serving) || !senderIsOutside(fn, serving) || !unbuffered(view, target)) continue;
        // A sender only tests reach hangs only a test that stops the loop first (gocraft/work's
        // requeuer.drain, which its tests call between start and stop), as with stoppedOnlyByTests.
        if (!fn.file.endsWith('_test.go') && reachedOnlyFromTests(view, fn, new Set())) continue;
        // A range loop that only ends with its channel never stops while senders wait.
        const stopping = serving.filter((s) => s.loop.stops.length > 0);
        if (stopping.length === 0) continue;
        const stops = stopping.flatMap((s) => s.loop.stops);
        // A sender that looks at the stop signal itself, or a stop that waits for the senders first, is ordered by the author.
        if (stops.some((s) => s.target !== undefined && fn.ops.some((o) => o.target === s.target || o.target + '.Done()' === s.target))) continue;
        if (stopWaitsFirst(view, stops) || stoppedOnlyByTests(view, stops) || stoppedUnderFlag(file, view, op, stops)) continue;
        // A channel that is also closed panics the late sender instead (send-after-close's case).
        if ([...view.functions].some((f) => f.ops.some((o) => o.kind === 'close' && canonical(f, o.target) === target))) continue;
        report(file, view, fn, op, stopping[0], ctx.report, stateGuarded(file, view, fn, op, stops));
      }
    }
  },
};

/** A function that closes or signals a stop channel after waiting on a WaitGroup (the senders finish first). */
function stopWaitsFirst(view: PackageView, stops: ServeLoop['stops']): boolean {
  const targets = new Set(stops.map((s) => s.target).filter((t): t is string => t !== undefined));
  for (const fn of view.functions) {
    const stopAt = fn.ops.find((o) => (o.kind === 'close' || o.kind === 'send') && targets.has(o.target));
    if (stopAt && fn.ops.some((o) => o.kind === 'Wait' && o.start < stopAt.start)) return true;
  }
  return false;
}

/**
 * Every stop of the loop is signalled (closed or sent on) only by code that only tests run: a
 * function in a `_test.go` file, or an unexported one whose every caller is such code in turn
 * (pulsar's transaction handler closes its loop's channel in `close`, which only a test reaches).
 * In the program the loop never stops, so no send can outlive it. A stop through a context, or
 * one nothing in the package signals, is not judged.
 */
function stoppedOnlyByTests(view: PackageView, stops: ServeLoop['stops']): boolean {
  const targets = stops.map((s) => s.target);
  if (targets.some((t) => t === undefined || t.endsWith('.Done()'))) return false;
  let stoppers = 0;
  for (const fn of view.functions) {
    if (!fn.ops.some((o) => (o.kind === 'close' || o.kind === 'send') && targets.includes(o.target))) continue;
    stoppers++;
    if (!reachedOnlyFromTests(view, fn, new Set())) return false;
  }
  return stoppers > 0;
}

/** Only tests run `fn`: it is in a `_test.go` file, or it is unexported and called, only by such functions. */
function reachedOnlyFromTests(view: PackageView, fn: FuncSummary, seen: Set<string>): boolean {
  if (fn.file.endsWith('_test.go') || seen.has(fn.key)) return true;
  seen.add(fn.key);
  const name = fn.key.slice(fn.key.lastIndexOf('.') + 1);
  if (!/^[a-z_]\w*$/.test(name) || name === 'init' || name === 'main') return false;
  const callers = view.callers(fn.key);
  return callers.length > 0 && callers.every((c) => reachedOnlyFromTests(view, c, seen));
}

/**
 * Every stop is signalled by a function of this file while it holds a mutex that the sender
 * holds too, in the same critical section as it assigns a flag the sender tests before its send
 * (robfig/cron: `Stop` sends on `c.stop` and clears `c.running` under `runningMu`; `Schedule`
 * sends on `c.add` only `if c.running`, under that lock). No send can follow the stop.
 */
function stoppedUnderFlag(file: FileFacts, view: PackageView, op: Op, stops: ServeLoop['stops']): boolean {
  const targets = new Set(stops.map((s) => s.target).filter((t): t is string => t !== undefined));
  const send = sendStatement(file, op);
  const fn = send ? enclosingFunction(send) : undefined;
  const mine = fn ? funcLocks(file, view, file.funcInfo(fn)) : undefined;
  const held = mine?.sites.find((s) => s.ev.node.id === send!.id)?.held;
  if (!mine || !held || held.size === 0 || targets.size < stops.length) return false;
  let stoppers = 0;
  for (const g of view.functions) {
    for (const o of g.ops) {
      if ((o.kind !== 'close' && o.kind !== 'send') || !targets.has(o.target)) continue;
      if (g.file !== file.fileName || o.context !== undefined) return false;
      stoppers++;
      const stopFn = enclosingFunction(file.root.descendantForIndex(o.start, o.end));
      const theirs = stopFn ? funcLocks(file, view, file.funcInfo(stopFn)) : undefined;
      const heldThere = heldAtOp(view, g, o);
      if (!theirs || ![...held.keys()].some((k) => heldThere.has(k) && flagOrdered(file, mine, send!, k, theirs))) return false;
    }
  }
  return stoppers > 0;
}

/** The send statement of a send operation of the current file. */
function sendStatement(file: FileFacts, op: Op): Node | undefined {
  const node = file.root.descendantForIndex(op.start, op.end);
  return node.type === 'send_statement' ? node : node.parent?.type === 'send_statement' ? node.parent : undefined;
}

/**
 * The stop is signalled right after a state field is set (`w.readyState = CLOSED; close(w.done)`),
 * and the sender compares that field before its send, in its own body or in a method of the file
 * it calls first (`w.assertStateOpen()`, which throws unless the socket is open): a state machine
 * that keeps sends away from a stopped loop (k6's WebSocket `send`, `ping` and `close`). Whether
 * both run on one goroutine (an event loop) cannot be seen, so such a send is information.
 */
function stateGuarded(file: FileFacts, view: PackageView, sender: FuncSummary, op: Op, stops: ServeLoop['stops']): boolean {
  const targets = new Set(stops.map((s) => s.target).filter((t): t is string => t !== undefined));
  const fields = new Set<string>();
  for (const g of view.functions) {
    if (g.file !== file.fileName) continue;
    for (const o of g.ops) {
      if (o.kind !== 'close' || !targets.has(o.target)) continue;
      const closeNode = file.root.descendantForIndex(o.start, o.end);
      const body = enclosingFunction(closeNode)?.childForFieldName('body');
      if (!body) continue;
      for (const a of descendants(body, 'assignment_statement', true)) {
        if (a.startIndex > closeNode.startIndex) continue;
        for (const l of a.childForFieldName('left')?.namedChildren ?? []) {
          const f = l.type === 'selector_expression' ? l.childForFieldName('field')?.text : undefined;
          if (f) fields.add(f);
        }
      }
    }
  }
  if (fields.size === 0) return false;
  const compares = (root: Node, before: number) =>
    descendants(root, 'binary_expression', true).some((b) => {
      if (b.startIndex > before || !/^(==|!=)$/.test(b.childForFieldName('operator')?.text ?? '')) return false;
      return [b.childForFieldName('left'), b.childForFieldName('right')].some((x) => x?.type === 'selector_expression' && fields.has(x.childForFieldName('field')?.text ?? ''));
    });
  // The field compared before `at` in its function, or in a method of the file called before it (`w.assertStateOpen()`).
  const guardedBefore = (at: Node) => {
    const body = enclosingFunction(at)?.childForFieldName('body');
    if (!body) return false;
    if (compares(body, at.startIndex)) return true;
    return descendants(body, 'call_expression', true).some((c) => {
      if (c.startIndex > at.startIndex) return false;
      const target = file.resolveCall(c)?.target;
      return !!target?.body && target.kind !== 'literal' && compares(target.body, Infinity);
    });
  };
  const sendNode = file.root.descendantForIndex(op.start, op.end);
  if (guardedBefore(sendNode)) return true;
  // Or at every call of the sending function, all in this file (`send` checks, then calls `sendArrayBuffer`).
  const calls = view.callers(sender.key).flatMap((g) => (g.file === file.fileName ? g.ops.filter((o) => o.kind === 'call' && o.target === sender.key) : [undefined]));
  return calls.length > 0 && calls.every((c) => c !== undefined && guardedBefore(file.root.descendantForIndex(c.start, c.end)));
}

function report(file: FileFacts, view: PackageView, fn: FuncSummary, op: Op, s: Serving, emit: (r: Report) => void, guarded = false): void {
  const stmt = sendStatement(file, op);
  const channel = stmt?.childForFieldName('channel')?.text;
  if (!stmt || !channel) return;
  const send = stmt.text;
  const stop = s.loop.stops[0];
  const where = (line: number) => (s.fn.file === file.fileName ? `line ${line}` : `${baseName(s.fn.file)}:${line}`);
  const loopName = `\`${s.fn.name}\``;
  // A range loop leaves at a statement (`return err`, `break`), a select loop when a case fires.
  const leaves = s.loop.range ? `leaves its loop at \`${excerpt(stop.text, 24)}\`` : `returns when \`${excerpt(stop.text, 24)}\` fires`;
  const related: Related[] =
    s.fn.file === file.fileName
      ? [{ span: { start: stop.start, end: stop.end }, message: `${loopName} ${s.loop.range ? 'leaves its loop here' : 'returns when this case fires'}; nothing receives from \`${channel}\` after that` }]
      : [];
  emit({
    span: { start: op.start, end: op.end },
    ...(guarded ? { severity: 'info' as const } : {}),
    message: s.loop.range
      ? `\`${excerpt(send, 32)}\` blocks forever once ${loopName} has left its loop over \`${channel}\` at \`${excerpt(stop.text, 24)}\` (${where(stop.line)}): no other goroutine receives`
      : `\`${excerpt(send, 32)}\` blocks forever once ${loopName} has returned on \`${excerpt(stop.text, 24)}\` (${where(stop.line)}): no other goroutine receives`,
    related,
    steps: [
      `${loopName} (${where(s.loop.line)}) is the only receiver of \`${channel}\`, and ${leaves} (${where(stop.line)}).`,
      `After that, \`${fn.name}\` sends \`${excerpt(send, 40)}\` (line ${op.line}): no goroutine will receive it.`,
      `The goroutine running \`${fn.name}\` blocks forever, with whatever it holds.`,
    ],
    fixes: giveUpFix(file, view, stmt, channel, s),
  });
}

/**
 * The sent value is, or carries, a reply channel the sender then waits on (`t.flush <- done;
 * <-done`, dd-trace-go's `Flush`; `s.reqc <- r; return <-r.reply`; a channel of the sender's put
 * in the value's literal, `w := work{result: result}; s.queue <- w; <-result`, headscale's node
 * store): giving up on the send would only move the wait to that receive.
 */
function awaitsReply(file: FileFacts, stmt: Node): boolean {
  const value = stmt.childForFieldName('value');
  const body = enclosingFunction(stmt)?.childForFieldName('body');
  if (!value || !body) return false;
  const v = unparen(value);
  const name = v.type === 'identifier' ? v.text : undefined;
  // The literal the value is, or the one its local was declared with.
  const literal = v.type === 'composite_literal' ? v : name ? file.lookup(name, v)?.decl?.init : undefined;
  const carried = new Set(literal?.type === 'composite_literal' ? descendants(literal, 'identifier').map((id) => id.text) : []);
  const replyOf = (e: Node | null) => {
    const t = e ? unparen(e).text : undefined;
    return !!t && ((name !== undefined && (t === name || t.startsWith(name + '.'))) || carried.has(t));
  };
  return descendants(body, 'unary_expression').some((u) => u.startIndex > stmt.endIndex && u.childForFieldName('operator')?.text === '<-' && replyOf(u.childForFieldName('operand')));
}

/**
 * `select { case s.reqc <- r: case <-s.stop: }` when the stop is a field of the loop's receiver
 * (or its context's Done), spelled through the sender's own receiver.
 */
function giveUpFix(file: FileFacts, view: PackageView, stmt: Node, channel: string, s: Serving): Fix[] {
  const dot = channel.lastIndexOf('.');
  const stopExpr = dot > 0 ? stopExpression(view, s, channel.slice(0, dot)) : undefined;
  if (!stopExpr) return [];
  if (stmt.parent?.type !== 'statement_list' || !standsAlone(file.source, stmt) || awaitsReply(file, stmt)) return [];
  const nl = eol(file.source);
  const indent = indentAt(file.source, stmt.startIndex);
  const text = ['select {', `case ${stmt.text}:`, `case <-${stopExpr}:`, '}'].join(nl + indent);
  return [{ title: `Give up when \`${s.fn.name}\` stops (\`case <-${stopExpr}:\`)`, edits: [replaceNode(stmt, text)], safe: false }];
}
