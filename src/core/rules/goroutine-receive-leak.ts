import { handoffExcludes } from '../model/handoff';
import { outermostFunction } from '../model/context';
import { runsOncePerProcess } from '../model/package';
import {
  channelFlows,
  channelFocus,
  fieldUsedElsewhere,
  neverFinishes,
  isBlockingReceive,
  lift,
  loopCanEnd,
  loopHeader,
  ownReturns,
  runsBefore,
  startOf,
  type Body,
  type ChannelFlow,
  type Lifted,
  type Use,
} from '../model/channels';
import { deleteStatement, insertLinesAfter, insertLinesBefore } from '../findings/edits';
import type { FileFacts, FuncInfo } from '../model/facts';
import type { Node } from '../syntax/parser';
import type { Fix, Related, Report, Rule } from '../findings/rule';
import { blockStatements, callParts, descendants, excerpt, lineOf, quote } from '../syntax/nodes';

export const rule: Rule = {
  id: 'goroutine-receive-leak',
  title: 'Goroutine waits on a channel that nothing closes',
  severity: 'warning',
  severityInTests: 'info',
  category: 'goroutine-leak',
  docs: {
    summary:
      'A goroutine ranges over or receives from a channel made in view, and some path (an early return, or every path) finishes producing without closing or sending on it, so the goroutine waits forever (information in a function of package main that runs once per process).',
    why:
      '`for v := range ch` only ends when `ch` is closed, and `<-ch` only returns when a value or a close arrives. When the code that ' +
      'feeds the channel returns without closing it (on an error path, or because nobody wrote the `close` at all), the waiting ' +
      'goroutine is never woken: it stays blocked for the life of the process, together with everything it references. Each call ' +
      'leaks one more goroutine, which shows up as slowly growing memory and goroutine counts. The rule reports only channels whose ' +
      '`make` it sees and whose every use it can follow through the file.',
    interleaving: [
      'The function makes `ch` and starts a goroutine that runs `for v := range ch`.',
      'The function sends some values, then hits an error and returns before its `close(ch)`.',
      'The goroutine has drained the channel and waits for the next value or a close; neither ever comes, so it blocks forever.',
    ],
    bad: `func indexAll(paths []string) error {
	docs := make(chan string)
	go func() {
		for d := range docs {
			index(d)
		}
	}()
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return err // the goroutine waits on docs forever
		}
		docs <- string(data)
	}
	close(docs)
	return nil
}`,
    good: `func indexAll(paths []string) error {
	docs := make(chan string)
	defer close(docs) // every return ends the range loop
	go func() {
		for d := range docs {
			index(d)
		}
	}()
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		docs <- string(data)
	}
	return nil
}`,
    fixes:
      '**Close it with defer** adds `defer close(ch)` at the start of the code that feeds the channel (right after the `make` when that ' +
      'is the same function) and removes a `close(ch)` that ended it, so every return closes the channel. It is offered only when that ' +
      'code is the only one sending on and closing the channel, runs once, and does not wait for the receiver before returning.',
  },
  check(ctx) {
    const file = ctx.file;
    const reported = new Set<number>();
    for (const flow of channelFlows(file, channelFocus(file, ctx.inFocus))) {
      if (flow.trace.escapes.length > 0) continue;
      if (flow.field && fieldUsedElsewhere(ctx.package, file.fileName, flow.field.typeName, flow.field.name)) continue;
      for (const r of flow.trace.uses) {
        if ((r.kind !== 'range' && r.kind !== 'recv') || reported.has(r.op.id)) continue;
        const report = analyse(file, flow, r);
        if (!report) continue;
        reported.add(r.op.id);
        // In a function of package main that runs once (franz-go's benchmark, whose producer main
        // starts once), the waiters are stranded once, as the process ends: worth knowing, not a warning.
        const top = outermostFunction(file, flow.make);
        ctx.report(top && runsOncePerProcess(file, ctx.package, top) ? { ...report, severity: 'info' } : report);
      }
    }
  },
};

function analyse(file: FileFacts, flow: ChannelFlow, r: Use): Report | undefined {
  const uses = flow.trace.uses;
  const waiter = lift(r.body, r.op);
  const t = waiter.thread;
  if (r.kind === 'range' && loopCanEnd(r.op)) return undefined;
  if (r.kind === 'recv') {
    // One receive that needs one value: several receives or receivers need counting we do not do.
    if (!isBlockingReceive(r.op) || waiter.looped || t.repeated) return undefined;
    if (uses.filter((u) => u.kind === 'recv' || u.kind === 'range').length > 1) return undefined;
  }
  // When main returns the process ends, and its goroutines with it.
  if (t.how === 'goroutine' && flow.owner.kind === 'function' && flow.owner.name === 'main') return undefined;

  const sends = uses.filter((u) => u.kind === 'send');
  const producing = uses.filter((u) => u.kind === 'close' || (r.kind === 'recv' && u.kind === 'send'));
  const producers = producing.map((u) => lift(u.body, u.op));
  if (producers.length === 0) {
    const lifted = sends.map((s) => lift(s.body, s.op));
    // A receiver that also feeds the channel (a work queue), or a sender that never stops: not a leak we can prove.
    if (lifted.some((s) => s.thread === t)) return undefined;
    if (sends.some((s) => neverFinishes(s.body, s.op))) return undefined;
    return neverClosed(file, flow, r, waiter);
  }

  // Where producing ends: the one body holding every send/close (a callee such as `push(ch)`
  // included), else the goroutine all of them run on.
  const bodies = new Set(producing.map((u) => u.body));
  const scope = bodies.size === 1 && producing[0].body.how !== 'defer' ? producing[0].body : producers[0].thread;
  const marks = scope === producing[0].body && bodies.size === 1 ? producing.map((u) => u.op) : producers.map((x) => x.at);
  const p = producers[0].thread;
  if (producers.some((x) => x.thread !== p) || p === t || scope.repeated) return undefined;
  // Returns before the waiting goroutine is started leave nobody waiting.
  const start = startOf(t);
  let startInScope: Node | undefined;
  if (start && start.thread === p) {
    if (scope === p) startInScope = start.at;
    else if (!runsBefore(start.at, lift(scope, scope.fn.node).at)) return undefined;
  } else if (p.how === 'root' && t.how === 'goroutine') return undefined;
  let early = ownReturns(scope.fn).filter(
    (ret) => (!startInScope || runsBefore(startInScope, ret)) && !marks.some((m) => m.startIndex < ret.startIndex),
  );
  // The goroutine returns early only when a value it handed over first tells the waiter to leave
  // before this receive (`errc <- err; if err != nil { return }` against `if err := <-errc; err != nil`).
  const go = t.how === 'root' && scope.how === 'goroutine' ? file.goStatements.find((g) => g.node.id === scope.via?.id) : undefined;
  if (go) early = early.filter((ret) => !handoffExcludes(file, t.fn, go, ret, r.op));
  if (early.length === 0) return undefined;
  return earlyReturn(file, flow, r, waiter, scope, early, marks, producing);
}

/** How a finding names a goroutine (or the function itself). */
function who(b: Body): string {
  if (b.how === 'goroutine' && b.via) {
    return b.fn.name ? `goroutine \`${b.fn.name}\` started at line ${lineOf(b.via)}` : `goroutine started at line ${lineOf(b.via)}`;
  }
  return fnName(b.fn);
}

/** The same with an article, for the middle of a sentence. */
function theWho(b: Body): string {
  return b.how === 'goroutine' ? `the ${who(b)}` : who(b);
}

function fnName(fn: FuncInfo): string {
  return fn.name ? `\`${fn.name}\`` : `the function literal at line ${lineOf(fn.node)}`;
}

/** As {@link who}, without the line: the goroutine is the one at the finding, or `the sending/closing goroutine`. */
function shortWho(b: Body, role?: string): string {
  if (b.how === 'goroutine' && b.via) return b.fn.name ? `goroutine \`${b.fn.name}\`` : role ? `the ${role} goroutine` : 'the goroutine';
  return b.fn.name ? `\`${b.fn.name}\`` : 'a function literal';
}

/**
 * For messages: "`<-done` in goroutine `drain` blocks" / "`for x := range ch` waits" (one line at most). The
 * wait is at the finding, so its function goes unnamed; only a goroutine says so.
 */
function shortWait(r: Use, t: Body): string {
  const where = t.how === 'goroutine' && t.via ? ` in ${shortWho(t)}` : '';
  return r.kind === 'range'
    ? `\`${excerpt(loopHeader(r.op), 32)}\`${where} waits`
    : `\`${quote(r.op, 28)}\`${where} blocks`;
}

function waitText(r: Use): string {
  return r.kind === 'range'
    ? `waits in \`${loopHeader(r.op)}\` (line ${lineOf(r.op)})`
    : `blocks on \`${quote(r.op)}\` (line ${lineOf(r.op)})`;
}

function span(n: Node) {
  return { start: n.startIndex, end: n.endIndex };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function commonRelated(flow: ChannelFlow, t: Body): Related[] {
  const out: Related[] = [{ span: span(flow.make), message: `\`${flow.key}\` is made here` }];
  if (t.how === 'goroutine' && t.via) out.unshift({ span: span(t.via), message: 'the waiting goroutine is started here' });
  return out;
}

function neverClosed(
  file: FileFacts,
  flow: ChannelFlow,
  r: Use,
  waiter: Lifted,
): Report {
  const t = waiter.thread;
  const key = flow.key;
  const made = lineOf(flow.make);
  const sendUses = flow.trace.uses.filter((u) => u.kind === 'send');
  const last = sendUses[sendUses.length - 1];
  const nothing = sendUses.length === 0 ? 'nothing sends on or closes' : 'nothing closes';
  const after =
    r.kind === 'range' && last
      ? ' after the last send'
      : '';
  const related = commonRelated(flow, t);
  for (const s of sendUses.slice(0, 3)) related.push({ span: span(s.op), message: `sends on \`${key}\` here; nothing closes it afterwards` });
  const owner = fnName(flow.owner);
  const steps = [
    t.how === 'goroutine'
      ? `${capitalise(owner)} makes \`${key}\` (line ${made}) and at line ${lineOf(t.via!)} starts a goroutine${t.fn.name ? ` running \`${t.fn.name}\`` : ''} that ${waitText(r)}.`
      : `${capitalise(owner)} makes \`${key}\` (line ${made}) and then ${waitText(r)}.`,
    last
      ? `Values sent with \`${quote(last.op)}\` (line ${lineOf(last.op)}) arrive and are handled.`
      : `Nothing in the file ever sends on \`${key}\`.`,
    `${last ? 'The senders finish' : 'The function goes on'} without \`close(${key})\`. ${capitalise(theWho(t))} waits for a value or a close that never comes: it stays blocked forever.`,
  ];
  return {
    node: r.kind === 'range' ? rangeClause(r.op) : r.op,
    message: `${shortWait(r, t)} forever: ${nothing} \`${key}\`${after}`,
    related,
    steps,
    fixes: optional(deferCloseFix(file, flow, t)),
  };
}

function earlyReturn(
  file: FileFacts,
  flow: ChannelFlow,
  r: Use,
  waiter: Lifted,
  scope: Body,
  early: Node[],
  marks: Node[],
  producing: Use[],
): Report {
  const t = waiter.thread;
  const key = scope.key; // the channel's name where it is produced
  const first = early[0];
  const prod = marks[0];
  const closing = producing.every((u) => u.kind === 'close');
  const related = commonRelated(flow, t);
  for (const ret of early.slice(0, 3)) related.push({ span: span(ret), message: `returns here without ${closing ? 'closing' : 'sending on or closing'} \`${key}\`` });
  for (const m of marks.slice(0, 2)) related.push({ span: span(m), message: `only this ${closing ? 'closes' : 'signals'} \`${key}\`` });
  if (scope.how === 'goroutine' && scope.via && scope.via.id !== t.via?.id) {
    related.push({ span: span(scope.via), message: `the goroutine that ${closing ? 'closes' : 'sends on or closes'} \`${key}\` is started here` });
  }
  const producer = shortWho(scope, closing ? 'closing' : 'sending');
  const steps = [
    `${capitalise(theWho(t))} ${waitText(r)}.`,
    `${capitalise(theWho(scope))} returns early at line ${lineOf(first)} (\`${quote(first)}\`), before it reaches \`${quote(prod)}\` (line ${lineOf(prod)}).`,
    `Nothing else ${closing ? 'closes' : 'sends on or closes'} \`${key}\`, so ${theWho(t)} stays blocked forever, holding everything it references.`,
  ];
  return {
    node: r.kind === 'range' ? rangeClause(r.op) : r.op,
    message:
      `${shortWait(r, t)} forever when ${producer} returns at line ${lineOf(first)} before \`${quote(prod, 24)}\``,
    related,
    steps,
    fixes: optional(deferCloseFix(file, flow, t)),
  };
}

function rangeClause(loop: Node): Node {
  return loop.namedChildren.find((c) => c?.type === 'range_clause') ?? loop;
}

function optional(fix: Fix | undefined): Fix[] {
  return fix ? [fix] : [];
}

/**
 * `defer close(ch)` at the start of the one body that sends on and closes the channel. Offered
 * only when that body runs once, is the only one producing, does not wait for anything after
 * it starts producing (the deferred close would then come too late), and its other defers
 * cannot block; an existing `close(ch)` is replaced only when it is the body's last statement.
 */
function deferCloseFix(file: FileFacts, flow: ChannelFlow, waiter: Body): Fix | undefined {
  const producing = flow.trace.uses.filter((u) => u.kind === 'send' || u.kind === 'close');
  const x = producing[0]?.body;
  if (!x || producing.some((u) => u.body !== x) || x.repeated || x.how === 'defer') return undefined;
  if (lift(x, producing[0].op).thread === waiter || !x.fn.body) return undefined;
  const statements = blockStatements(x.fn.body);
  const closes = producing.filter((u) => u.kind === 'close');
  let remove: Node | undefined;
  if (closes.length > 1) return undefined;
  if (closes.length === 1) {
    const stmt = closes[0].op.parent;
    const i = statements.findIndex((s) => s.id === stmt?.id);
    if (!stmt || stmt.type !== 'expression_statement' || i < 0) return undefined;
    const rest = statements.slice(i + 1);
    if (rest.length > 1 || (rest.length === 1 && !plainReturn(rest[0]))) return undefined;
    remove = stmt;
  }
  const from = Math.min(...producing.map((u) => u.op.startIndex));
  const body = x.fn.body;
  const waits = descendants(body, new Set(['call_expression', 'unary_expression', 'defer_statement']), true).some((n) => {
    if (n.type === 'defer_statement') return !harmlessDefer(n);
    if (n.startIndex < from) return false;
    if (n.type === 'call_expression') return callParts(n)?.name === 'Wait';
    return n.childForFieldName('operator')?.text === '<-' && isBlockingReceive(n);
  });
  if (waits) return undefined;
  if (x.how !== 'root' && x.fn.kind !== 'literal' && !usedOnce(file, x.fn)) return undefined;
  const line = `defer close(${x.key})`;
  let insert;
  if (x.how === 'root') {
    if (!statements.some((s) => s.id === flow.statement.id)) return undefined;
    insert = insertLinesAfter(file.source, flow.statement, [line]);
  } else {
    if (!statements[0]) return undefined;
    insert = insertLinesBefore(file.source, statements[0], [line]);
  }
  const del = remove ? deleteStatement(file.source, remove) : undefined;
  if (!insert || (remove && !del)) return undefined;
  return { title: `Close \`${x.key}\` with defer`, edits: del ? [insert, del] : [insert], safe: true };
}

/** `return`, or a return of names and literals only (nothing that could wait for the receiver). */
function plainReturn(n: Node): boolean {
  if (n.type !== 'return_statement') return false;
  const values = n.namedChild(0)?.namedChildren ?? [];
  return values.every((v) => !!v && /^(identifier|nil|true|false|int_literal|float_literal|interpreted_string_literal|raw_string_literal)$/.test(v.type));
}

/** Deferred calls that cannot wait for the receiver: `wg.Done()`, `mu.Unlock()`, `cancel()`. */
function harmlessDefer(d: Node): boolean {
  const call = d.namedChild(0);
  const parts = call ? callParts(call) : undefined;
  if (!parts) return false;
  if (parts.receiver) return ['Done', 'Unlock', 'RUnlock'].includes(parts.name);
  return /^cancel/i.test(parts.name);
}

/** A named function may be edited only when the file uses it once (the go statement or call we follow). */
function usedOnce(file: FileFacts, fn: FuncInfo): boolean {
  const name = fn.name;
  if (!name) return false;
  let uses = 0;
  for (const id of descendants(file.root, new Set(['identifier', 'field_identifier']))) {
    if (id.text === name && id.parent?.id !== fn.node.id) uses++;
  }
  return uses === 1;
}
