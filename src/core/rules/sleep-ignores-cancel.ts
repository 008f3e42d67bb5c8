import { callsCancel, cancelledOnlyAtReturn, contextsInScope, describeRunner, isContextType, mayHaveContexts, neverCancelledParam, outermostFunction, processLifetime, stopChecks, watchesDone, type CtxVar } from '../model/context';
import { cancelReturn, returnSkipsNoWork, wrapInCancelSelect } from './support/cancel-fixes';
import { eol, indentAt, replaceNode, standsAlone, unusedName } from '../findings/edits';
import { closureRun, isWaitGroupType, type FileFacts } from '../model/facts';
import { everyRoundPasses } from '../model/paths';
import { constantDuration, durationBound, loopSleepTotal } from '../model/durations';
import type { Node } from '../syntax/parser';
import type { Fix, Rule, TextEdit } from '../findings/rule';
import { ancestor, callArgs, callParts, capitalise, descendants, descendantsNaming, FUNCTION_TYPES, isPackageCall, lineOf, quote, unparen, walk } from '../syntax/nodes';
import type { PackageView } from '../model/package';
import { neverRuns } from '../model/results';
import { neverCancelled } from '../model/uncancelled';
import { terminates } from '../model/flow';

export const rule: Rule = {
  id: 'sleep-ignores-cancel',
  title: 'time.Sleep in a loop ignores ctx',
  severity: 'warning',
  severityInTests: 'info',
  category: 'cancellation',
  docs: {
    summary:
      '`time.Sleep` inside a loop of a function that has a `ctx`: a cancelled context still waits out every sleep (information, saying how long, when each pause is proven to last three seconds or less, when the pauses of a counted retry add up to ten seconds at most, when a pause of ten seconds at most is followed on every round by a check of the context, when every caller in the package passes a package-level context such as `GlobalContext`, which ends only as the process exits, in a goroutine that nothing waits for, and in tests).',
    why:
      '`time.Sleep` cannot be interrupted. In a retry or polling loop of a function that takes a `context.Context`, a cancellation ' +
      'that arrives during the sleep is noticed only when the sleep ends, and only if the loop checks `ctx` at all. Shutdowns hang ' +
      'for the length of the backoff, requests outlive their deadline, and tests wait for timers. Waiting in a `select` on ' +
      '`time.After(d)` and `ctx.Done()` sleeps just as long when nothing happens and returns as soon as the context is cancelled.',
    interleaving: [
      'The loop does its work, fails or finds nothing to do, and calls `time.Sleep(backoff)`.',
      'While it sleeps, the caller cancels `ctx` (its deadline passes, the server shuts down).',
      'The sleep runs to its end regardless; the function returns late, or starts another attempt for a caller that is gone.',
    ],
    bad: `func pollStatus(ctx context.Context, c *Client, id string) (Status, error) {
	for {
		st, err := c.Status(ctx, id)
		if err != nil || st.Done {
			return st, err
		}
		time.Sleep(5 * time.Second)
	}
}`,
    good: `func pollStatus(ctx context.Context, c *Client, id string) (Status, error) {
	for {
		st, err := c.Status(ctx, id)
		if err != nil || st.Done {
			return st, err
		}
		select {
		case <-time.After(5 * time.Second):
		case <-ctx.Done():
			return Status{}, ctx.Err()
		}
	}
}`,
    fixes:
      '**Sleep in a select with `ctx.Done()`** replaces `time.Sleep(d)` with a `select` on `time.After(d)` and `ctx.Done()` whose ' +
      '`ctx.Done()` case returns (`return` without results, `return <zero values>, ctx.Err()` when the last result is `error`); it is ' +
      'offered only when that return skips no work after the loop. When the loop already checks the context itself, the select only ' +
      'cuts the sleep short and leaves stopping to that check; as the loop then goes on, it waits on a `time.NewTimer` that it stops ' +
      '(an abandoned `time.After` timer would stay in memory until it fires before Go 1.23).',
  },
  check(ctx) {
    const file = ctx.file;
    if (!mayHaveContexts(file) || !file.text.includes('Sleep(')) return;
    for (const call of descendantsNaming(file.root, SLEEP_CALL, 'call_expression')) {
      if (!isPackageCall(call, 'time', 'Sleep') || call.parent?.type !== 'expression_statement') continue;
      const loop = ancestor(call, 'for_statement');
      if (!loop || onlyWithoutDone(call.parent)) continue;
      const top = outermostFunction(file, call);
      if (top?.kind === 'function' && (top.name === 'main' || top.name === 'init')) continue;
      // A context the sleeping function itself cancels only on its way out cannot end during the sleep.
      const fn = file.functionOf(call)!;
      const ctxs = usedFirst(
        file,
        loop,
        unusedByGoroutine(file, call, contextsInScope(file, call)).filter((c) => !(c.fn.node.id === fn.node.id && cancelledOnlyAtReturn(file, c)) && !neverCancelledParam(file, ctx.package, c)),
      );
      if (ctxs.length === 0) continue;
      if (briefPauseInCheckedLoop(file, ctx.package, call, loop, ctxs) || worksUnderOtherContext(file, loop, ctxs)) continue;
      // A pause after a call that never fails (`if err := p.load(); err == nil { return }`) never runs.
      if (neverRuns(file, ctx.package, call)) continue;
      // The loop cancels its own context before sleeping: the sleep is a backoff it wants (rclone pcloud).
      if (callsCancel(loop)) continue;
      const c = ctxs[0];
      const runner = describeRunner(file, fn);
      const stmt = call.parent;
      const delay = boundedDelay(file, ctx.package, call, loop, ctxs);
      ctx.report({
        node: call,
        // A process-wide context (every caller passes minio's GlobalContext) ends only as the process exits.
        severity: delay || ctxs.every((x) => processLifetime(ctx.package, x)) || unjoined(file, call, ctx.siblings ? ctx.package : undefined) ? 'info' : undefined,
        message:
          `\`${quote(call, 32)}\` in a loop ignores \`${c.name}\`: cancelling \`${c.name}\` does not cut the sleep short` + (delay ? ` (${delay})` : ''),
        related: [
          { span: { start: loop.startIndex, end: loop.startIndex + 3 }, message: 'the loop that sleeps' },
          { span: { start: c.node.startIndex, end: c.node.endIndex }, message: `\`${c.name}\` is declared here` },
        ],
        steps: [
          `${capitalise(runner)} runs the loop at line ${lineOf(loop)} and reaches \`${quote(call)}\` (line ${lineOf(call)}).`,
          `While it sleeps, the caller cancels \`${c.name}\` and stops waiting for the result.`,
          `The sleep cannot be interrupted: ${runner} carries on only when it ends, late, and may start another iteration for nobody.`,
        ],
        fixes: sleepFix(file, stmt, call, loop, ctxs),
      });
    }
  },
};

/**
 * The contexts a sleep can be blamed for ignoring. A goroutine (a `go func() {...}()` literal) that
 * never mentions a context of its starter is not tied to it: a progress printer, a context made
 * for one call and cancelled before the goroutine starts. Such contexts are left out.
 */
function unusedByGoroutine(file: FileFacts, call: Node, ctxs: CtxVar[]): CtxVar[] {
  const fn = file.functionOf(call);
  if (!fn || fn.kind !== 'literal' || closureRun(file, fn.node).how !== 'go') return ctxs;
  const mentioned = new Set(descendants(fn.node, 'identifier').map((n) => n.text));
  return ctxs.filter((c) => c.fn.node.id === fn.node.id || mentioned.has(c.name));
}

/**
 * The sleep runs only where the context's Done channel is nil, a context nothing can cancel:
 * right after `if done := ctx.Done(); done != nil { ... }` whose body always leaves (it waits in a
 * select on `done` itself), or under `if ctx.Done() == nil` (cadence's retry loop).
 */
function onlyWithoutDone(stmt: Node): boolean {
  const isDone = (n: Node | null, names: ReadonlySet<string>): boolean => {
    const x = n ? unparen(n) : undefined;
    if (!x) return false;
    if (x.type === 'identifier') return names.has(x.text);
    return x.type === 'call_expression' && callParts(x)?.name === 'Done' && callArgs(x).length === 0;
  };
  const nilTest = (ifStmt: Node, op: string): boolean => {
    const names = new Set<string>();
    const init = ifStmt.childForFieldName('initializer');
    if (init?.type === 'short_var_declaration') {
      const left = init.childForFieldName('left')?.namedChildren ?? [];
      const right = init.childForFieldName('right')?.namedChildren ?? [];
      if (left.length === 1 && right.length === 1 && isDone(right[0], new Set())) names.add(left[0].text);
    }
    const c = unparen(ifStmt.childForFieldName('condition')!);
    if (c.type !== 'binary_expression' || c.childForFieldName('operator')?.text !== op) return false;
    const [l, r] = [c.childForFieldName('left'), c.childForFieldName('right')];
    return (r?.type === 'nil' && isDone(l, names)) || (l?.type === 'nil' && isDone(r, names));
  };
  for (let cur: Node = stmt; cur.parent && !FUNCTION_TYPES.has(cur.parent.type); cur = cur.parent) {
    const p = cur.parent;
    if (p.type === 'if_statement' && p.childForFieldName('consequence')?.id === cur.id && nilTest(p, '==')) return true;
    if (p.type !== 'block' && p.type !== 'statement_list') continue;
    for (let prev = cur.previousNamedSibling; prev; prev = prev.previousNamedSibling) {
      if (prev.type === 'if_statement' && !prev.childForFieldName('alternative') && nilTest(prev, '!=') && terminates(prev.childForFieldName('consequence')!)) return true;
    }
  }
  return false;
}

/**
 * The loop's own work runs under another context than the ones the sleep would be blamed for
 * ignoring: a call in the loop passes a context kept in a field (loki's chunk mover retries
 * `f.FetchChunks(m.ctx, chunks)`, the mover's own lifetime) or one nothing cancels (incus' DHCP
 * renewals, `client.Renew(context.Background(), ...)`, after a first request under a 30-second
 * deadline), and nothing in the loop (its condition included) passes or checks those. The loop is
 * tied to the other lifetime on purpose, and so is its pause.
 */
function worksUnderOtherContext(file: FileFacts, loop: Node, ctxs: CtxVar[]): boolean {
  const own = (n: Node | null) => n?.type === 'identifier' && ctxs.some((c) => c.name === n.text);
  let other = false;
  let follows = false;
  walk(loop, (n) => {
    if (n.type === 'func_literal') return false;
    if (n.type !== 'call_expression') return;
    const f = unparen(n.childForFieldName('function')!);
    if (f.type === 'selector_expression' && own(f.childForFieldName('operand'))) follows = true;
    for (const a of callArgs(n)) {
      const arg = unparen(a);
      if (own(arg)) follows = true;
      else if ((arg.type === 'selector_expression' && isContextType(file.typeOf(arg))) || (arg.type === 'call_expression' && neverCancelled(file, arg))) other = true;
    }
  });
  return other && !follows;
}

/** Text of a declaration that may call time.Sleep (spaces allowed before the parenthesis). */
const SLEEP_CALL = /Sleep\s*\(/;

/**
 * The longest single pause, and the longest sum of a counted retry's pauses, that count as short;
 * and the longest pause that counts as short in a loop that checks the context on every round.
 */
const SHORT_PAUSE = 3e9;
const SHORT_RETRY_TOTAL = 10e9;
const CHECKED_PAUSE = 10e9;

/**
 * A cancellation that this sleep holds up by little, said in words for the message: a pause proven
 * to last three seconds or less (a constant, a loop counter's multiple, a `min(..., time.Second)`
 * cap, random jitter, a failure count capped by giving up), a counted retry whose pauses add up to
 * ten seconds at most, or a pause of ten seconds at most in a loop that checks the context on every
 * round, so that a cancellation waits for one pause at most. Worth knowing, not a warning: in the
 * review of real code, maintainers dismissed one- to three-second backoffs in startup and retry
 * loops, and a capped accept back-off in a loop that polls its context. Long, growing or
 * configured durations (a Retry-After, a user's interval) are warnings.
 */
function boundedDelay(file: FileFacts, view: PackageView, call: Node, loop: Node, ctxs: CtxVar[]): string | undefined {
  const d = callArgs(call)[0];
  if (!d) return undefined;
  const each = durationBound(d, file, view);
  if (each !== undefined && each <= SHORT_PAUSE) return `each pause lasts ${span(each)} at most`;
  const total = loopSleepTotal(loop, d, file, view);
  if (total !== undefined && total <= SHORT_RETRY_TOTAL) return `the pauses add up to ${span(total)} at most`;
  if (each !== undefined && each <= CHECKED_PAUSE && everyRoundPasses(call.parent!, contextChecks(file, loop, ctxs))) {
    return `at most ${span(each)}, then the loop checks \`${ctxs[0].name}\``;
  }
  return undefined;
}

/** Nanoseconds in the unit Go would print: `300ms`, `1s`, `1.5s`, `2m`. */
function span(ns: number): string {
  const round = (x: number) => String(Math.round(x * 100) / 100);
  if (ns >= 60e9 && ns % 60e9 === 0) return `${ns / 60e9}m`;
  if (ns >= 1e9) return `${round(ns / 1e9)}s`;
  if (ns >= 1e6) return `${round(ns / 1e6)}ms`;
  return `${round(ns / 1e3)}µs`;
}

/**
 * The sleep runs in a goroutine literal that nothing waits for: its own body (nested literals
 * aside) signals no one, with no `Done()` of a WaitGroup, no `close`, no send. A late exit of
 * such a background loop goes unnoticed (minio's peer trace loops). With the package's other
 * files at hand (`view`), closing an unexported field that no file of the program reads signals
 * no one either: only a test waits for it (nomad's docker logger, `defer close(d.doneCh)`).
 */
function unjoined(file: FileFacts, call: Node, view: PackageView | undefined): boolean {
  const fn = file.functionOf(call);
  if (!fn?.body || fn.kind !== 'literal' || closureRun(file, fn.node).how !== 'go') return false;
  let signals = false;
  walk(fn.body, (n) => {
    if (signals || n.type === 'func_literal') return false;
    if (n.type === 'send_statement') signals = true;
    else if (n.type === 'call_expression') {
      const parts = callParts(n);
      if (parts?.name === 'close' && !parts.receiver) signals = !closesUnread(n, view);
      else if (parts?.name === 'Done' && parts.receiverNode && isWaitGroupType(file.typeOf(parts.receiverNode))) signals = true;
    }
  });
  return !signals;
}

/** `close(x.f)` of an unexported field that nothing in the program reads (see PackageView.fieldReadInProgram). */
function closesUnread(close: Node, view: PackageView | undefined): boolean {
  const arg = callArgs(close)[0];
  const sel = arg ? unparen(arg) : undefined;
  const field = sel?.type === 'selector_expression' ? sel.childForFieldName('field')?.text : undefined;
  return !!view && !!field && /^[a-z_]/.test(field) && !view.fieldReadInProgram(field);
}

/** Names of functions that release or restore something and must finish even for a cancelled caller. */
const CLEANUP = /^(remove|delete|clean|cleanup|close|stop|release|resume|deactivate|teardown|destroy|rollback|unmount|kill|ensureRemove)/i;

/**
 * A pause shorter than a second in a loop that ends by itself or checks the context itself (`ctx.Err()`,
 * `ctx.Done()`) delays cancellation by that pause at most: not worth a warning.
 */
function briefPauseInCheckedLoop(file: FileFacts, view: PackageView, call: Node, loop: Node, ctxs: CtxVar[]): boolean {
  const d = callArgs(call)[0];
  const ns = d ? constantDuration(d, file, view) : undefined;
  if (ns === undefined || ns >= 1e9) return false;
  // A counted retry loop (`for i := 0; i < 3; i++`) is held up by a few short pauses at most,
  // and so is a loop whose work takes the context: the next call fails at once once it is done.
  return countedLoop(loop) || loopChecksContext(file, loop, ctxs) || passesContext(loop, ctxs);
}

/** Some call in the loop is handed one of the contexts: `fetch(ctx, url)`. */
function passesContext(loop: Node, ctxs: CtxVar[]): boolean {
  const names = new Set(ctxs.map((x) => x.name));
  return descendants(loop, 'call_expression').some((x) => callArgs(x).some((a) => a.type === 'identifier' && names.has(a.text)));
}

/** `for i := 0; i < n; i++` (a three-clause loop with a condition) or `for range 5` (a range over an integer literal). */
function countedLoop(loop: Node): boolean {
  const clause = loop.namedChildren.find((c) => c.type === 'for_clause' || c.type === 'range_clause');
  if (clause?.type === 'range_clause') return clause.childForFieldName('right')?.type === 'int_literal';
  return !!clause?.childForFieldName('condition') && !!clause.childForFieldName('update');
}

/**
 * When the loop already checks `ctx`, the select only cuts the sleep short and leaves stopping to
 * that check (a `return` here could bypass what the loop does on cancellation). Otherwise the
 * select returns, provided that skips no work after the loop.
 */
function sleepFix(file: FileFacts, stmt: Node, call: Node, loop: Node, ctxs: CtxVar[]): Fix[] {
  const args = callArgs(call);
  if (args.length !== 1) return [];
  const c = ctxs[0];
  const case_ = `<-time.After(${args[0].text})`;
  let edit: TextEdit | undefined;
  if (loopChecksContext(file, loop, ctxs)) {
    // The loop goes on after the early wake-up, so every later round must pass its own check of
    // the context (a `continue` that skips it would turn the loop into a busy one). A stopped
    // timer leaves nothing behind, where an abandoned time.After timer lingers until it fires.
    if (everyRoundPasses(stmt, contextChecks(file, loop, ctxs))) edit = timerSelect(file, stmt, args[0].text, c.name);
  } else {
    // Not in a loop that hands results on (a send: leaving would drop them), nor where the
    // loop's work does not take the context (it only carries a logger: cleanup that must finish
    // even for a cancelled caller, like removing a device).
    // Nor in cleanup (remove, resume, close...): stopping it half way leaves the resource behind.
    const cleanup = CLEANUP.test(file.functionOf(call)?.name ?? outermostFunction(file, call)?.name ?? '');
    const handsOn = cleanup || descendants(loop, 'send_statement').length > 0 || !passesContext(loop, ctxs);
    const ret = !handsOn && returnSkipsNoWork(stmt) ? cancelReturn(file, file.functionOf(call)!, c.name) : undefined;
    edit = ret ? wrapInCancelSelect(file, stmt, case_, c.name, ret) : undefined;
  }
  return edit ? [{ title: `Sleep in a select with \`${c.name}.Done()\``, edits: [edit], safe: false }] : [];
}

/**
 * `timer := time.NewTimer(d)` and a select on `timer.C` and `ctx.Done()` that stops the timer when
 * the context wins, in place of a one-line statement.
 */
/**
 * The contexts the loop itself passes on come first: they are the ones it works under (ollama's
 * commit retry passes `ctx` to its request, not the part uploads' errgroup context `inner`, which
 * is already cancelled once their `Wait` has returned), so the message and the fix name them.
 */
function usedFirst(file: FileFacts, loop: Node, ctxs: CtxVar[]): CtxVar[] {
  if (ctxs.length < 2) return ctxs;
  const declOf = (id: Node) => {
    const found = file.lookup(id.text, id);
    return (found?.decl ?? found?.param)?.node.id;
  };
  const used = (c: CtxVar) => descendants(loop, 'identifier').some((id) => id.text === c.name && declOf(id) === c.node.id);
  const first = ctxs.filter(used);
  return first.length === 0 ? ctxs : [...first, ...ctxs.filter((c) => !first.includes(c))];
}

function timerSelect(file: FileFacts, stmt: Node, duration: string, ctxName: string): TextEdit | undefined {
  const scope = outermostFunction(file, stmt)?.node;
  const timer = scope ? unusedName(scope, 'timer') : undefined;
  if (!timer || !standsAlone(file.source, stmt) || /[\r\n]/.test(duration)) return undefined;
  const indent = indentAt(file.source, stmt.startIndex);
  const lines = [`${timer} := time.NewTimer(${duration})`, 'select {', `case <-${timer}.C:`, `case <-${ctxName}.Done():`, `\t${timer}.Stop()`, '}'];
  return replaceNode(stmt, lines.map((l, i) => (i === 0 ? l : indent + l)).join(eol(file.source)));
}

/** `ctx.Err()` and receives from `ctx.Done()` of the contexts, in the loop (other stop channels do not count). */
function contextChecks(file: FileFacts, loop: Node, ctxs: CtxVar[]): Node[] {
  const names = new Set(ctxs.map((c) => c.name));
  const checks = stopChecks(file, loop, names);
  return [...checks.polls, ...checks.waits].filter((n) => watchesDone(n, names)).concat(checks.polls.filter((n) => callParts(n)?.name === 'Err'));
}

/** The loop looks at one of the contexts itself: `ctx.Err()`, `<-ctx.Done()`, a done channel. */
function loopChecksContext(file: FileFacts, loop: Node, ctxs: CtxVar[]): boolean {
  const checks = stopChecks(file, loop, new Set(ctxs.map((c) => c.name)));
  return checks.waits.length + checks.polls.length > 0;
}
