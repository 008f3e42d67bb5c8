import { deleteStatement, insertLinesAfter, replaceNode, unusedName } from '../findings/edits';
import { capturedLater, isWriteTarget, type FileFacts, type FuncInfo } from '../model/facts';
import type { Node } from '../syntax/parser';
import type { Fix, Related, Report, Rule, TextEdit } from '../findings/rule';
import { callArgs, callParts, capitalise, contains, descendants, isEndlessLoop, lineOf, loopExits, quote } from '../syntax/nodes';
import { neverCancelled, outermostFunction } from '../model/context';
import type { Element } from '../model/cfg';
import { solve } from '../model/dataflow';
import { cfgOf } from '../model/paths';
import { focusedOfType } from './support/focus';

/** The `context` functions that hand back a cancel function the caller must call. */
const WITH_CANCEL = new Set(['WithCancel', 'WithTimeout', 'WithDeadline', 'WithCancelCause', 'WithTimeoutCause', 'WithDeadlineCause']);

export const rule: Rule = {
  id: 'lost-cancel',
  title: 'Cancel function of context.WithCancel/WithTimeout/WithDeadline not called',
  severity: 'warning',
  // A test's leftover context lives until its deadline or the test binary's exit: in the review of
  // real code, maintainers dismissed discarded cancels in test helpers with a fixed deadline.
  severityInTests: 'info',
  category: 'cancellation',
  overlaps: ['lostcancel'],
  docs: {
    summary:
      'The cancel function returned by `context.WithCancel`, `WithTimeout` or `WithDeadline` (or their `Cause` variants) is ' +
      'discarded, never called, not called on every path out of the function, or deferred inside the loop that derives it ' +
      '(information unless the loop never ends).',
    why:
      'A derived context is linked into its parent until it is cancelled: the parent keeps a reference to it, and `WithTimeout` / ' +
      '`WithDeadline` also arm a runtime timer. Calling the cancel function is what unlinks it and stops the timer. When the cancel ' +
      'function is dropped, each call leaves a child context (and anything stored in it) attached to the parent until the deadline ' +
      'passes or the parent itself is cancelled; with a long-lived parent such as a server\'s base context this grows with every ' +
      'request. Calling cancel is always safe, even after the work finished, so the usual pattern is `defer cancel()` right after ' +
      'the call. The rule stays silent as soon as the cancel function goes anywhere it could be called later: deferred, returned, ' +
      'stored, passed to a function or captured by a closure.',
    interleaving: [
      'The function derives `ctx, cancel := context.WithTimeout(parent, d)`: the child registers with `parent` and a timer is armed.',
      'It leaves through a `return` that does not call `cancel` (or `cancel` was discarded with `_`).',
      'The child context, its timer and whatever it holds stay reachable from `parent` until the deadline passes or `parent` is cancelled; repeated calls pile them up.',
    ],
    bad: `func lookup(parent context.Context, key string) (string, error) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	v, err := store.Get(ctx, key)
	if err != nil {
		cancel()
		return "", err
	}
	return v, nil // cancel is never called on this path
}`,
    good: `func lookup(parent context.Context, key string) (string, error) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	v, err := store.Get(ctx, key)
	if err != nil {
		return "", err
	}
	return v, nil
}`,
    fixes:
      '**Add `defer cancel()`** inserts `defer cancel()` on the line after the call (naming the discarded result `cancel`, or ' +
      '`cancel2`... when that name is taken), and removes a later `defer cancel()` in the same block that it makes redundant. ' +
      'It is offered only when cancelling at return cannot break anything visible: outside loops (a `defer` in a loop would ' +
      'pile up until the function returns), when no value built from the context is returned (a response whose body the ' +
      'caller reads; an `error`, `bool`, number or string result is only a value), when named results of other types are not in ' +
      'play, when neither the context nor a value built from it (a request, a command) is stored, sent, captured by a goroutine or ' +
      'closure, passed on as `ctx.Done()` or handed to a callee named like `start...`/`run...`/`serve...`/`publish...`, and when the existing ' +
      'uses of the cancel function are plain calls. It is not marked safe: a callee may still keep the context.',
  },
  check(ctx) {
    const file = ctx.file;
    if (!file.importName('context')) return;
    for (const call of focusedOfType(ctx, 'call_expression')) {
      if (!file.isImportCall(call, 'context', WITH_CANCEL)) continue;
      const site = assignmentOf(call);
      const fn = file.functionOf(call);
      if (!site || !fn?.body || site.left.length !== 2) continue;
      const cancel = site.left[1];
      if (cancel.type !== 'identifier') continue; // stored in a field, map or slice: it escapes
      // A child of a context that is never cancelled, without a timer, is not linked to anything:
      // a path that skips its cancel leaves nothing behind (the context package does not attach
      // it). Discarding the cancel outright still means nothing can ever stop the work, but no
      // more than with the parent itself (Xray's `ctx, _ = context.WithCancel(context.Background())`,
      // which wants a context whose Done is not nil): information.
      const parent = callArgs(call)[0];
      const untimedRoot = !/Timeout|Deadline/.test(callParts(call)?.name ?? '') && parent !== undefined && neverCancelled(file, parent);
      if (untimedRoot && cancel.text !== '_') continue;
      const finding =
        cancel.text === '_'
          ? discarded(file, fn, call, site)
          : (deferredInLoop(fn, call, site, cancel.text) ?? unusedOnSomePath(file, fn, call, site, cancel.text));
      if (finding && untimedRoot) finding.severity = 'info';
      if (finding) ctx.report(finding);
    }
  },
};

/**
 * `defer cancel()` inside the loop that derives the context: the deferred calls run only when the
 * function returns, so every pass leaves its child context (and timer) alive until then, and
 * forever when the loop never ends.
 */
function deferredInLoop(fn: FuncInfo, call: Node, site: Site, name: string): Report | undefined {
  let loop: Node | undefined;
  for (let p = site.stmt.parent; p && p.id !== fn.node.id; p = p.parent) {
    if (p.type === 'func_literal') return undefined;
    if (p.type === 'for_statement') {
      loop = p;
      break;
    }
  }
  if (!loop) return undefined;
  const d = descendants(loop, 'defer_statement', true).find((x) => {
    const c = x.namedChildren.find((n) => n.type === 'call_expression');
    return c !== undefined && c.childForFieldName('function')?.text === name && callArgs(c).length === 0;
  });
  if (!d || contains(d, site.stmt)) return undefined;
  const endless = isEndlessLoop(loop) && !loopExits(loop).jumps && !loopExits(loop).returns;
  const when = endless ? `never runs: the loop at line ${lineOf(loop)} never ends, and` : `runs only when ${fnLabel(fn)} returns: until then,`;
  return {
    node: d,
    // Only a loop that never ends piles contexts up without bound; a loop that ends holds them
    // until the function returns, which is usually short (a test, a few retries): information.
    severity: endless ? undefined : 'info',
    message: `\`${quote(d, 28)}\` in a loop ${when} each pass leaves a context alive`,
    related: [
      { span: { start: call.startIndex, end: call.endIndex }, message: 'a new child context on every pass' },
      { span: { start: loop.startIndex, end: loop.startIndex + 3 }, message: 'the loop' },
    ],
    steps: [
      `Each pass of the loop at line ${lineOf(loop)} derives a child context at line ${lineOf(call)}.`,
      `\`${quote(d)}\` does not cancel it at the end of the pass: deferred calls wait for ${fnLabel(fn)} to return.`,
      endless
        ? 'The loop never ends, so none of the contexts is ever cancelled: their goroutines, timers and memory pile up.'
        : 'Until the function returns, every pass adds one more live context, with its timer and its place in the parent.',
    ],
  };
}

interface Site {
  /** The statement holding the call: `:=`, `=` or `var`. */
  stmt: Node;
  left: Node[];
  /** True for `:=` and `var`, which declare the names. */
  declares: boolean;
}

/** `a, b := call`, `a, b = call`, `var a, b = call` around `call`, when the call is the only value. */
function assignmentOf(call: Node): Site | undefined {
  const list = call.parent;
  if (list?.type !== 'expression_list' || list.namedChildCount !== 1) return undefined;
  const owner = list.parent;
  if (!owner) return undefined;
  if (owner.type === 'short_var_declaration' || (owner.type === 'assignment_statement' && owner.childForFieldName('operator')?.text === '=')) {
    if (owner.childForFieldName('right')?.id !== list.id) return undefined;
    const left = (owner.childForFieldName('left')?.namedChildren ?? []).filter((x): x is Node => x !== null);
    return { stmt: owner, left, declares: owner.type === 'short_var_declaration' };
  }
  if (owner.type === 'var_spec' && owner.childForFieldName('value')?.id === list.id) {
    let stmt: Node = owner;
    while (stmt.parent && stmt.type !== 'var_declaration') stmt = stmt.parent;
    const left = owner.childrenForFieldName('name').filter((x): x is Node => x !== null);
    return { stmt, left, declares: true };
  }
  return undefined;
}

function callName(call: Node): string {
  return `context.${callParts(call)?.name ?? 'With...'}`;
}

/** What the dropped cancel costs, in words that fit the call: "until `parent` is cancelled". */
function cost(call: Node): string {
  const parent = callArgs(call)[0];
  const timed = /Timeout|Deadline/.test(callParts(call)?.name ?? '');
  // A root parent is never cancelled: nothing but the deadline (if any) ever ends the child.
  if (!parent || (parent.type === 'call_expression' && /^(Background|TODO)$/.test(callParts(parent)?.name ?? ''))) {
    return timed ? 'its timer stays armed until the deadline' : 'nothing can ever cancel the child context';
  }
  const p = `\`${quote(parent, 32)}\``;
  return timed
    ? `the context lives until its deadline or ${p} ends`
    : `the context lives until ${p} is cancelled`;
}

function discarded(file: FileFacts, fn: FuncInfo, call: Node, site: Site): Report {
  const underscore = site.left[1];
  const name = callName(call);
  return {
    node: underscore,
    message: `\`_\` discards the cancel function of \`${name}\`: ${cost(call)}`,
    related: [{ span: { start: call.startIndex, end: call.endIndex }, message: `${name} returns the cancel function here` }],
    steps: [
      `Line ${lineOf(call)}: \`${quote(call)}\` derives a child context and returns its cancel function, which \`_\` throws away.`,
      `${fnLabel(fn)} returns; nothing can cancel the child any more.`,
      `${capitalise(cost(call))}; every call of ${fnLabel(fn)} adds another one.`,
    ],
    fixes: deferFix(file, fn, call, site, undefined),
  };
}

function unusedOnSomePath(file: FileFacts, fn: FuncInfo, call: Node, site: Site, name: string): Report | undefined {
  const body = fn.body!;
  const stmt = site.stmt;
  // A parameter, receiver or named result of the same name is the caller's to cancel.
  if (fn.params.some((p) => p.name === name) || fn.receiver?.name === name || resultNames(fn).includes(name)) return undefined;
  if (stmt.parent?.type !== 'statement_list') return undefined;
  if (!site.declares) {
    // Assigning a variable declared elsewhere: follow it only when it is this function's own
    // local and nothing before the assignment (a loop's previous pass, a deferred closure) can see it.
    const found = file.lookup(name, site.left[1]);
    if (!found?.decl || found.fn?.node.id !== fn.node.id || insideLoop(stmt, fn)) return undefined;
  }
  // A closure that reads the variable may call whatever it holds when it runs.
  const reads = readsOf(body, name);
  if (reads.some((r) => r.startIndex < stmt.startIndex && inFuncLiteral(r, body))) return undefined;
  const later = reads.filter((r) => r.startIndex >= stmt.endIndex);
  if (later.length === 0) {
    return {
      node: site.left[1],
      message: `\`${name}\` from \`${callName(call)}\` is never called: ${cost(call)}`,
      related: [{ span: { start: call.startIndex, end: call.endIndex }, message: `${callName(call)} returns \`${name}\` here` }],
      steps: [
        `Line ${lineOf(call)}: \`${quote(call)}\` derives a child context; \`${name}\` is the only way to release it early.`,
        `${fnLabel(fn)} never calls \`${name}\` and returns.`,
        `${capitalise(cost(call))}.`,
      ],
      fixes: deferFix(file, fn, call, site, name),
    };
  }
  const exits = leakingExits(file, fn, stmt, name);
  if (exits.length === 0) return undefined;
  const first = exits[0];
  const exitText = first.type === 'block' ? `the end of ${fnLabel(fn)}` : `\`${quote(first, 28)}\``;
  const exitSpan = (e: Node) => (e.type === 'block' ? { start: e.endIndex - 1, end: e.endIndex } : { start: e.startIndex, end: e.endIndex });
  const related: Related[] = exits.map((e) => ({ span: exitSpan(e), message: `leaves without calling \`${name}\`` }));
  related.push({ span: { start: later[0].startIndex, end: later[0].endIndex }, message: `\`${name}\` is used here, but only on some paths` });
  const more = exits.length > 1 ? ` (and ${exits.length - 1} more exit${exits.length > 2 ? 's' : ''})` : '';
  const leaves = first.type === 'block' ? `${fnLabel(fn)}${more} can end` : `${exitText} at line ${lineOf(first)}${more} leaves`;
  return {
    node: site.left[1],
    message: `${leaves} without calling \`${name}\`: ${cost(call)}`,
    related,
    steps: [
      `Line ${lineOf(call)}: \`${quote(call)}\` derives a child context; \`${name}\` is the only way to release it early.`,
      `The path to ${exitText} passes no use of \`${name}\` (it is used at line ${lineOf(later[0])}, on another path).`,
      `${fnLabel(fn)} leaves there; ${cost(call)}.`,
    ],
    fixes: deferFix(file, fn, call, site, name),
  };
}

/**
 * `defer cancel()` on the line after the call. Only when certainly right: not in a loop, the
 * derived context does not outlive the function in view, and the cancel function is only ever
 * called (so cancelling at return cannot break a caller or goroutine that received it).
 */
function deferFix(file: FileFacts, fn: FuncInfo, call: Node, site: Site, name: string | undefined): Fix[] {
  const body = fn.body!;
  if (site.stmt.parent?.type !== 'statement_list' || insideLoop(site.stmt, fn)) return [];
  const ctxVar = site.left[0];
  if (ctxVar.type !== 'identifier') return [];
  if (ctxVar.text !== '_' && !staysLocal(fn, ctxVar.text, site.stmt.endIndex)) return [];
  const edits: TextEdit[] = [];
  let cancel = name;
  if (!cancel) {
    if (!site.declares) return [];
    cancel = unusedName(outermostFunction(file, site.stmt)!.node, 'cancel');
    if (!cancel) return [];
    edits.push(replaceNode(site.left[1], cancel));
  } else {
    const later = readsOf(body, cancel).filter((r) => r.startIndex >= site.stmt.endIndex);
    if (!later.every(isPlainCall)) return [];
    // A `defer cancel()` later in the same block only covered the paths past it; the new one covers them all.
    for (const r of later) {
      const stmt = r.parent!.parent!;
      if (stmt.type !== 'defer_statement' || stmt.parent?.id !== site.stmt.parent!.id) continue;
      const del = deleteStatement(file.source, stmt);
      if (del) edits.push(del);
    }
  }
  // A CancelCauseFunc takes the cause; nil records context.Canceled, like a plain cancel.
  const text = callParts(call)?.name === 'WithCancelCause' ? `${cancel}(nil)` : `${cancel}()`;
  const insert = insertLinesAfter(file.source, site.stmt, [`defer ${text}`]);
  if (!insert) return [];
  edits.push(insert);
  return [{ title: `Add \`defer ${text}\``, edits, safe: false }];
}

/** Result types that cannot hold a context (or anything built on one). */
const PLAIN_RESULT = /^(error|bool|string|byte|rune|u?int(8|16|32|64)?|float(32|64)|\[\](byte|string)|time\.(Duration|Time))$/;

/**
 * Callees whose names suggest they start work that goes on after they return, or hand the context
 * on with a message to other goroutines (Xray's `routingStats.Publish(ctx, route)`).
 */
const STARTS_WORK = /^(start|run|go|spawn|serve|listen|watch|subscribe|launch|async|background|publish|enqueue|submit|dispatch|schedule|broadcast)|(async|background|loop|worker)$/i;

/**
 * True when nothing built from the context `name` visibly outlives the function, so cancelling it
 * at return cannot break anything: neither the context nor a value derived from it (`req :=
 * NewRequestWithContext(ctx, ...)`, `resp, err := client.Do(req)`) is returned (unless every
 * result is a plain value that cannot hold one), stored, sent, captured by a goroutine or
 * closure, handed over as `ctx.Done()`, or given to a callee whose name says it starts background
 * work (`startWorkers(ctx)`, `cmd.Start()`).
 */
function staysLocal(fn: FuncInfo, name: string, after: number): boolean {
  const body = fn.body!;
  const plain = fn.results.every((r) => PLAIN_RESULT.test(r));
  // Named results of other types can be set anywhere and returned by a bare `return`.
  if (!plain && namedResults(fn)) return false;
  // Names assigned from an expression that reads a derived name (two rounds reach `resp` of `Do(req)`).
  const derived = new Set([name]);
  for (let round = 0; round < 2; round++) {
    for (const id of descendants(body, 'identifier')) {
      if (id.startIndex < after || !derived.has(id.text) || isWriteTarget(id)) continue;
      for (const target of assignedFrom(id)) derived.add(target);
    }
  }
  // A returned value built from the context (a response whose body is read after the return), in
  // a result that can hold one: an `error` built from it is only a value.
  if (!plain && descendants(body, 'return_statement').some((r) => r.startIndex >= after && returnsDerived(fn, r, derived))) return false;
  return descendants(body, 'identifier').every((id) => id.startIndex < after || !derived.has(id.text) || isWriteTarget(id) || !outlives(id, body));
}

function returnsDerived(fn: FuncInfo, ret: Node, derived: ReadonlySet<string>): boolean {
  const values = ret.namedChildren.find((c) => c?.type === 'expression_list')?.namedChildren ?? [];
  const holds = (e: Node) => descendants(e, 'identifier').some((id) => derived.has(id.text)) || (e.type === 'identifier' && derived.has(e.text));
  // `return f(x)` of several results: any of them may hold it.
  if (values.length !== fn.results.length) return values.some(holds);
  return values.some((v, i) => !PLAIN_RESULT.test(fn.results[i]) && holds(v));
}

/** True when the function's results have names (`func f() (res T, err error)`). */
function namedResults(fn: FuncInfo): boolean {
  const result = fn.node.childForFieldName('result');
  return result?.type === 'parameter_list' && result.namedChildren.some((p) => p?.type === 'parameter_declaration' && p.childForFieldName('name') !== null);
}

/** Names on the left of the assignment whose right side holds `id`. */
function assignedFrom(id: Node): string[] {
  for (let p = id.parent; p && !STATEMENT_END.has(p.type); p = p.parent) {
    if ((p.type === 'short_var_declaration' || p.type === 'assignment_statement') && p.childForFieldName('right') && contains(p.childForFieldName('right')!, id)) {
      return (p.childForFieldName('left')?.namedChildren ?? []).filter((l): l is Node => l?.type === 'identifier' && l.text !== '_').map((l) => l.text);
    }
    if (p.type === 'var_spec' && p.childForFieldName('value') && contains(p.childForFieldName('value')!, id)) {
      return p.childrenForFieldName('name').filter((l): l is Node => l !== null && l.text !== '_').map((l) => l.text);
    }
  }
  return [];
}

const STATEMENT_END = new Set(['block', 'statement_list', 'func_literal']);

/** A read whose value may be kept beyond the function's return (see {@link staysLocal}). */
function outlives(id: Node, body: Node): boolean {
  if (capturedLater(id, body)) return true;
  const p = id.parent!;
  if (p.type === 'unary_expression' && p.childForFieldName('operator')?.text === '&') return true;
  // Anywhere inside a composite literal, a sent value, or the right side of a store to a field, map or slice.
  for (let a: Node | null = p; a && !STATEMENT_END.has(a.type); a = a.parent) {
    if (a.type === 'literal_value' || a.type === 'send_statement') return true;
    if (a.type === 'assignment_statement') {
      const right = a.childForFieldName('right');
      const left = a.childForFieldName('left')?.namedChildren ?? [];
      if (right && contains(right, id) && left.some((l) => l?.type !== 'identifier')) return true;
      break;
    }
  }
  // `ctx.Done()` handed to someone else is watched asynchronously.
  const sel = p.type === 'selector_expression' && p.childForFieldName('operand')?.id === id.id ? p : undefined;
  const call = sel?.parent?.type === 'call_expression' ? sel.parent : undefined;
  if (call && sel!.childForFieldName('field')?.text === 'Done' && call.parent?.type !== 'unary_expression' && call.parent?.type !== 'expression_statement') return true;
  // The receiver or an argument of a call that starts background work.
  const target = call ?? (p.type === 'argument_list' ? p.parent : undefined);
  const callee = target?.type === 'call_expression' ? callParts(target)?.name : undefined;
  return callee !== undefined && STARTS_WORK.test(callee);
}

/** `cancel()` (or `cancel(err)` for a CancelCauseFunc) as a statement or as `defer cancel()`. */
function isPlainCall(id: Node): boolean {
  const call = id.parent;
  if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== id.id || callArgs(call).length > 1) return false;
  return call.parent?.type === 'expression_statement' || call.parent?.type === 'defer_statement';
}

function readsOf(root: Node, name: string): Node[] {
  return descendants(root, 'identifier').filter((n) => n.text === name && !isWriteTarget(n));
}

function inFuncLiteral(n: Node, body: Node): boolean {
  for (let p = n.parent; p && p.id !== body.id; p = p.parent) if (p.type === 'func_literal') return true;
  return false;
}

function insideLoop(n: Node, fn: FuncInfo): boolean {
  for (let p = n.parent; p && p.id !== fn.node.id; p = p.parent) if (p.type === 'for_statement') return true;
  return false;
}

function resultNames(fn: FuncInfo): string[] {
  const result = fn.node.childForFieldName('result');
  if (result?.type !== 'parameter_list') return [];
  return result.namedChildren.flatMap((p) => (p ? p.childrenForFieldName('name').map((n) => n?.text ?? '') : []));
}

function fnLabel(fn: FuncInfo): string {
  return fn.name ? `\`${fn.name}\`` : `the function literal at line ${lineOf(fn.node)}`;
}

/**
 * The returns (and the end of the body) that some path from `stmt` reaches without reading
 * `name`: a forward "may" problem on the function's graph. A path stops being clean at any element
 * that reads the variable (a call, a defer, handing it on, a closure that captures it); panics and
 * calls that never return end in the abort block, not at an exit.
 */
function leakingExits(file: FileFacts, fn: FuncInfo, stmt: Node, name: string): Node[] {
  const g = cfgOf(file, fn.node);
  const site = g?.elementOf(stmt);
  if (!g || !site || site.node.id !== stmt.id) return [];
  const reads = (el: Element) => el.kind !== 'select' && el.kind !== 'head' && readsOf(el.node, name).length > 0;
  const clean = solve<boolean>(g, {
    direction: 'forward',
    boundary: false,
    join: (a, b) => a || b,
    equals: (a, b) => a === b,
    transfer: (el, fact) => (el === site ? true : fact && !reads(el)),
  });
  if (!clean) return [];
  const out: Node[] = [];
  for (const r of g.returnPoints) if (clean.blockOut(r.block)) out.push(r.node ?? fn.body!);
  return out.sort((x, y) => (x.id === fn.body!.id ? 1 : 0) - (y.id === fn.body!.id ? 1 : 0) || x.startIndex - y.startIndex);
}
