import { headIdent, identityOf, lift, loopCanEnd, startOf, trace, type Body, type Trace } from '../model/channels';
import { deleteStatement, eol, indentAt, insertLinesAfter } from '../findings/edits';
import { closureRun, compact, isWaitGroupType, type FileFacts, type FuncInfo } from '../model/facts';
import { addCounts, constCount, multiplyCounts, spawnCount, type Count } from '../model/flow';
import { calleeKey, type OpKind, type PackageView } from '../model/package';
import type { Node } from '../syntax/parser';
import type { Fix, Related, Rule } from '../findings/rule';
import { callArgs, callParts, contains, descendants, enclosingFunction, isMethodCall, lineOf, pathKey, quote } from '../syntax/nodes';

/** A helper that receives or waits may be where the close's goroutines are waited for. */
const RECEIVES_OR_WAITS: ReadonlySet<OpKind> = new Set<OpKind>(['recv', 'Wait']);

export const rule: Rule = {
  id: 'close-before-wait',
  title: 'Channel closed before the WaitGroup of its senders is waited for',
  severity: 'error',
  category: 'channel',
  docs: {
    summary:
      '`close(ch)` runs before (or without) `wg.Wait()` while goroutines counted by `wg` still send on `ch`, so a late send panics.',
    why:
      'Closing a channel tells receivers that no more values will come; a send on a closed channel panics with "send on closed ' +
      'channel". When the senders are goroutines tracked by a `sync.WaitGroup`, only `wg.Wait()` proves they have all sent. ' +
      'Closing first races with them: usually the goroutines are quick enough and the bug stays hidden, until a slow one sends ' +
      'after the close and the whole program crashes. Close the channel after `Wait` returns, and when the same function reads ' +
      'the channel until it is closed, do the `Wait` and the `close` in a goroutine of their own so reading and waiting overlap.',
    interleaving: [
      'The function starts the sender goroutines; `wg` counts them, but some have not sent yet.',
      'The function calls `close(ch)` without waiting for `wg` first.',
      'A slow goroutine reaches `ch <- v` on the closed channel and the program panics.',
    ],
    bad: `func lengths(words []string) []int {
	out := make(chan int, len(words))
	var wg sync.WaitGroup
	for _, w := range words {
		wg.Add(1)
		go func(w string) {
			defer wg.Done()
			out <- len(w)
		}(w)
	}
	close(out) // a goroutine may still be about to send
	wg.Wait()
	var res []int
	for n := range out {
		res = append(res, n)
	}
	return res
}`,
    good: `func lengths(words []string) []int {
	out := make(chan int)
	var wg sync.WaitGroup
	for _, w := range words {
		wg.Add(1)
		go func(w string) {
			defer wg.Done()
			out <- len(w)
		}(w)
	}
	go func() {
		wg.Wait() // every sender is done
		close(out)
	}()
	var res []int
	for n := range out {
		res = append(res, n)
	}
	return res
}`,
    fixes:
      '**Move close after wg.Wait()** deletes the `close` and puts it on the line after `wg.Wait()`; it is offered only when that ' +
      'cannot deadlock: the channel\'s buffer holds every send, or another goroutine drains the channel meanwhile, and the function ' +
      'does not read the channel between the two. **Close in a goroutine after wg.Wait()** replaces the `close` with ' +
      '`go func() { wg.Wait(); close(ch) }()` and removes the separate `wg.Wait()`, when the function then ranges over the channel: ' +
      'the range drains the senders while the new goroutine waits for them.',
  },
  check(ctx) {
    const file = ctx.file;
    if (!/\bclose\(/.test(file.text) || !/\.Done\(\)/.test(file.text)) return;
    for (const fn of file.functions) {
      if (!fn.body || !ctx.inFocus(fn.node)) continue;
      for (const call of descendants(fn.body, 'call_expression', true)) {
        const parts = callParts(call);
        const arg = callArgs(call)[0];
        const stmt = call.parent?.type;
        if (!parts || parts.receiver || parts.name !== 'close' || !arg || (stmt !== 'expression_statement' && stmt !== 'defer_statement')) continue;
        const key = pathKey(arg);
        const made = file.channelMake(arg);
        const head = headIdent(arg);
        if (!key || !made || !head || file.lookup('close', call)) continue;
        const found = findRace(file, ctx.package, fn, call, key, identityOf(file, head));
        if (!found) continue;
        ctx.report(report(file, fn, call, key, found, made.capacity));
      }
    }
  },
};

/** One function that starts senders: the closing function itself or a method of the same type. */
interface Spawner {
  fn: FuncInfo;
  /** The channel's path in `fn`, and how the WaitGroup path maps back to the closing function. */
  key: string;
  identity: unknown;
  cross: boolean;
  /**
   * When the close runs in `go func() { ... }()` started by `fn` (which declares the channel):
   * that go statement. The close then races with every sender `fn` started before it.
   */
  closerGo?: Node;
}

interface Race {
  spawner: Spawner;
  ch: Trace;
  /** The WaitGroup path in the closing function. */
  wg: string;
  /** The go statement of the first counted sender, and its send. */
  go: Node;
  send: Node;
  /** Go statements (node ids) of every counted sender. */
  senders: Set<number>;
  /** `wg.Wait()` calls of the closing function after the close. */
  waits: Node[];
}

function findRace(file: FileFacts, pkg: PackageView, fn: FuncInfo, close: Node, key: string, identity: unknown): Race | undefined {
  const spawners: Spawner[] = [{ fn, key, identity, cross: false }];
  const starter = closingGoroutine(file, fn, identity);
  if (starter) spawners.push({ fn: starter.fn, key, identity, cross: false, closerGo: starter.go });
  const recv = fn.receiver?.name;
  if (fn.kind === 'method' && recv && key.startsWith(recv + '.')) {
    for (const m of file.functions) {
      if (m === fn || m.kind !== 'method' || m.receiver?.typeName !== fn.receiver!.typeName || !m.receiver.name) continue;
      spawners.push({ fn: m, key: m.receiver.name + key.slice(recv.length), identity: m, cross: true });
    }
  }
  // `defer close(ch)` runs when the function returns: every goroutine it started may still be sending.
  const atReturn = deferred(close);
  for (const s of spawners) {
    if (atReturn && s.cross) continue;
    const ch = trace(file, s.fn, s.key, s.identity);
    const sends = ch.uses
      .filter((u) => u.kind === 'send')
      .map((u) => ({ use: u, thread: lift(u.body, u.op).thread }))
      .filter((x) => x.thread.how === 'goroutine' && x.thread.via && (s.cross || startsBefore(x.thread, ch, s.closerGo ?? close, atReturn)))
      // The closing goroutine's own sends are ordered with its close (a send after it is send-after-close's).
      .filter((x) => x.thread.via!.id !== s.closerGo?.id);
    if (sends.length === 0) continue;
    for (const wg of waitGroups(file, fn, s)) {
      const wgTrace = trace(file, s.fn, wg.inSpawner, wg.identity);
      // Traces are separate, so goroutines are matched by their go statement.
      const counted = new Set(
        wgTrace.uses.filter((u) => u.kind === 'method' && u.name === 'Done').map((u) => lift(u.body, u.op).thread.via?.id),
      );
      const racing = sends.filter((x) => counted.has(x.thread.via!.id) && !sendCannotPanic(x.thread, fn, close));
      if (racing.length === 0) continue;
      // A deferred Wait runs at return, after the close.
      const waits = descendants(fn.body!, 'call_expression', true).filter((c) => isMethodCall(c, 'Wait', wg.inCloser));
      let after: Node[];
      if (atReturn) {
        // Only a Wait deferred before the close runs after it; any other Wait may come first.
        if (waits.some((w) => !deferred(w) || w.startIndex > close.endIndex)) continue;
        after = waits;
      } else {
        if (waits.some((w) => w.startIndex < close.startIndex && !deferred(w))) continue;
        after = waits.filter((w) => w.startIndex > close.endIndex || deferred(w));
      }
      if (s.cross && after.length === 0) continue;
      const starts = racing.map((x) => startOf(x.thread)!.at.endIndex);
      const from = s.cross ? fn.body!.startIndex : atReturn ? Math.min(...starts) : Math.max(...starts);
      const to = atReturn ? fn.body!.endIndex : close.startIndex;
      if (s.closerGo) {
        // The closing goroutine may only be started after the spawner waited, or wait itself before the close.
        if (synchronisesBetween(file, pkg, s.fn, ch, wg.inCloser, from, s.closerGo.startIndex)) continue;
        if (synchronisesBetween(file, pkg, fn, ch, wg.inCloser, fn.body!.startIndex, to)) continue;
      } else if (synchronisesBetween(file, pkg, fn, ch, wg.inCloser, from, to)) continue;
      const first = racing[0];
      return {
        spawner: s,
        ch,
        wg: wg.inCloser,
        go: first.thread.via!,
        send: first.use.op,
        senders: new Set(racing.map((x) => x.thread.via!.id)),
        waits: after,
      };
    }
  }
  return undefined;
}

/**
 * For a close inside a function literal started by `go` in the function that declares the
 * channel (or, for `s.out`, the method whose receiver holds it): that function and the go statement.
 */
function closingGoroutine(file: FileFacts, fn: FuncInfo, identity: unknown): { fn: FuncInfo; go: Node } | undefined {
  if (fn.kind !== 'literal') return undefined;
  const run = closureRun(file, fn.node);
  if (run.how !== 'go') return undefined;
  const starterNode = enclosingFunction(run.stmt);
  if (!starterNode) return undefined;
  const starter = file.funcInfo(starterNode);
  const declares = identity === starter || starter.params.some((p) => p === identity) || file.locals(starter).some((d) => d === identity);
  return declares ? { fn: starter, go: run.stmt } : undefined;
}

function deferred(call: Node): boolean {
  return call.parent?.type === 'defer_statement';
}

/**
 * The goroutine is started by the closing function on its own goroutine, before the close (any
 * time, for a deferred close), and not on a branch that excludes the close.
 */
function startsBefore(thread: Body, ch: Trace, close: Node, atReturn: boolean): boolean {
  const start = startOf(thread);
  return !!start && start.thread === ch.root && (atReturn || start.at.endIndex <= close.startIndex) && !exclusive(start.at, close);
}

/** True when `a` and `b` sit in different branches of one if / switch / select, so no run reaches both. */
function exclusive(a: Node, b: Node): boolean {
  let lca: Node | null = a.parent;
  while (lca && !contains(lca, b)) lca = lca.parent;
  if (!lca) return false;
  const branch = (n: Node) => {
    let c: Node = n;
    while (c.parent && c.parent.id !== lca!.id) c = c.parent;
    return c;
  };
  if (lca.type === 'if_statement') return branch(a).id !== branch(b).id;
  if (lca.type.endsWith('switch_statement') || lca.type === 'select_statement') {
    const ca = branch(a);
    const cb = branch(b);
    return ca.id !== cb.id && /case$/.test(ca.type) && /case$/.test(cb.type);
  }
  return false;
}

/** WaitGroups that may count the senders: those `Add`ed in the spawner and those waited on by the closing function. */
function waitGroups(file: FileFacts, fn: FuncInfo, s: Spawner): { inSpawner: string; inCloser: string; identity: unknown }[] {
  const out = new Map<string, { inSpawner: string; inCloser: string; identity: unknown }>();
  const toCloser = (k: string) => (s.cross ? fn.receiver!.name! + k.slice(s.fn.receiver!.name!.length) : k);
  const toSpawner = (k: string) => (s.cross ? s.fn.receiver!.name! + k.slice(fn.receiver!.name!.length) : k);
  const consider = (call: Node, side: 'spawner' | 'closer') => {
    const operand = callParts(call)?.receiverNode;
    const k = operand ? pathKey(operand) : undefined;
    const head = operand ? headIdent(operand) : undefined;
    if (!operand || !k || !head || !isWaitGroupType(file.typeOf(operand))) return;
    if (s.cross && !k.startsWith((side === 'spawner' ? s.fn : fn).receiver!.name! + '.')) return;
    const inSpawner = side === 'spawner' ? k : toSpawner(k);
    const identity = side === 'spawner' || !s.cross ? identityOf(file, head) : s.fn;
    if (!out.has(inSpawner)) out.set(inSpawner, { inSpawner, inCloser: side === 'closer' ? k : toCloser(k), identity });
  };
  for (const c of descendants(s.fn.body!, 'call_expression', true)) if (isMethodCall(c, 'Add')) consider(c, 'spawner');
  for (const c of descendants(fn.body!, 'call_expression', true)) if (isMethodCall(c, 'Wait')) consider(c, 'closer');
  return [...out.values()];
}

/**
 * True when the closing function does something between the senders' start and the close that
 * may wait for them: a receive, a select, any `Wait()`, ranging over a channel, calling code
 * that receives from this channel, a package function that waits or receives, or anything it
 * hands the WaitGroup to. The senders may then be done, and we stay silent.
 */
function synchronisesBetween(file: FileFacts, pkg: PackageView, fn: FuncInfo, ch: Trace, wg: string, start: number, end: number): boolean {
  const inRange = (n: Node) => n.startIndex >= start && n.endIndex <= end;
  const types = new Set(['unary_expression', 'select_statement', 'call_expression', 'range_clause']);
  for (const n of descendants(fn.body!, types, true)) {
    if (!inRange(n)) continue;
    if (n.type === 'select_statement') return true;
    if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '<-') return true;
    if (n.type === 'call_expression') {
      if (callParts(n)?.name === 'Wait') return true;
      const handed = callArgs(n).some((a) => {
        const k = pathKey(a);
        return !!k && (k === wg || wg.startsWith(k + '.'));
      });
      if (handed) return true;
      const callee = calleeKey(file, n);
      if (callee && pkg.mayWait(callee, RECEIVES_OR_WAITS, true)) return true;
    }
    if (n.type === 'range_clause') {
      const right = n.childForFieldName('right');
      const t = right ? file.typeOf(right) : undefined;
      if (right && (file.channelMake(right) || /^(<-)?chan/.test(t ?? ''))) return true;
    }
  }
  return ch.uses.some((u) => {
    if (u.kind !== 'recv' && u.kind !== 'range') return false;
    const l = lift(u.body, u.op);
    return l.thread === ch.root && inRange(l.at);
  });
}

/**
 * Senders written to survive a close: the goroutine recovers from the panic, or it sends under
 * a mutex that the closing function also takes before closing (the usual `closed` flag guard).
 */
function sendCannotPanic(thread: Body, fn: FuncInfo, close: Node): boolean {
  const calls = descendants(thread.fn.body!, 'call_expression');
  if (calls.some((c) => callParts(c)?.name === 'recover' && !callParts(c)?.receiver)) return true;
  const locks = (cs: Node[]) => cs.some((c) => isMethodCall(c, LOCKS));
  const before = descendants(fn.body!, 'call_expression', true).filter((c) => c.endIndex <= close.startIndex);
  return locks(calls) && locks(before);
}

const LOCKS = new Set(['Lock', 'RLock']);

function span(n: Node) {
  return { start: n.startIndex, end: n.endIndex };
}

function report(file: FileFacts, fn: FuncInfo, close: Node, key: string, race: Race, capacity: Node | undefined) {
  const name = fn.name ? `\`${fn.name}\`` : `the function literal at line ${lineOf(fn.node)}`;
  const wait = race.waits[0];
  const waitText = `${race.wg}.Wait()`;
  const where = race.spawner.cross ? ` (in \`${race.spawner.fn.name}\`)` : '';
  const atReturn = deferred(close);
  const when = !wait
    ? `nothing calls \`${waitText}\` before it`
    : atReturn
      ? `the \`${waitText}\` deferred at line ${lineOf(wait)} runs after it (deferred calls run last first)`
      : deferred(wait)
        ? `the \`${waitText}\` deferred at line ${lineOf(wait)} only runs when ${name} returns`
        : `\`${waitText}\` only comes at line ${lineOf(wait)}`;
  const order = !wait ? `runs with no \`${waitText}\` before it` : atReturn || deferred(wait) ? `runs before the deferred \`${waitText}\`` : `comes before \`${waitText}\``;
  const related: Related[] = [
    { span: span(race.go), message: `this goroutine is counted by \`${race.wg}\` and sends on \`${key}\`` },
    { span: span(race.send), message: 'this send panics if it runs after the close' },
  ];
  if (wait) related.push({ span: span(wait), message: 'the senders are only waited for here' });
  return {
    node: close,
    message:
      `\`${atReturn ? 'defer ' : ''}${quote(close, 32)}\` ${order}: a goroutine can still send \`${quote(race.send, 28)}\` and panic`,
    related,
    steps: [
      `${capitalise(name)} starts the goroutine at line ${lineOf(race.go)}${where}; \`${race.wg}\` counts it, but it has not reached \`${quote(race.send)}\` yet.`,
      atReturn
        ? `${capitalise(name)} returns and its deferred \`${quote(close)}\` (line ${lineOf(close)}) runs without waiting for \`${race.wg}\` (${when}).`
        : `${capitalise(name)} runs \`${quote(close)}\` (line ${lineOf(close)}) without waiting for \`${race.wg}\` (${when}).`,
      `The goroutine then runs \`${quote(race.send)}\` (line ${lineOf(race.send)}) on the closed channel and the program panics with "send on closed channel".`,
    ],
    // A deferred close has no certain fix: waiting at return may block where the close used to panic.
    fixes: atReturn
      ? []
      : [moveAfterWait(file, close, key, race, capacity), closeInGoroutine(file, fn, close, key, race)].filter((f): f is Fix => !!f),
  };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** True when some node under `root` between `from` and `to` names the channel. */
function mentioned(root: Node, key: string, from: number, to: number): boolean {
  return descendants(root, new Set(['identifier', 'selector_expression'])).some(
    (n) => n.startIndex >= from && n.endIndex <= to && pathKey(n) === key,
  );
}

/**
 * Moves the close to just after the `wg.Wait()` that follows it in the same block. That only
 * helps when the senders can all finish before `Wait` returns: the buffer holds every send, or
 * a goroutine that is not waited for ranges over the channel; and nothing between the two reads
 * the channel (that read would wait for the close, which now comes after Wait: a deadlock).
 */
function moveAfterWait(file: FileFacts, close: Node, key: string, race: Race, capacity: Node | undefined): Fix | undefined {
  const stmt = close.parent!;
  const wait = race.waits.find((w) => w.parent?.type === 'expression_statement' && w.parent.parent?.id === stmt.parent?.id);
  if (!wait) return undefined;
  if (mentioned(stmt.parent!, key, stmt.endIndex, wait.startIndex)) return undefined;
  // A return in between would now skip the close.
  const exits = descendants(stmt.parent!, new Set(['return_statement', 'goto_statement', 'break_statement', 'continue_statement']), true);
  if (exits.some((e) => e.startIndex > stmt.endIndex && e.endIndex < wait.startIndex)) return undefined;
  // In a goroutine of its own the close may wait for the senders whoever reads the channel.
  if (!race.spawner.closerGo && !drained(race) && !bufferHoldsAll(file, race, capacity)) return undefined;
  const del = deleteStatement(file.source, stmt);
  const ins = insertLinesAfter(file.source, wait.parent!, [withComment(file, stmt)]);
  if (!del || !ins) return undefined;
  return { title: `Move \`${quote(close)}\` after \`${race.wg}.Wait()\``, edits: [del, ins], safe: true };
}

/** A goroutine the WaitGroup does not count ranges over the channel, so senders are never stuck. */
function drained(race: Race): boolean {
  return race.ch.uses.some((u) => {
    if (u.kind !== 'range') return false;
    const t = lift(u.body, u.op).thread;
    return t.how === 'goroutine' && !race.senders.has(t.via!.id) && (race.spawner.cross || (t.via?.endIndex ?? Infinity) <= (race.waits[0]?.startIndex ?? 0));
  });
}

/**
 * True when the channel's buffer provably holds every value the goroutines send: each sender
 * sends a known number of times, is started directly by the function a known number of times
 * (`for _, x := range xs` -> `len(xs)`), and the total matches the capacity (`make(chan T, len(xs))`).
 */
function bufferHoldsAll(file: FileFacts, race: Race, capacity: Node | undefined): boolean {
  if (!capacity || race.spawner.cross) return false;
  const cap: Count = capacity.type === 'int_literal' ? constCount(Number(capacity.text)) : { kind: 'sym', text: compact(capacity.text) };
  const perThread = new Map<Body, number>();
  for (const u of race.ch.uses) {
    if (u.kind !== 'send') continue;
    const l = lift(u.body, u.op);
    if (l.looped || l.thread.how !== 'goroutine' || l.thread.parent !== race.ch.root) return false;
    perThread.set(l.thread, (perThread.get(l.thread) ?? 0) + 1);
  }
  let total: Count = constCount(0);
  for (const [thread, n] of perThread) {
    const g = file.goStatements.find((x) => x.node.id === thread.via?.id);
    if (!g) return false;
    total = addCounts(total, multiplyCounts(constCount(n), spawnCount(g)));
  }
  if (total.kind === 'const' && cap.kind === 'const') return total.n <= cap.n;
  return total.kind === 'sym' && cap.kind === 'sym' && total.text === cap.text;
}

/**
 * When the function ranges over the channel after closing it: close it instead from a new
 * goroutine that waits first, and drop the separate `wg.Wait()` calls between the close and the
 * loop (the loop now ends only after every sender is done).
 */
function closeInGoroutine(file: FileFacts, fn: FuncInfo, close: Node, key: string, race: Race): Fix | undefined {
  if (race.spawner.cross || race.spawner.closerGo) return undefined;
  const stmt = close.parent!;
  const list = stmt.parent!;
  const loop = race.ch.uses.find(
    (u) => u.kind === 'range' && u.body === race.ch.root && u.op.startIndex > stmt.endIndex && loopStatement(u.op).parent?.id === list.id,
  )?.op;
  if (!loop || loopCanEnd(loop)) return undefined;
  const loopStmt = loopStatement(loop);
  const waits = descendants(fn.body!, 'call_expression', true).filter((c) => isMethodCall(c, 'Wait', race.wg));
  const removed: Node[] = [];
  for (const w of waits) {
    if (w.startIndex > loopStmt.endIndex || deferred(w)) continue;
    if (w.parent?.type !== 'expression_statement' || w.parent.parent?.id !== list.id || w.startIndex < stmt.endIndex) return undefined;
    removed.push(w.parent);
  }
  // Nothing else between the close and the loop may use the channel.
  const others = descendants(list, new Set(['identifier', 'selector_expression'])).filter(
    (n) => n.startIndex >= stmt.endIndex && n.endIndex <= loopStmt.startIndex && pathKey(n) === key,
  );
  if (others.length > 0) return undefined;
  const indent = indentAt(file.source, stmt.startIndex);
  const nl = eol(file.source);
  const text = ['go func() {', `\t${race.wg}.Wait()`, `\t${withComment(file, stmt)}`, '}()'].join(nl + indent);
  const lineEnd = file.source.lineEnd(file.source.lineAt(stmt.endIndex));
  const edits = [{ start: stmt.startIndex, end: lineEnd, newText: text }];
  for (const r of removed) {
    const del = deleteStatement(file.source, r);
    if (!del) return undefined;
    edits.push(del);
  }
  return { title: `Close \`${key}\` in a goroutine after \`${race.wg}.Wait()\``, edits, safe: true };
}

/** A statement with the comment that trails it on its line, so moving it keeps the comment. */
function withComment(file: FileFacts, stmt: Node): string {
  return file.text.slice(stmt.startIndex, file.source.lineEnd(file.source.lineAt(stmt.endIndex))).trimEnd();
}

/** The statement holding a loop in its block (a labelled loop's label statement). */
function loopStatement(loop: Node): Node {
  return loop.parent?.type === 'labeled_statement' ? loop.parent : loop;
}
