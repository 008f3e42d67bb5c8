import { closeArg, inLoop } from '../model/channels';
import { contextsInScope, outermostFunction } from '../model/context';
import { calleeKey, runsOncePerProcess, type PackageView } from '../model/package';
import { baseName } from '../model/locks';
import { eol, indentAt, replaceNode, standsAlone } from '../findings/edits';
import { parseChanMake, type FileFacts, type FuncInfo, type GoStmt, type VarDecl } from '../model/facts';
import {
  MANY,
  addCounts,
  alwaysEvaluated,
  caseHeader,
  caseStatements,
  channelUses,
  constCount,
  fieldHandoffs,
  functionExits,
  isCommaOkReceive,
  isGiveUpCase,
  isNoReturnCall,
  loopCount,
  multiplyCounts,
  sendsPerRun,
  spawnCount,
  spawnLoops,
  terminates,
  type ChannelUses,
  type Count,
  type FieldHandoff,
} from '../model/flow';
import type { Node } from '../syntax/parser';
import { everyPathPasses, exclusive } from '../model/paths';
import { handoffExcludes, sendsAfter, stuckBefore } from '../model/handoff';
import { endsTestGoroutine, recordsTestFailure } from '../model/noreturn';
import type { Fix, Related, Report, Rule, RuleContext, TextEdit } from '../findings/rule';
import {
  ancestor,
  blockStatements,
  callParts,
  caseReceive,
  contains,
  descendants,
  excerpt,
  FUNCTION_TYPES,
  isEndlessLoop,
  jumpTarget,
  lineOf,
  loopExits,
  nextStatement,
  pathKey,
  quote,
  selectCases,
  unparen,
  walk,
} from '../syntax/nodes';

export const rule: Rule = {
  id: 'goroutine-send-leak',
  title: 'Goroutine blocks forever sending on a channel nobody reads any more',
  severity: 'warning',
  severityInTests: 'info',
  category: 'goroutine-leak',
  docs: {
    summary:
      'A goroutine (started by `go`, an errgroup\'s or WaitGroup\'s `Go`, a helper of the file the channel is handed to, or inside a function that returns the channel) sends on a channel, and the function that should receive can stop receiving (a timeout, an early return, too few receives) while the send still waits, so the goroutine blocks forever (information when the function only leaves early because a call of its own failed, when it is a function of package main that runs once per process, and in tests).',
    why:
      'A send on an unbuffered channel completes only when another goroutine receives the value; on a buffered one, only while ' +
      'the buffer has room. When the function that made the channel gives up — a `select` that takes its `time.After` or ' +
      '`ctx.Done()` case, a `return` on an error path, a loop that reads fewer values than goroutines were started — the ' +
      'goroutines that still have a value to deliver wait on their send forever. The runtime never collects a blocked goroutine: ' +
      'its stack and everything it references stay in memory, and a server that does this per request slowly runs out of memory.',
    interleaving: [
      'The function makes `ch := make(chan T)` and starts a goroutine that will do some work and then send on `ch`.',
      'The function stops waiting before the goroutine sends: its timeout fires, an error makes it return, or it has read as many values as it wanted.',
      'The goroutine finishes its work and reaches `ch <- v`. Nobody will ever receive from `ch` again, so the send never completes and the goroutine never exits.',
    ],
    bad: `func lookup(ctx context.Context, key string) (string, error) {
	ch := make(chan string)
	go func() {
		ch <- slowLookup(key) // blocks forever once lookup has returned
	}()
	select {
	case v := <-ch:
		return v, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}`,
    good: `func lookup(ctx context.Context, key string) (string, error) {
	ch := make(chan string, 1) // the goroutine can always deliver and exit
	go func() {
		ch <- slowLookup(key)
	}()
	select {
	case v := <-ch:
		return v, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}`,
    fixes:
      '**Buffer the channel** gives `make` a capacity equal to the number of values the goroutines can send (`1` for one ' +
      'goroutine, `len(ids)` for one goroutine per element of `ids`), so every send completes even when nobody receives; the ' +
      'unread values are garbage collected with the channel. **Wrap the send in a select on ctx.Done()** (offered when the ' +
      'goroutine can see a `context.Context` and every receive of the channel waits in a select that can give up, on a ' +
      'timeout or a context, so that no receiver waits forever for a value its sender dropped) lets the goroutine give up once the context is ' +
      'cancelled; it only helps when the context is cancelled when the receiver leaves, so it is not applied by fix-all.',
  },
  check(ctx) {
    const file = ctx.file;
    // The package view is asked for only where a select could need it: making it summarises every file.
    const view = () => ctx.package;
    const spawners = new Set([...file.goStatements, ...file.groupStarts].map((g) => g.spawner?.node.id));
    const reported = new Set<number>();
    for (const fn of file.functions) {
      // A function that starts no goroutine itself may still hand a channel it makes to a helper that does.
      if (!fn.body || !ctx.inFocus(fn.node) || (!spawners.has(fn.node.id) && !/\bmake\(\s*chan\b/.test(fn.body.text)) || isProgramMain(fn)) continue;
      // goto makes the statement order say nothing about the paths.
      if (descendants(fn.body, 'goto_statement', true).length > 0) continue;
      for (const decl of file.locals(fn)) {
        const made = decl.init ? parseChanMake(decl.init) : undefined;
        if (made) checkChannel(ctx, fn, decl, made, reported);
      }
      if (fn.kind === 'method') {
        for (const h of fieldHandoffs(file, view, fn)) {
          if (reported.has(h.send.id)) continue;
          reported.add(h.send.id);
          ctx.report(reportHandoff(fn, h));
        }
      }
    }
    for (const fn of file.functions) if (fn.body && ctx.inFocus(fn.node)) for (const r of abandonedResults(file, view, fn)) ctx.report(r);
  },
};

/**
 * `select { case v := <-fetch(ctx): ...; case <-ctx.Done(): return }`, where `fetch` returns a
 * channel that a goroutine it starts sends one value on (see FuncSummary.returnsPending): when the
 * give-up case wins, nobody will ever receive, and that goroutine blocks on its send forever. The
 * channel may be held in a variable first (`ch := fetch(ctx)`) that nothing else receives from.
 */
function abandonedResults(file: FileFacts, view: () => PackageView, fn: FuncInfo): Report[] {
  const out: Report[] = [];
  for (const select of descendants(fn.body!, 'select_statement', true)) {
    const cases = selectCases(select);
    const giveUp = cases.find((c) => isGiveUpCase(c, file));
    if (!giveUp) continue;
    for (const c of cases) {
      const recv = c.type === 'communication_case' ? caseReceive(c) : undefined;
      const chan = recv ? unparen(recv.channel) : undefined;
      if (!chan) continue;
      let call: Node | undefined = chan.type === 'call_expression' ? chan : undefined;
      if (!call && chan.type === 'identifier') {
        const decl = file.lookup(chan.text, chan)?.decl;
        const init = decl?.init ? unparen(decl.init) : undefined;
        if (!decl || init?.type !== 'call_expression' || !file.locals(fn).includes(decl)) continue;
        // The variable is received from here only, and this select is not retried for it.
        const uses = descendants(fn.body!, 'identifier').filter((id) => id.text === decl.name && id.id !== decl.node.id && file.lookup(id.text, id)?.decl === decl);
        if (uses.length !== 1 || (ancestor(select, 'for_statement') && !blockStatements(giveUp).some((x) => x.type === 'return_statement'))) continue;
        call = init;
      }
      const key = call ? calleeKey(file, call) : undefined;
      const callee = key ? view().func(key) : undefined;
      const pending = callee?.returnsPending;
      if (!call || !callee || !pending) continue;
      const here = callee.file === file.fileName;
      const where = here ? `line ${pending.send.line}` : `${baseName(callee.file)}:${pending.send.line}`;
      const sendText = excerpt(pending.send.text, 32);
      const header = shortHeader(giveUp);
      const related: Related[] = [{ span: { start: giveUp.startIndex, end: giveUp.startIndex + header.length }, message: 'when this case wins, nothing receives the result any more' }];
      if (here) related.push({ span: { start: pending.send.start, end: pending.send.end }, message: `the goroutine \`${callee.name}\` starts blocks here` });
      const fixes: Fix[] = here ? [{ title: `Buffer the channel \`${callee.name}\` returns with capacity 1`, edits: [{ start: pending.make.start, end: pending.make.end, newText: ', 1' }], safe: true }] : [];
      out.push({
        node: recv!.channel,
        message: `once \`${header}\` wins, the goroutine \`${callee.name}\` started blocks forever on \`${sendText}\` (${where})`,
        related,
        steps: [
          `\`${quote(call)}\` starts a goroutine that will send its result with \`${sendText}\` (${where}) on an unbuffered channel, and returns that channel.`,
          `This select stops waiting when \`${header}\` (line ${lineOf(giveUp)}) wins, and nothing else ever receives from the channel.`,
          'The goroutine finishes its work and blocks on the send forever, with everything it references.',
        ],
        fixes,
      });
    }
  }
  return out;
}

/** A result handed over through a channel field that only this method reads (see {@link fieldHandoffs}). */
function reportHandoff(m: FuncInfo, h: FieldHandoff): Report {
  const M = m.name!;
  const sendText = excerpt(quote(h.send), 32);
  const header = shortHeader(h.giveUp);
  const stopLine = lineOf(h.giveUp);
  const span = (n: Node) => ({ start: n.startIndex, end: n.endIndex });
  return {
    node: h.send,
    message:
      `\`${sendText}\` blocks once ${M} stops receiving (\`${header}\`): nothing else receives from \`${excerpt(h.path, 24)}\``,
    related: [
      { span: span(h.go.node), message: 'the goroutine is started here' },
      { span: span(h.giveUp.childForFieldName('communication') ?? h.giveUp), message: `${M} stops waiting here` },
      { span: span(h.make), message: 'the field is made unbuffered here' },
    ],
    steps: [
      `${M} starts the goroutine at line ${lineOf(h.go.node)}, which will send its result on \`${h.path}\` (line ${lineOf(h.send)}).`,
      `Before the result arrives, \`${header}\` (line ${stopLine}) fires and ${M} returns.`,
      `The goroutine reaches \`${sendText}\`. Only ${M} receives from \`${h.path}\`, so the send waits for the next ${M} call, which takes this stale value as its own result, or forever if no call comes.`,
    ],
  };
}

/** What the goroutines of one go statement can send per run of the function: a count, or a stream (a send inside a loop). */
type Senders = Count | { kind: 'stream'; endless: boolean };

interface Site {
  go: GoStmt;
  /** The sends that can block (not guarded by a select), in document order. */
  sends: Node[];
  /** The most values one goroutine sends in one run. */
  perRun: number;
  count: Senders;
  /** The spawner's loops around the go statement, innermost first. */
  loops: Node[];
  /** Every run of the goroutine sends at least once (on every path through its body). */
  certain: boolean;
  /** A send sits in a loop with no way out (`for { ch <- v }`): the goroutine never stops sending. */
  endless: boolean;
}

interface Channel {
  file: FileFacts;
  fn: FuncInfo;
  decl: VarDecl;
  /**
   * The block that declares the channel: the function body, or a loop body for a channel made per
   * iteration. Leaving it (returning, `continue`, reaching its end) ends every chance to receive.
   */
  scope: Node;
  make: Node;
  capacity?: Node;
  /** The constant buffer size (0 for unbuffered). */
  cap: number;
  uses: ChannelUses;
  receiveIds: Set<number>;
  sites: Site[];
}

/**
 * A place where the function stops receiving: a return, the end of the channel's block, a jump out
 * of that block (`continue`), or a break out of a receive loop.
 */
interface Stop {
  kind: 'return' | 'end' | 'jump' | 'break';
  node: Node;
}

/** What the function surely received on the way to a stop. */
interface Received {
  /** A constant when the syntax proves it; anything else means "maybe enough", and nothing is reported. */
  count: Count;
  /** A select case that gave up waiting on the way (`case <-time.After(d)`). */
  giveUp?: Node;
  /** The stop lies inside a loop that receives, whose earlier iterations are not counted. */
  inLoop?: Node;
  /** The receives come from a loop with a constant count (`for i := 0; i < 3; i++`). */
  countedLoop?: Node;
}

interface Leak {
  stop?: Stop;
  received: Received;
  senders: Senders;
}

function checkChannel(ctx: RuleContext, fn: FuncInfo, decl: VarDecl, made: NonNullable<ReturnType<typeof parseChanMake>>, reported: Set<number>): void {
  const file = ctx.file;
  const capNode = made.capacity;
  // A buffer sized at run time (`make(chan T, n)`): assume the author sized it for the senders.
  if (capNode && capNode.type !== 'int_literal') return;
  const scope = decl.statement.parent?.type === 'statement_list' ? decl.statement.parent.parent : null;
  if (!scope) return;
  const uses = channelUses(file, fn, decl, { helpers: true });
  if (uses.escape || uses.ownSends.length > 0) return;
  const ch: Channel = {
    file,
    fn,
    decl,
    scope,
    make: made.make,
    capacity: capNode,
    cap: capNode ? Number(capNode.text) : 0,
    uses,
    receiveIds: new Set(uses.receives.map((r) => r.id)),
    sites: buildSites(uses, scope),
  };
  if (ch.sites.length === 0) return;
  // Receiving while still spawning (a receive inside the spawn loop) is beyond this analysis.
  if (ch.sites.some((s) => s.loops.some((loop) => uses.receives.some((r) => contains(loop, r))))) return;
  const stops = stopsOf(ch);
  // One finding per channel: with several go statements it is not knowable which of them blocks.
  const leaking: { site: Site; leak: Leak }[] = [];
  for (const site of ch.sites) {
    if (reported.has(site.sends[0].id)) continue;
    const leak = findLeak(ch, site, stops);
    if (leak) leaking.push({ site, leak });
  }
  if (leaking.length === 0) return;
  const sites = leaking.map((l) => l.site);
  for (const s of sites) for (const send of s.sends) reported.add(send.id);
  const fixes: Fix[] = [];
  // The function closes the channel itself (`defer close(ch)`): the late send does not block, it
  // panics, and neither a buffer nor a select on ctx keeps it from sending on a closed channel.
  const closed = uses.closes.find((c) => !c.go)?.node;
  const buffer = closed ? undefined : bufferFix(ch);
  if (buffer) fixes.push(buffer);
  const wrap = closed ? undefined : ctxFix(file, sites, uses.receives);
  if (wrap) fixes.push(wrap);
  // The function leaves early only when a call of its own fails, before it has received anything:
  // one goroutine per failure of that call. In the review of real code maintainers dismissed these
  // (one-shot CLI commands that exit right after, callers that end the process, failures that
  // cannot happen): worth knowing, not a warning. A timeout or a receive loop left early stays one.
  const leak = leaking[0].leak;
  const nothingYet = leak.received.count.kind === 'const' && leak.received.count.n === 0;
  const onOwnError = nothingYet && !leak.received.giveUp && !leak.received.inLoop && leak.stop?.kind === 'return' && onErrorPath(leak.stop.node);
  // In a function of package main that runs once, the goroutine is stranded as the process ends.
  const top = outermostFunction(file, ch.make);
  const atExit = top !== undefined && runsOncePerProcess(file, ctx.package, top);
  report(ctx, ch, sites, leak, fixes, closed, onOwnError || atExit || serverErrorOnly(ch, sites, leak) ? 'info' : undefined);
}

/** Errors a server's Serve returns once Shutdown, Close or Stop has been called on it. */
const SERVER_CLOSED = /\bErr(Server)?(Closed|Stopped)\b/;
const SERVER_STOPS = new Set(['Shutdown', 'Close', 'Stop', 'GracefulStop']);

/**
 * The goroutine sends only when Serve fails with something other than "server closed", and the
 * function stops that server on its way out once it stops receiving (tailscale's API proxy: `case
 * <-ctx.Done()`, then `return hs.Shutdown(ctx)`; navidrome: `server.Shutdown(ctx)`, then `return
 * nil`; or a deferred `Close`). Serve then returns the filtered error and sends nothing; the send
 * blocks only when serving fails on its own in the same instant, once. Every way to the stop
 * passes a stop call (the goroutine may serve through a method value, `serve := hs.Serve`).
 */
function serverErrorOnly(ch: Channel, sites: readonly Site[], leak: Leak): boolean {
  const stop = leak.stop;
  const body = ch.fn.body;
  if (!stop || !body) return false;
  const filtered = sites.every((s) => s.sends.every((send) => underCondition(send, (cond) => SERVER_CLOSED.test(cond))));
  if (!filtered) return false;
  const stopsServer = descendants(body, 'call_expression', true).filter((call) => {
    const parts = callParts(call);
    return !!parts?.receiver && SERVER_STOPS.has(parts.name);
  });
  if (stop.kind === 'return' && stopsServer.some((c) => contains(stop.node, c))) return true;
  // A deferred stop runs at the return: the defer statement is the mark.
  const marks = stopsServer.map((c) => (c.parent?.type === 'defer_statement' ? c.parent : c));
  if (stop.kind === 'end') return ch.scope.id === body.id && everyPathPasses(ch.fn.node, marks);
  return everyPathPasses(ch.fn.node, marks, stop.node);
}

/**
 * True when `n` runs only when an error happened: it sits in the body of an `if err != nil`
 * (or `if err := f(); err != nil`) of its own function.
 */
function onErrorPath(n: Node): boolean {
  return underCondition(n, (cond) => /^\(?\s*\w*[eE]rr\w*\s*!=\s*nil\s*\)?$/.test(cond));
}

/** True when `n` sits in the body of an `if` of its own function whose condition's text passes `test`. */
function underCondition(n: Node, test: (cond: string) => boolean): boolean {
  for (let x: Node | null = n; x && !FUNCTION_TYPES.has(x.type); x = x.parent) {
    const up = x.parent;
    if (up?.type === 'if_statement' && up.childForFieldName('consequence')?.id === x.id && test(up.childForFieldName('condition')?.text ?? '')) return true;
  }
  return false;
}

/** `func main` of a program: when it returns the process exits, so blocked goroutines do not matter. */
function isProgramMain(fn: FuncInfo): boolean {
  return fn.kind === 'function' && fn.name === 'main';
}

function buildSites(uses: ChannelUses, scope: Node): Site[] {
  const byGo = new Map<number, { go: GoStmt; sends: Node[] }>();
  for (const s of uses.sends) {
    if (s.guarded) continue;
    const entry = byGo.get(s.go.node.id) ?? { go: s.go, sends: [] };
    entry.sends.push(s.node);
    byGo.set(s.go.node.id, entry);
  }
  const sites: Site[] = [];
  for (const { go, sends } of byGo.values()) {
    const blocking = new Set(sends.map((s) => s.id));
    const { min, max: perRun } = sendsPerRun(go.target!.body!, (n) => blocking.has(n.id));
    if (perRun === 0) continue;
    sends.sort((a, b) => a.startIndex - b.startIndex);
    const endless = sends.some((x) => inEndlessLoop(x));
    const count: Senders = perRun === Infinity ? { kind: 'stream', endless } : multiplyCounts(spawnCount(go, scope), constCount(perRun));
    const certain = min >= 1;
    sites.push({ go, sends, perRun, count, loops: spawnLoops(go, scope), certain, endless });
  }
  return sites.sort((a, b) => a.go.node.startIndex - b.go.node.startIndex);
}

/**
 * Inside a `for {}` (within its function) that neither breaks out nor returns, and that waits on
 * nothing else: a loop that first receives a request (`x := <-req; resp <- f(x)`) is a server
 * that blocks on its request channel, not on this send.
 */
function inEndlessLoop(n: Node): boolean {
  for (let p = n.parent; p && !FUNCTION_TYPES.has(p.type); p = p.parent) {
    if (p.type !== 'for_statement' || !isEndlessLoop(p)) continue;
    const exits = loopExits(p);
    if (exits.jumps || exits.returns) continue;
    const waits = descendants(p, new Set(['unary_expression', 'select_statement']), true).some(
      (x) => x.type === 'select_statement' || x.childForFieldName('operator')?.text === '<-',
    );
    if (!waits) return true;
  }
  return false;
}

function total(sites: readonly Site[]): Senders {
  if (sites.some((s) => s.count.kind === 'stream')) return { kind: 'stream', endless: sites.some((s) => s.endless) };
  const sum = (xs: readonly Site[]) => xs.reduce<Count>((acc, x) => addCounts(acc, x.count as Count), constCount(0));
  // Goroutines started on paths that exclude each other (if/else arms) never run together: group
  // the sites that can run in one call (linked by "not exclusive"); one run has one group's senders.
  const groups: Site[][] = [];
  for (const x of sites) {
    const linked = groups.filter((g) => g.some((y) => !exclusive(x.go.node, y.go.node)));
    const merged = [x, ...linked.flat()];
    for (const g of linked) groups.splice(groups.indexOf(g), 1);
    groups.push(merged);
  }
  if (groups.length > 1) {
    const totals = groups.map(sum);
    if (totals.every((c) => c.kind === 'const')) return constCount(Math.max(...totals.map((c) => (c as { n: number }).n)));
    const texts = new Set(totals.map((c) => (c.kind === 'sym' ? c.text : '')));
    if (texts.size === 1 && totals[0].kind === 'sym') return totals[0];
  }
  return sum(sites);
}

/**
 * True when `senders` values cannot all be delivered: more than the proven receives plus the
 * buffer. An unknown number of senders (one goroutine per element, a stream) is reported only
 * against an unbuffered channel, where any sender past the proven receives blocks.
 */
function leaks(senders: Senders, cap: number, received: Count): boolean {
  if (received.kind !== 'const') return false;
  if (senders.kind === 'const') return senders.n > received.n + cap;
  return cap === 0;
}

/**
 * Returns, the end of the channel's block, jumps out of it, and breaks out of a receive loop after
 * which nothing receives.
 */
function stopsOf(ch: Channel): Stop[] {
  const stops: Stop[] = [];
  for (const e of functionExits(ch.fn)) {
    if (e.kind === 'return' && contains(ch.scope, e.node)) stops.push({ kind: 'return', node: e.node });
  }
  const last = blockStatements(ch.scope).at(-1);
  if (!last || !terminates(last)) stops.push({ kind: 'end', node: ch.scope });
  // In a test, `t.Fatal` (and `FailNow`, `Skip`) ends the test's goroutine as a return does.
  if (ch.file.isTest) {
    walk(ch.scope, (n) => {
      if (n.id !== ch.scope.id && FUNCTION_TYPES.has(n.type)) return false;
      if (n.type === 'expression_statement' && n.namedChild(0) && endsTestGoroutine(ch.file, unparen(n.namedChild(0)!))) stops.push({ kind: 'return', node: n });
    });
  }
  walk(ch.scope, (n) => {
    if (n.id !== ch.scope.id && FUNCTION_TYPES.has(n.type)) return false;
    if (n.type !== 'break_statement' && n.type !== 'continue_statement') return;
    const target = jumpTarget(n);
    if (!target) return;
    if (!contains(ch.scope, target)) {
      stops.push({ kind: 'jump', node: n });
      return;
    }
    if (n.type !== 'break_statement' || target.type !== 'for_statement' || !ch.uses.receives.some((r) => contains(target, r))) return;
    if (ch.uses.receives.some((r) => r.startIndex >= target.endIndex)) return;
    stops.push({ kind: 'break', node: n });
  });
  return stops.sort((a, b) => stopOffset(a) - stopOffset(b));
}

function stopOffset(s: Stop): number {
  return s.kind === 'end' ? s.node.endIndex : s.node.startIndex;
}

/** A stop concerns a go statement that may have run before it: later in the text, or inside the same loop. */
function reaches(site: Site, stop: Stop): boolean {
  return stop.kind === 'end' || stop.node.startIndex >= site.go.node.endIndex || site.loops.some((l) => contains(l, stop.node));
}

function findLeak(ch: Channel, site: Site, stops: Stop[]): Leak | undefined {
  if (ch.uses.receives.length === 0) {
    const senders = total(ch.sites);
    return leaks(senders, ch.cap, constCount(0)) ? { received: { count: constCount(0) }, senders } : undefined;
  }
  for (const stop of stops) {
    if (!reaches(site, stop)) continue;
    const active = ch.sites.filter((s) => reaches(s, stop));
    const senders = total(active);
    const received = receivedBefore(ch, stop, active);
    if (!leaks(senders, ch.cap, received.count)) continue;
    // Goroutines that send only on some paths (the last one to finish signals) may have sent no more than
    // was received. (Producer loops are judged below.)
    const unsure = active.some((s) => !s.certain && s.count.kind !== 'stream');
    if (received.count.kind === 'const' && received.count.n > 0 && unsure) continue;
    if (!received.giveUp) {
      // Leaving a receive loop is a leak only when it is decided by a received value (an error, a match);
      // a counter (`if active == 0 { return }`) may well have counted every sender. Not so for a range
      // over the channel that a producer loop closes: only the close ends it, nothing counts, and any
      // early exit (a failed `os.ReadFile` of a received path) leaves the producer with more to send.
      const untilClose = !!received.inLoop && senders.kind === 'stream' && rangesOverChannel(ch, received.inLoop) && ch.uses.closes.some((c) => c.go);
      if (received.inLoop && !untilClose && !decidedByReceivedValue(ch, stop, received.inLoop)) continue;
      // Leaving on a received error that the sender sends only as its last message (`ch <- result{err: err};
      // return`) strands nobody: the sender is done (telegraf's cgroup walker).
      if (received.inLoop && leftOnFinalError(ch, stop, received.inLoop, active)) continue;
      // A producer loop sends an unknown number of values, which may be exactly what was received; it is
      // certainly left behind only when it never stops, when nothing was received yet, or when it closes the
      // channel (so the receiver is meant to read until the close) and the receiver left its loop early.
      if (senders.kind === 'stream' && !senders.endless) {
        const nothingYet = !received.inLoop && received.count.kind === 'const' && received.count.n === 0;
        if (!nothingYet && !(received.inLoop && ch.uses.closes.some((c) => c.go))) continue;
      }
    }
    // Outside tests, a crash or a fatal log ends the process: the blocked goroutine goes with it. A
    // test that gives up waiting (a timeout that fails it) has already failed. But a test that leaves
    // its receive loop on a bad value (`t.Fatalf`, or `t.Errorf` and return) strands the other
    // senders for the rest of the run: reported, as information in tests.
    if ((!ch.file.isTest || received.giveUp) && failurePath(ch, stop, received)) continue;
    // The goroutine gets to its sends only on runs that this stop excludes: it is still stuck at an
    // earlier send the function never received (reported on its own), or the value it handed over
    // first says it gave up whenever the value the function received says the function leaves.
    if (stop.kind !== 'end' && site.sends.every((s) => stuckBefore(ch.file, ch.fn, site.go, s, stop.node) || handoffExcludes(ch.file, ch.fn, site.go, s, stop.node))) continue;
    return { stop, received, senders };
  }
  return undefined;
}

/**
 * True when every if/switch between the stop and the receive loop tests a value received from the
 * channel (`if err := <-errc; err != nil`, `case r := <-ch: if r.Err != nil`), or there is none.
 */
function decidedByReceivedValue(ch: Channel, stop: Stop, loop: Node): boolean {
  const names = receivedNames(ch);
  return decisionsBetween(stop, loop).every(({ head }) =>
    head.some((h) => receivesIn(ch, h).length > 0 || descendants(h, 'identifier').some((id) => names.has(id.text))),
  );
}

/** The ifs and switches between `stop` and `loop` whose branch holds `stop`, with their heads (initializer, condition, tag). */
function decisionsBetween(stop: Stop, loop: Node): { node: Node; head: Node[] }[] {
  const out: { node: Node; head: Node[] }[] = [];
  let child = stop.node;
  for (let p = child.parent; p && p.id !== loop.id; child = p, p = p.parent) {
    if (p.type !== 'if_statement' && p.type !== 'expression_switch_statement') continue;
    const head = ['initializer', 'condition', 'value'].map((f) => p!.childForFieldName(f)).filter((x): x is Node => x !== null);
    if (!head.some((h) => h.id === child.id)) out.push({ node: p, head });
  }
  return out;
}

const ERR_NAME = /^err(or)?$/i;

/**
 * True when the conditions between `stop` and the receive loop test an error carried by the
 * received value (`if file.err != nil`, `if err != nil` for `err := <-errc`), and every send of the
 * active goroutines that carries an error (`ch <- pathInfo{err: err}`, `ch <- err`) is followed by
 * a `return`: the error is the sender's last message.
 */
function leftOnFinalError(ch: Channel, stop: Stop, loop: Node, active: readonly Site[]): boolean {
  const names = receivedNames(ch);
  const testsError = decisionsBetween(stop, loop).some(({ node }) => {
    const cond = node.type === 'if_statement' ? node.childForFieldName('condition') : null;
    return (
      !!cond &&
      descendants(cond, new Set(['selector_expression', 'identifier']), true).some((x) =>
        x.type === 'selector_expression'
          ? ERR_NAME.test(x.childForFieldName('field')?.text ?? '') && names.has(x.childForFieldName('operand')?.text ?? '')
          : ERR_NAME.test(x.text) && names.has(x.text),
      )
    );
  });
  if (!testsError) return false;
  const sends = active.flatMap((s) => s.sends);
  const carriesError = (send: Node) => {
    const v = send.childForFieldName('value');
    if (!v) return false;
    if (v.type === 'identifier') return ERR_NAME.test(v.text);
    return descendants(v, 'keyed_element').some((k) => ERR_NAME.test(k.namedChild(0)?.text ?? ''));
  };
  const errorSends = sends.filter(carriesError);
  return errorSends.length > 0 && errorSends.every(followedByReturn);
}

/** The statement after the send is a `return`. */
function followedByReturn(send: Node): boolean {
  return nextStatement(send)?.type === 'return_statement';
}

/** Names the function stores received values in: `v := <-ch`, `case v, ok := <-ch:`, `for v := range ch`. */
function receivedNames(ch: Channel): Set<string> {
  const names = new Set<string>();
  for (const r of ch.uses.receives) {
    let holder: Node | null = r.type === 'range_clause' ? r : r.parent;
    if (holder?.type === 'expression_list') holder = holder.parent;
    const left = holder && ['range_clause', 'short_var_declaration', 'assignment_statement', 'receive_statement'].includes(holder.type) ? holder.childForFieldName('left') : null;
    for (const id of left ? descendants(left, 'identifier') : []) names.add(id.text);
  }
  return names;
}

/** The receives that surely happened on the way from the go statements to `stop`. */
function receivedBefore(ch: Channel, stop: Stop, active: readonly Site[]): Received {
  const got: Received = { count: constCount(0) };
  const add = (c: Count) => (got.count = addCounts(got.count, c));
  const goNodes = active.map((s) => s.go.node);
  const first = Math.min(...goNodes.map((g) => g.startIndex));
  const certain = active.every((s) => s.certain);
  const addStatement = (s: Node) => {
    if (s.endIndex <= first) return;
    if (goNodes.some((g) => contains(s, g))) {
      if (receivesIn(ch, s).length > 0) add(MANY);
      return;
    }
    const r = statementReceives(ch, s, certain);
    add(r.count);
    gaveUp(got, r.giveUp);
    got.countedLoop ??= r.countedLoop;
  };
  const body = ch.scope;
  if (stop.kind === 'end') {
    for (const s of blockStatements(body)) addStatement(s);
    return got;
  }
  if (stop.kind === 'return') add(expressionReceives(ch, stop.node));
  let child = stop.node;
  for (let p = child.parent; p && child.id !== body.id; child = p, p = p.parent) {
    switch (p.type) {
      case 'statement_list':
        for (const s of blockStatements(p)) {
          if (s.startIndex >= child.startIndex) break;
          addStatement(s);
        }
        break;
      case 'if_statement':
      case 'expression_switch_statement':
      case 'type_switch_statement': {
        const head = ['initializer', 'condition', 'value'].map((f) => p!.childForFieldName(f));
        if (head.some((h) => h?.id === child.id)) break;
        for (const h of head) if (h) add(expressionReceives(ch, h));
        break;
      }
      case 'communication_case': {
        if (child.type !== 'statement_list') break;
        const recv = receiveOfCase(ch, p);
        if (recv) add(isCommaOkReceive(recv) ? MANY : constCount(1));
        else if (givesUp(ch, p)) gaveUp(got, p);
        else add(MANY);
        break;
      }
      case 'default_case':
        if (p.parent?.type === 'select_statement') gaveUp(got, p);
        break;
      case 'for_statement':
        if (child.type === 'block' && receivesIn(ch, p).length > 0) {
          got.inLoop ??= p;
          if (rangesOverChannel(ch, p)) add(constCount(1));
        }
        break;
    }
  }
  return got;
}

/**
 * Keeps the last give-up on the way to the stop: a select that waited a moment for an early error
 * (`case <-time.After(50 * time.Millisecond)`) and a later one that gave up for good both precede
 * it, and the later one is where receiving ended. (The candidates all lie on one way to the stop,
 * nested or one after another, so the later in the text is the later on the way.)
 */
function gaveUp(got: Received, c: Node | undefined): void {
  if (c && (!got.giveUp || c.startIndex > got.giveUp.startIndex)) got.giveUp = c;
}

function receivesIn(ch: Channel, node: Node): Node[] {
  return ch.uses.receives.filter((r) => contains(node, r));
}

/** The receive of `ch` that a select case waits on, if it is one. */
function receiveOfCase(ch: Channel, c: Node): Node | undefined {
  const comm = c.type === 'communication_case' ? c.childForFieldName('communication') : null;
  return comm ? receivesIn(ch, comm)[0] : undefined;
}

/**
 * A select case that, when it wins, means the function stopped waiting for `ch`: a timeout, a
 * cancellation, a default, or a receive from another channel made here that none of `ch`'s sending
 * goroutines sends on (`quit`, a second worker's result). A channel those goroutines also send on
 * may carry the value instead of `ch` (`errc` or `results`), so it is not a give-up.
 */
function givesUp(ch: Channel, c: Node): boolean {
  if (isGiveUpCase(c, ch.file)) return true;
  const other = c.type === 'communication_case' ? caseReceive(c)?.channel : undefined;
  if (other?.type !== 'identifier') return false;
  // Another result channel's case in a select that a loop runs again (`for { select { case p :=
  // <-a: ... case o := <-b: ... }; if left == 0 { break } }`, pulsar's ListWithContext) is the
  // loop taking the other result first, not the function giving up on this channel: when it
  // leaves depends on the loop's own count, which the path does not show.
  if (inLoop(c, ch.fn.node)) return false;
  const decl = ch.file.lookup(other.text, other)?.decl;
  if (!decl || decl === ch.decl || !decl.init || !parseChanMake(decl.init) || !ch.file.locals(ch.fn).includes(decl)) return false;
  const uses = channelUses(ch.file, ch.fn, decl, { helpers: true });
  const ours = new Set(ch.sites.map((s) => s.go.node.id));
  return !uses.escape && !uses.sends.some((s) => ours.has(s.go.node.id));
}

function rangesOverChannel(ch: Channel, loop: Node): boolean {
  return loop.namedChildren.some((c) => c?.type === 'range_clause' && ch.receiveIds.has(c.id));
}

/** Receives inside an expression (a return's results, an if's condition) that always run with it. */
function expressionReceives(ch: Channel, node: Node): Count {
  const recs = receivesIn(ch, node);
  if (recs.length === 0) return constCount(0);
  return recs.every((r) => alwaysEvaluated(r, node) && !isCommaOkReceive(r)) ? constCount(recs.length) : MANY;
}

/**
 * The values a statement that completed normally surely received. `certain` says every goroutine
 * sends on every run: then an if whose branch goes on without receiving is a path that strands a
 * sender (without it, the branch may match a goroutine that did not send).
 */
function statementReceives(ch: Channel, stmt: Node, certain: boolean): Received {
  const recs = receivesIn(ch, stmt);
  if (recs.length === 0) return { count: constCount(0) };
  let s = stmt;
  while (s.type === 'labeled_statement') s = s.namedChildren.find((c) => c !== null && c.type !== 'label_name') ?? s;
  if (s.type === 'for_statement') return loopReceives(ch, s, recs);
  if (s.type === 'select_statement') return selectReceives(ch, s, recs);
  if (s.type === 'if_statement' && certain) return { count: ifReceives(ch, s) };
  return { count: expressionReceives(ch, stmt) };
}

/** The fewest values an if/else-if chain receives on a branch that continues after it. */
function ifReceives(ch: Channel, stmt: Node): Count {
  const headOf = (s: Node) => ['initializer', 'condition'].map((f) => s.childForFieldName(f)).filter((x): x is Node => x !== null);
  let head: Count = constCount(0);
  for (const h of headOf(stmt)) head = addCounts(head, expressionReceives(ch, h));
  let fewest: number | undefined;
  const consider = (branch: Node | null) => {
    if (branch && terminates(branch)) return; // that path does not reach the code after the if
    const c = branch ? expressionReceives(ch, branch) : constCount(0);
    if (c.kind === 'const') fewest = Math.min(fewest ?? Infinity, c.n);
  };
  for (let s: Node | null = stmt; s; ) {
    // An else-if condition runs only on some paths.
    if (s.id !== stmt.id && headOf(s).some((h) => receivesIn(ch, h).length > 0)) return MANY;
    consider(s.childForFieldName('consequence'));
    const alt: Node | null = s.childForFieldName('alternative');
    if (alt?.type === 'if_statement') s = alt;
    else {
      consider(alt);
      s = null;
    }
  }
  return fewest === undefined ? MANY : addCounts(head, constCount(fewest));
}

/** A loop that receives once (or k times) per iteration, run a counted number of times. */
function loopReceives(ch: Channel, loop: Node, recs: Node[]): Received {
  if (rangesOverChannel(ch, loop)) return { count: MANY }; // drains the channel until it is closed
  const body = loop.childForFieldName('body');
  if (!body || recs.some((r) => !alwaysEvaluated(r, body) || isCommaOkReceive(r))) return { count: MANY };
  if (descendants(body, 'continue_statement', true).some((c) => jumpTarget(c)?.id === loop.id)) return { count: MANY };
  const count = multiplyCounts(loopCount(loop), constCount(recs.length));
  return { count, countedLoop: count.kind === 'const' ? loop : undefined };
}

/**
 * A select with a case receiving from the channel: one value when every other case leaves (returns,
 * continues), none when a give-up case (timeout, ctx.Done(), default) can fall through to the code
 * after it; unknown when another data case can.
 */
function selectReceives(ch: Channel, select: Node, recs: Node[]): Received {
  const cases = selectCases(select);
  const mine = cases.find((c) => receiveOfCase(ch, c));
  if (!mine) return { count: MANY };
  const recv = receiveOfCase(ch, mine)!;
  if (recs.some((r) => r.id !== recv.id)) return { count: MANY };
  let giveUp: Node | undefined;
  for (const c of cases) {
    if (c.id === mine.id) continue;
    const last = caseStatements(c).at(-1);
    if (last && terminates(last)) continue;
    if (!givesUp(ch, c)) return { count: MANY };
    giveUp ??= c;
  }
  if (giveUp) return { count: constCount(0), giveUp };
  return { count: isCommaOkReceive(recv) ? MANY : constCount(1) };
}

/**
 * True when the path to the stop reports a failure (`t.Fatal`, `t.Error`, `panic`, `log.Fatal`): a
 * goroutine left blocked after a failed test or a crash is not the bug worth reporting.
 */
function failurePath(ch: Channel, stop: Stop, got: Received): boolean {
  const places: Node[] = [];
  if (got.giveUp) places.push(...caseStatements(got.giveUp));
  if (stop.kind !== 'end') {
    places.push(stop.node);
    const list = stop.node.parent;
    if (list?.type === 'statement_list') places.push(...blockStatements(list).filter((s) => s.startIndex < stop.node.startIndex));
  }
  return places.some((p) =>
    descendants(p, 'call_expression', true).some((call) => isNoReturnCall(call) || recordsTestFailure(ch.file, call)),
  );
}

// ---------------------------------------------------------------------------------------------
// Reporting

function report(ctx: RuleContext, ch: Channel, sites: Site[], leak: Leak, fixes: Fix[], closed?: Node, severity?: 'info'): void {
  const site = sites[0];
  const send = site.sends[0];
  const name = ch.decl.name;
  const F = ch.fn.name ?? `the function literal at line ${lineOf(ch.fn.node)}`;
  /** For the message, which names one line at most. */
  const Fm = ch.fn.name ?? 'the function literal';
  const { stop, received } = leak;
  const stopNode = stopAnchor(leak);
  const stopLine = stopNode ? (stop?.kind === 'end' && stopNode === stop.node ? endLine(stop.node) : lineOf(stopNode)) : 0;
  const got = received.count.kind === 'const' ? received.count.n : 0;
  const values = (n: number) => (n === 1 ? 'one value' : `${n} values`);
  const senders = describeSenders(leak.senders, ch.sites, site);

  // How the function leaves, as "[can] return at line 12 (`return err`)" / "returns at line 12 (...)".
  const [leave, leaves] = stop ? leaving(ch, stop, stopLine) : ['', ''];
  let why: string;
  let event: string;
  if (!stop) {
    why = `${Fm} never receives from \`${name}\``;
    event = `${F} never receives from \`${name}\`.`;
  } else if (received.giveUp) {
    const header = shortHeader(received.giveUp);
    why = `${Fm} stops receiving at line ${stopLine} (\`${header}\`)`;
    event =
      received.giveUp.type === 'default_case'
        ? `No value is ready yet, so \`default\` (line ${stopLine}) runs and ${F} stops waiting for \`${name}\`.`
        : `\`${header}\` (line ${stopLine}) is ready first, so ${F} stops waiting for \`${name}\`.`;
  } else if (stop.kind === 'break') {
    why = `${Fm} stops receiving at line ${stopLine} while ${senders}`;
    event = `${F} leaves its receive loop at line ${stopLine} (\`${quote(stop.node)}\`) while values are still to come.`;
  } else if (received.inLoop) {
    why = `${Fm} can ${leave} from its receive loop while ${senders}`;
    event = `${F} ${leaves} in the middle of its receive loop.`;
  } else if (received.countedLoop && got > 0) {
    why = `${Fm} receives only ${values(got)} but ${senders}`;
    event = `${F} receives ${values(got)} in the loop at line ${lineOf(received.countedLoop)} and moves on.`;
  } else if (got > 0) {
    why = `${Fm} ${leaves} after receiving ${values(got)} but ${senders}`;
    event = `${F} receives ${values(got)} and ${leaves}.`;
  } else {
    why = `${Fm} can ${leave} ${stop.kind === 'end' ? 'without receiving' : 'before receiving'}`;
    event = `${F} ${leaves} without receiving.`;
  }

  const buffer = ch.cap === 0 ? 'it has no buffer, so every send waits for a receiver' : `its buffer holds only ${values(ch.cap)}`;
  const loop = site.loops[0];
  const steps = [
    `${F} makes \`${name}\` at line ${lineOf(ch.make)} with \`${quote(ch.make)}\`: ${buffer}.`,
    sites.length === 1
      ? `It starts the goroutine at line ${lineOf(site.go.node)}${loop ? `, once per iteration of the loop at line ${lineOf(loop)}` : ''}.`
      : `It starts goroutines at lines ${listLines(sites.map((s) => lineOf(s.go.node)))}, each sending on \`${name}\`.`,
    event,
    closed
      ? `${F} runs \`${quote(closed)}\` (line ${lineOf(closed)}) on its way out; the goroutine then reaches \`${quote(send)}\` (line ${lineOf(send)}) and panics: send on closed channel.`
      : `${sites.length === 1 ? 'The goroutine' : 'A goroutine'} reaches \`${quote(send)}\` (line ${lineOf(send)}); nobody will receive again, so it blocks forever and keeps everything it references alive.`,
  ];
  const related: Related[] = [
    { span: span(site.go.node), message: 'the goroutine is started here' },
    { span: span(ch.make), message: `\`${name}\` is made here` },
  ];
  if (stopNode) related.push({ span: stop?.kind === 'end' && stopNode === stop.node ? endSpan(stopNode) : span(stopNode), message: 'receiving stops here' });
  if (closed) related.push({ span: span(closed), message: `\`${name}\` is closed here, before the late send` });
  for (const other of site.sends.slice(1)) related.push({ span: span(other), message: 'another send that can block' });
  for (const other of sites.slice(1)) {
    related.push({ span: span(other.go.node), message: 'another goroutine sending on the channel' });
    for (const o of other.sends) related.push({ span: span(o), message: 'a send that can block' });
  }
  const who = closed
    ? `\`${quote(send, 28)}\` can run after \`${quote(closed, 24)}\` and panic`
    : sites.length === 1
      ? `\`${quote(send, 28)}\` blocks forever`
      : `goroutines sending on \`${name}\` can block forever`;
  ctx.report({
    node: send,
    message: `${who}: ${why}`,
    severity,
    steps,
    related,
    fixes,
  });
}

/** How the function leaves the channel's block at a stop: the bare verb phrase and the third person. */
function leaving(ch: Channel, stop: Stop, line: number): [string, string] {
  if (stop.kind === 'end') {
    if (ch.scope.id === ch.fn.body?.id) return [`finish at line ${line}`, `finishes at line ${line}`];
    if (ch.scope.parent?.type === 'for_statement') return [`go on to the next iteration at line ${line}`, `goes on to the next iteration at line ${line}`];
    return [`leave the block at line ${line}`, `leaves the block at line ${line}`];
  }
  if (stop.kind === 'return') return [`return at line ${line}`, `returns at line ${line}`];
  if (stop.node.type === 'continue_statement') return [`skip to the next iteration at line ${line}`, `skips to the next iteration at line ${line}`];
  return [`break out at line ${line}`, `breaks out at line ${line}`];
}

/** The node to point at for the moment receiving stops. */
function stopAnchor(leak: Leak): Node | undefined {
  if (!leak.stop) return undefined;
  if (leak.received.giveUp) return leak.received.giveUp;
  if (leak.stop.kind !== 'break' && !leak.received.inLoop && leak.received.countedLoop) return leak.received.countedLoop;
  return leak.stop.node;
}

function describeSenders(senders: Senders, sites: Site[], site: Site): string {
  if (senders.kind === 'stream') return 'the goroutine keeps sending';
  if (senders.kind === 'const') return senders.n === 1 ? 'one value is sent' : `${senders.n} values are sent`;
  if (senders.kind === 'sym' && sites.length === 1 && site.loops.length === 1) {
    const range = site.loops[0].namedChildren.find((c) => c?.type === 'range_clause');
    const over = range?.childForFieldName('right');
    if (over) return `one goroutine per element of \`${quote(over, 24)}\` sends`;
    return `\`${senders.text}\` goroutines send`;
  }
  return 'more goroutines send';
}

/** A case header for messages; long call arguments become `...`: `case <-time.After(...)`. */
function shortHeader(c: Node): string {
  const text = caseHeader(c).replace(/\s+/g, ' ');
  if (text.length <= 40) return text;
  return excerpt(text.replace(/\((.+)\)$/, '(...)'), 40);
}

/** `12`, `12 and 14`, `12, 13 and 14`. */
function listLines(lines: number[]): string {
  return lines.length === 1 ? String(lines[0]) : `${lines.slice(0, -1).join(', ')} and ${lines.at(-1)}`;
}

function span(n: Node): { start: number; end: number } {
  return { start: n.startIndex, end: n.endIndex };
}

/** The closing brace of a body. */
function endSpan(body: Node): { start: number; end: number } {
  return { start: body.endIndex - 1, end: body.endIndex };
}

function endLine(body: Node): number {
  return body.endPosition.row + 1;
}

// ---------------------------------------------------------------------------------------------
// Fixes

/** `make(chan T)` -> `make(chan T, n)` with n the number of values all goroutines can send. */
function bufferFix(ch: Channel): Fix | undefined {
  const senders = total(ch.sites);
  let capText: string | undefined;
  if (senders.kind === 'const') capText = String(senders.n);
  else if (senders.kind === 'sym' && ch.sites.length === 1 && ch.sites[0].perRun === 1 && ch.sites[0].loops.length === 1) {
    capText = loopLength(ch, ch.sites[0].loops[0]);
  }
  if (!capText) return undefined;
  const elem = ch.make.childForFieldName('arguments')?.namedChildren[0];
  if (!elem) return undefined;
  const edit: TextEdit = ch.capacity ? replaceNode(ch.capacity, capText) : { start: elem.endIndex, end: elem.endIndex, newText: `, ${capText}` };
  // One goroutine that sends once here and then on other channels (`errc <- err`, later `rowsc <- rows`):
  // with only this buffer it would go on to block at the next send, so those get room for their value too.
  const site = ch.sites.length === 1 && ch.sites[0].sends.length === 1 && ch.sites[0].perRun === 1 && capText === '1' ? ch.sites[0] : undefined;
  const later = site ? sendsAfter(ch.file, ch.fn, site.go, site.sends[0]) : [];
  const edits = [edit];
  for (const l of later) {
    const e = l.make.childForFieldName('arguments')?.namedChildren[0];
    if (!e) return undefined;
    edits.push({ start: e.endIndex, end: e.endIndex, newText: ', 1' });
  }
  const names = [ch.decl.name, ...later.map((l) => l.decl.name)].map((n) => `\`${n}\``);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return { title: `Buffer ${list} with capacity ${capText}`, edits, safe: true };
}

/**
 * The spawn loop's length as an expression valid at the `make`: `len(ids)` for a range over a
 * slice or map, the bound `n` of `for i := 0; i < n; i++`. Undefined when the names involved are
 * not the same at the make and at the loop, or are assigned in the function.
 */
function loopLength(ch: Channel, loop: Node): string | undefined {
  const count = loopCount(loop);
  if (count.kind !== 'sym') return undefined;
  const range = loop.namedChildren.find((c) => c?.type === 'range_clause');
  let expr: Node | null | undefined;
  if (range) {
    expr = range.childForFieldName('right');
    const t = expr ? ch.file.typeOf(expr) : undefined;
    if (!t || !/^(\[|map\[|\.\.\.)/.test(t)) return undefined;
  } else {
    expr = loop.namedChildren.find((c) => c?.type === 'for_clause')?.childForFieldName('condition')?.childForFieldName('right');
  }
  if (!expr) return undefined;
  const key = pathKey(expr) ?? (expr.type === 'call_expression' ? pathKey(expr.childForFieldName('arguments')?.namedChild(0)) : undefined);
  const head = key?.split('.')[0];
  if (!head || !sameBinding(ch.file, head, ch.make, loop) || assignedIn(ch.fn, head)) return undefined;
  return count.text;
}

function sameBinding(file: FileFacts, name: string, a: Node, b: Node): boolean {
  const x = file.lookup(name, a);
  const y = file.lookup(name, b);
  if (!x || !y) return false;
  return (x.decl ?? x.param ?? x.receiver) === (y.decl ?? y.param ?? y.receiver) && (x.decl ?? x.param ?? x.receiver) !== undefined;
}

function assignedIn(fn: FuncInfo, name: string): boolean {
  return descendants(fn.node, new Set(['assignment_statement', 'inc_statement', 'dec_statement'])).some((s) => {
    const left = s.type === 'assignment_statement' ? s.childForFieldName('left') : s.namedChild(0);
    return left !== null && left !== undefined && descendants(left, 'identifier').some((id) => id.text === name);
  });
}

/** True when the function holding `send` closes the same channel later in its body, or in a `defer`. */
function closedAfter(file: FileFacts, send: Node): boolean {
  const channel = send.childForFieldName('channel')?.text;
  const body = file.functionOf(send)?.body;
  // A deferred close (`defer close(done)` at the top of the goroutine) runs after the send too.
  const after = (c: Node) => c.startIndex > send.endIndex || c.parent?.type === 'defer_statement';
  return !!body && descendants(body, 'call_expression').some((c) => after(c) && closeArg(file, c)?.text === channel);
}

/**
 * Replaces each blocking send of the goroutines with a select that also gives up on `ctx.Done()`.
 * Only when every receive of the channel waits in a select that can give up (a timeout, a
 * context, a default): a receiver that waits for the value alone (linkerd's stat summary, a
 * counted receive loop) would wait forever for a value its sender dropped on the cancellation.
 */
function ctxFix(file: FileFacts, sites: Site[], receives: readonly Node[]): Fix | undefined {
  const edits: TextEdit[] = [];
  let ctxName: string | undefined;
  for (const send of sites.flatMap((s) => s.sends)) {
    if (send.parent?.type !== 'statement_list' || !standsAlone(file.source, send) || /[\r\n]/.test(send.text)) return undefined;
    const ctxVar = contextsInScope(file, send)[0];
    const name = ctxVar?.name;
    if (!name || (ctxName && name !== ctxName)) return undefined;
    // A context the goroutine derives for itself (`ctx, cancel := context.WithTimeout(ctx, d)`,
    // fabric's gateway) can end while the function still waits: the select would drop the value.
    const sender = file.functionOf(send);
    if (ctxVar.fn.node.id === sender?.node.id && !sender.params.some((p) => p.node.id === ctxVar.node.id)) return undefined;
    ctxName = name;
    // Inside a loop the goroutine would go on to the next send; it has to stop instead.
    let ret: string | undefined;
    if (insideLoop(send)) {
      if ((file.functionOf(send)?.results.length ?? 1) > 0) return undefined;
      ret = 'return';
    }
    // Outside a loop the select goes on when ctx wins; if the goroutine then closes the channel,
    // the receiver gets a zero value instead of the result (rclone compress): no fix.
    if (!ret && closedAfter(file, send)) return undefined;
    edits.push(selectEdit(file, send, name, ret));
  }
  if (!ctxName || !receives.every((r) => waitsBounded(file, r))) return undefined;
  return { title: `Wrap the send in a select on \`${ctxName}.Done()\``, edits, safe: false };
}

/** The receive is a case of a select with another case that gives up (see flow's isGiveUpCase). */
function waitsBounded(file: FileFacts, recv: Node): boolean {
  const c = ancestor(recv, 'communication_case');
  if (!c || !contains(c.childForFieldName('communication')!, recv)) return false;
  return selectCases(c.parent!).some((k) => k.id !== c.id && isGiveUpCase(k, file));
}

function insideLoop(n: Node): boolean {
  for (let p = n.parent; p && !FUNCTION_TYPES.has(p.type); p = p.parent) if (p.type === 'for_statement') return true;
  return false;
}

function selectEdit(file: FileFacts, send: Node, ctxName: string, ret: string | undefined): TextEdit {
  const indent = indentAt(file.source, send.startIndex);
  const lines = ['select {', `case ${send.text}:`, `case <-${ctxName}.Done():`];
  if (ret) lines.push(`\t${ret}`);
  lines.push('}');
  return replaceNode(send, lines.map((l, i) => (i === 0 ? l : indent + l)).join(eol(file.source)));
}
