import { channelFocus, closeArg, closedChannelTraces, headIdent, lift, loopCanEnd, reassigned, runsBefore, startOf, trace, type Body, type Lifted, type Trace, type Use } from '../model/channels';
import type { FileFacts, FuncInfo } from '../model/facts';
import { funcKey, type PackageView } from '../model/package';
import type { Node } from '../syntax/parser';
import type { Report, Rule } from '../findings/rule';
import { callArgs, callParts, contains, enclosingLoop, lenArg, lineOf, quote, settersOf, unparen } from '../syntax/nodes';
import { surelyFollows } from '../model/paths';
import { joinedBefore } from '../model/joins';

export const rule: Rule = {
  id: 'close-by-receiver',
  title: 'Channel closed by the side that receives from it',
  severity: 'warning',
  category: 'channel',
  docs: {
    summary:
      'Code that only receives from a channel closes it while other code still sends on it: the senders panic when they send after the close.',
    why:
      'A close tells receivers that no more values will come, so it belongs to the sending side: the only sender, or the code that ' +
      'knows every sender has finished. When a receiver closes the channel (to say "stop", typically from inside its receive loop) ' +
      'the senders cannot know: their next send panics with "send on closed channel". To stop the senders, close a separate ' +
      '`done`/`quit` channel (or cancel a context) that they select on, and let them close the data channel themselves.',
    interleaving: [
      'A producer goroutine sends values on `ch`; a consumer receives them.',
      'The consumer decides it has seen enough and calls `close(ch)`.',
      'The producer, which had no way to know, runs its next `ch <- v` and the program panics.',
    ],
    bad: `func firstMatch(words []string, want string) bool {
	ch := make(chan string)
	go func() {
		for _, w := range words {
			ch <- w // panics once the receiver has closed ch
		}
	}()
	for w := range ch {
		if w == want {
			close(ch) // the receiver closes
			return true
		}
	}
	return false
}`,
    good: `func firstMatch(words []string, want string) bool {
	ch := make(chan string)
	done := make(chan struct{})
	defer close(done) // the receiver says stop on a channel of its own
	go func() {
		defer close(ch) // the sender closes the data channel
		for _, w := range words {
			select {
			case ch <- w:
			case <-done:
				return
			}
		}
	}()
	for w := range ch {
		if w == want {
			return true
		}
	}
	return false
}`,
  },
  check(ctx) {
    const file = ctx.file;
    if (!/\bclose\(/.test(file.text)) return;
    const reported = new Set<number>();
    const emit = (close: Node, r: Report) => {
      if (reported.has(close.id)) return;
      reported.add(close.id);
      ctx.report(r);
    };
    for (const t of closedChannelTraces(file, channelFocus(file, ctx.inFocus))) {
      if (reassigned(file, t)) continue;
      for (const f of inView(file, t)) emit(f.close, f.report);
    }
    for (const fn of file.functions) {
      for (const f of paramReceivers(file, ctx.package, fn)) emit(f.close, f.report);
    }
  },
};

function span(n: Node) {
  return { start: n.startIndex, end: n.endIndex };
}

interface Lifts {
  recv: { use: Use; l: Lifted }[];
  send: { use: Use; l: Lifted }[];
  close: { use: Use; l: Lifted }[];
}

function byThread(t: Trace): Map<Body, Lifts> {
  const out = new Map<Body, Lifts>();
  for (const use of t.uses) {
    const kind = use.kind === 'range' || use.kind === 'recv' ? 'recv' : use.kind === 'send' || use.kind === 'close' ? use.kind : undefined;
    if (!kind) continue;
    const l = lift(use.body, use.op);
    const e = out.get(l.thread) ?? { recv: [], send: [], close: [] };
    e[kind].push({ use, l });
    out.set(l.thread, e);
  }
  return out;
}

/** `describe` without the line: the line is in the related information. */
function brief(b: Body, goroutine: string): string {
  if (b.how === 'goroutine' && b.via) return goroutine;
  return b.fn.name ? `\`${b.fn.name}\`` : 'a function literal';
}

function describe(b: Body): string {
  if (b.how === 'goroutine' && b.via) return `the goroutine started at line ${lineOf(b.via)}`;
  return b.fn.name ? `\`${b.fn.name}\`` : `the function literal at line ${lineOf(b.fn.node)}`;
}

/**
 * A goroutine (or the traced function) that only receives from the channel closes it from inside
 * its receive loop, while another goroutine of the trace sends on it.
 */
function inView(file: FileFacts, t: Trace): { close: Node; report: Report }[] {
  const out: { close: Node; report: Report }[] = [];
  const threads = byThread(t);
  for (const [r, ops] of threads) {
    if (ops.send.length > 0 || ops.recv.length === 0) continue;
    for (const c of ops.close) {
      const loop = receiveLoop(c.l, ops.recv);
      if (!loop || declaredIn(file, c.use.op, loop)) continue;
      const sender = concurrentSend(t, threads, r);
      if (!sender || sendersJoined(file, threads, r, loop) || countedClose(threads, r, c, loop)) continue;
      out.push({ close: c.use.op, report: report(c.use, describe(r), loop, sender.use.op, describe(sender.thread), brief(r, 'this goroutine'), brief(sender.thread, 'another goroutine')) });
    }
  }
  return out;
}

/** The loop of the receiver around the close that receives from the channel: `for v := range ch`, or a loop with `<-ch` inside. */
function receiveLoop(close: Lifted, recvs: { use: Use; l: Lifted }[]): Node | undefined {
  for (let p = close.at.parent; p && p.id !== close.thread.fn.node.id; p = p.parent) {
    if (p.type !== 'for_statement') continue;
    const loop = p;
    if (recvs.some((x) => (x.use.kind === 'range' && x.l.at.id === loop.id) || (x.l.at.id !== loop.id && contains(loop, x.l.at)))) return loop;
  }
  return undefined;
}

/**
 * The loop declares the closed channel: every pass makes a new one (bbolt's benchmarks: make,
 * start the senders, `wg.Wait()`, `close`, then drain), so the pass's receives do not make the
 * close one from inside a receive loop.
 */
function declaredIn(file: FileFacts, close: Node, loop: Node): boolean {
  const arg = closeArg(file, close);
  const head = arg ? headIdent(arg) : undefined;
  const decl = head ? file.lookup(head.text, head)?.decl?.node : undefined;
  return decl !== undefined && contains(loop, decl);
}

/**
 * Every thread that sends is a goroutine the receiver has joined before its receive loop: it
 * leaves with a deferred `wg.Done()` and `wg.Wait()` runs first (netbird's relay test starts
 * one sender per connection, waits for them, then drains the buffered channel and closes it).
 */
function sendersJoined(file: FileFacts, threads: Map<Body, Lifts>, r: Body, loop: Node): boolean {
  for (const [s, ops] of threads) {
    if (s === r || ops.send.length === 0) continue;
    let g: Body | undefined = s;
    while (g && g.how !== 'goroutine') g = g.parent;
    const stmt = g?.via ? file.goStatements.find((x) => x.node.id === g!.via!.id) : undefined;
    if (!stmt?.target || g!.parent !== r || !joinedBefore(file, stmt, loop)) return false;
  }
  return true;
}

/**
 * The receiver closes only once it has received one value per sender: the senders are
 * goroutines it starts one per element of `xs` (`for _, x := range xs { go ... }`), each sending
 * once, and the close sits under `if n == len(xs)` (or `>=`), where `n` counts the values the
 * range over the channel has received, `n++` or `out = append(out, v)` at most once a round
 * (linkerd's `edges` and `stat` commands). By then every send has happened.
 */
function countedClose(threads: Map<Body, Lifts>, r: Body, c: { use: Use; l: Lifted }, loop: Node): boolean {
  if (!threads.get(r)?.recv.some((x) => x.use.kind === 'range' && x.l.at.id === loop.id)) return false;
  // The close, alone or not, in the consequence of an `if` right inside the loop's rounds.
  const block = c.use.op.parent?.parent?.parent;
  const branch = block?.parent;
  if (block?.type !== 'block' || branch?.type !== 'if_statement' || branch.childForFieldName('consequence')?.id !== block.id) return false;
  const cond = branch.childForFieldName('condition');
  const bin = cond ? unparen(cond) : undefined;
  const op = bin?.type === 'binary_expression' ? bin.childForFieldName('operator')?.text : undefined;
  if (op !== '==' && op !== '>=') return false;
  const total = lenArg(bin!.childForFieldName('right')!);
  const counter = bin!.childForFieldName('left')!;
  if (!total) return false;
  // One goroutine per element of the same collection, each sending once.
  for (const [s, ops] of threads) {
    if (s === r || ops.send.length === 0) continue;
    if (s.how !== 'goroutine' || s.parent !== r || !s.via || ops.send.length !== 1 || ops.send[0].l.looped) return false;
    const spawn = enclosingLoop(s.via);
    const range = spawn?.namedChildren.find((x) => x?.type === 'range_clause');
    // A spawn loop inside another loop starts more goroutines than `xs` has elements.
    if (!range || range.childForFieldName('right')?.text !== total.text || enclosingLoop(spawn!)) return false;
  }
  return countsRounds(unparen(counter), loop);
}

/**
 * `n` (or `len(out)`) grows by one at most once a round of `loop`: one `n++` (one `out =
 * append(out, v)` of a single value), not in a nested loop or literal, and nothing else in the
 * loop sets it.
 */
function countsRounds(counter: Node, loop: Node): boolean {
  const name = counter.type === 'identifier' ? counter.text : lenArg(counter)?.type === 'identifier' ? lenArg(counter)!.text : undefined;
  if (!name) return false;
  const sets = settersOf(loop, name, true);
  if (sets.length !== 1 || enclosingLoop(sets[0])?.id !== loop.id) return false;
  const set = sets[0];
  if (counter.type === 'identifier') return set.type === 'inc_statement';
  if (set.type !== 'assignment_statement' || set.childForFieldName('operator')?.text !== '=') return false;
  const right = set.childForFieldName('right')?.namedChildren ?? [];
  const call = right.length === 1 ? unparen(right[0]) : undefined;
  const parts = call?.type === 'call_expression' ? callParts(call) : undefined;
  const args = call && parts?.name === 'append' && !parts.receiver ? callArgs(call) : [];
  return args.length === 2 && args[0].text === name && !call!.childForFieldName('arguments')?.text.includes('...');
}

/** A send of another thread that can still run when the receiver closes. */
function concurrentSend(t: Trace, threads: Map<Body, Lifts>, r: Body): { use: Use; thread: Body } | undefined {
  const start = startOf(r);
  for (const [s, ops] of threads) {
    if (s === r || ops.send.length === 0) continue;
    for (const x of ops.send) {
      // The traced function's own sends count only when they may come after the receiver started.
      if (s === t.root && start && start.thread === t.root && !x.l.looped && x.l.at.endIndex <= start.at.startIndex) continue;
      return { use: x.use, thread: s };
    }
  }
  return undefined;
}

function report(close: Use, receiver: string, loop: Node, send: Node, sender: string, receiverShort: string, senderShort: string): Report {
  const c = quote(close.op);
  return {
    node: close.op,
    message:
      `${receiverShort} only receives but closes the channel while ${senderShort} still sends on it: the send panics`,
    related: [
      { span: span(send), message: 'this send panics if it runs after the close' },
      { span: { start: loop.startIndex, end: loop.startIndex + 3 }, message: 'the receive loop that closes the channel' },
    ],
    steps: [
      `${sender.charAt(0).toUpperCase() + sender.slice(1)} keeps sending with \`${quote(send)}\` (line ${lineOf(send)}).`,
      `${receiver.charAt(0).toUpperCase() + receiver.slice(1)}, a receiver, runs \`${c}\` (line ${lineOf(close.op)}): the sender is not told.`,
      'The sender\'s next send on the closed channel panics with "send on closed channel".',
    ],
  };
}

/**
 * A function with a `chan T` parameter that it only receives from and closes, while a caller in
 * the package sends on the channel it passes, concurrently (in a goroutine, or after the call).
 */
function paramReceivers(file: FileFacts, pkg: PackageView, fn: FuncInfo): { close: Node; report: Report }[] {
  const key = funcKey(fn);
  if (!key || !fn.body) return [];
  const out: { close: Node; report: Report }[] = [];
  fn.params.forEach((p, index) => {
    if (!p.name || p.name === '_' || !/^chan[^<]/.test(p.type)) return;
    const t = trace(file, fn, p.name, p);
    if (t.escapes.length > 0 || reassigned(file, t)) return;
    const ops = { recv: [] as { use: Use; l: Lifted }[], send: 0, close: [] as { use: Use; l: Lifted }[] };
    for (const use of t.uses) {
      const l = lift(use.body, use.op);
      if (use.kind === 'send') ops.send++;
      else if (use.kind === 'recv' || use.kind === 'range') ops.recv.push({ use, l });
      else if (use.kind === 'close') ops.close.push({ use, l });
    }
    if (ops.send > 0 || ops.recv.length === 0 || ops.close.length === 0) return;
    const sender = callerSend(file, pkg, key, index);
    if (!sender) return;
    for (const c of ops.close) {
      // Closing after a range that only ends when the channel is closed is double-close's finding.
      if (ops.recv.some((x) => x.use.kind === 'range' && !loopCanEnd(x.use.op) && x.l.thread === c.l.thread && (surelyFollows(x.l.at, c.l.at) || runsBefore(x.l.at, c.l.at)))) continue;
      const loop = receiveLoop(c.l, ops.recv);
      // A close outside any receive loop that answers a caller's single send (lnd's
      // waitForPaymentResult closes `c` once it has received the one value sent on it): after
      // that one value, nothing is left to send.
      if (!loop && !sender.repeated) continue;
      out.push({ close: c.use.op, report: reportParam(c.use, fn, p.name, loop, sender) });
    }
  });
  return out;
}

interface CallerSend {
  caller: string;
  file: string;
  line: number;
  callLine: number;
  span?: { start: number; end: number };
  /** The send is in a loop: it may run again after a value has been received. */
  repeated: boolean;
}

/**
 * A function of the package that passes a channel to `key` at argument `index` and sends on that
 * same channel in a goroutine, or starts `key` as a goroutine and sends, or sends after the call.
 */
function callerSend(file: FileFacts, pkg: PackageView, key: string, index: number): CallerSend | undefined {
  let first: CallerSend | undefined;
  for (const s of pkg.functions) {
    for (const call of s.ops) {
      if (call.kind !== 'call' || call.target !== key) continue;
      const target = call.args?.[index];
      if (!target) continue;
      const send = s.ops.find(
        (op) => op.kind === 'send' && op.target === target && (op.context === 'goroutine' || call.context === 'goroutine' || op.line > call.line),
      );
      if (!send) continue;
      const same = s.file === file.fileName;
      const found = { caller: s.name, file: s.file, line: send.line, callLine: call.line, span: same ? { start: send.start, end: send.end } : undefined, repeated: !!send.repeated };
      // A sender that sends in a loop, when there is one: the one that can still send after a receive.
      if (found.repeated) return found;
      first ??= found;
    }
  }
  return first;
}

function reportParam(close: Use, fn: FuncInfo, param: string, loop: Node | undefined, sender: CallerSend): Report {
  const c = quote(close.op);
  const at = sender.span ? `line ${sender.line}` : `${baseName(sender.file)}:${sender.line}`;
  return {
    node: close.op,
    message:
      `\`${fn.name}\` only receives from \`${param}\` but closes it while its caller \`${sender.caller}\` still sends on it${sender.span ? '' : ` (${at})`}: the send panics`,
    related: [
      ...(sender.span ? [{ span: sender.span, message: 'this send panics if it runs after the close' }] : []),
      ...(loop ? [{ span: { start: loop.startIndex, end: loop.startIndex + 3 }, message: 'the receive loop that closes the channel' }] : []),
    ],
    steps: [
      `\`${sender.caller}\` passes a channel to \`${fn.name}\` (line ${sender.callLine}) and sends on it (${at}) while \`${fn.name}\` runs or after it returns.`,
      `\`${fn.name}\`, which only receives from \`${param}\`, runs \`${c}\` (line ${lineOf(close.op)}).`,
      `\`${sender.caller}\`'s next send on the closed channel panics with "send on closed channel".`,
    ],
  };
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}
