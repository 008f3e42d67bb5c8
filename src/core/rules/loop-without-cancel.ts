import { callsCancel, contextsInScope, describeRunner, isStopSignal, mayHaveContexts, neverCancelledParam, outermostFunction, type CtxVar } from '../model/context';
import { cancelReturn, insertDoneCase } from './support/cancel-fixes';
import type { FileFacts, FuncInfo } from '../model/facts';
import type { Node } from '../syntax/parser';
import type { Fix, Report, Rule, TextEdit } from '../findings/rule';
import {
  capitalise,
  caseReceive,
  defaultCase,
  excerpt,
  FUNCTION_TYPES,
  isEndlessLoop,
  lineOf,
  loopExits,
  quote,
  receivedChannel,
  selectCases,
  walk,
} from '../syntax/nodes';
import { focusedOfType } from './support/focus';

export const rule: Rule = {
  id: 'loop-without-cancel',
  title: 'Endless loop waits on channels but never on ctx.Done()',
  severity: 'warning',
  category: 'cancellation',
  docs: {
    summary: 'An endless `for` loop blocks in a `select` or on a receive, has a `ctx` in scope, but never watches `ctx.Done()` and has no other way out.',
    why:
      'A function that takes a `context.Context` promises to stop when the context is cancelled. An endless loop that waits on ' +
      'channels without a `case <-ctx.Done():` keeps that promise only by accident: after the caller gives up (a timeout, a closed ' +
      'request, a shutdown) the loop goes on waiting and working, and the goroutine running it, with everything it references, ' +
      'stays alive until the process exits. The rule stays silent when the loop has any way out: a `return`, a `break` or `goto` ' +
      'that leaves it, a `v, ok := <-ch` receive, or a receive from a `done`/`quit`/`stop` style channel, and when every call of ' +
      'the (unexported) function passes a context nothing can cancel, such as `context.Background()`.',
    interleaving: [
      'The function receives `ctx` and enters `for { select { ... } }`, waiting for work.',
      'The caller cancels `ctx` (its deadline passes, or the request it served is gone) and moves on.',
      'No case of the `select` receives from `ctx.Done()`, so the loop keeps waiting; the goroutine and what it holds are never released.',
    ],
    bad: `func consume(ctx context.Context, events <-chan Event, sink *Sink) {
	flush := time.NewTicker(time.Second)
	defer flush.Stop()
	for {
		select {
		case ev := <-events:
			sink.Write(ctx, ev)
		case <-flush.C:
			sink.Flush(ctx)
		}
	}
}`,
    good: `func consume(ctx context.Context, events <-chan Event, sink *Sink) {
	flush := time.NewTicker(time.Second)
	defer flush.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-events:
			sink.Write(ctx, ev)
		case <-flush.C:
			sink.Flush(ctx)
		}
	}
}`,
    fixes:
      '**Add a `case <-ctx.Done():` that returns** inserts `case <-ctx.Done():` as the first case of every blocking `select` in the loop, ' +
      'followed by `return` (functions without results) or `return <zero values>, ctx.Err()` (functions whose last result is `error`). ' +
      'It is offered only when the loop blocks in `select` statements (not on bare receives) and the zero values are evident.',
  },
  check(ctx) {
    const file = ctx.file;
    if (!mayHaveContexts(file)) return;
    for (const loop of focusedOfType(ctx, 'for_statement')) {
      if (!isEndlessLoop(loop)) continue;
      // A context every caller passes as one nothing can cancel (AdGuardHome's signal handler, given
      // `context.Background()` by main) gives the loop nothing to watch.
      const ctxs = contextsInScope(file, loop).filter((c) => !neverCancelledParam(file, ctx.package, c));
      if (ctxs.length === 0) continue;
      const scan = scanLoop(file, loop);
      if (scan.exits || scan.watches || scan.blocking.length === 0) continue;
      if (ownedElsewhere(file, loop)) continue;
      report(file, ctx.report, loop, ctxs[0], scan.blocking);
    }
  },
};

/**
 * Loops whose context is not the one that should end them: a loop started by a constructor
 * (`NewFs(ctx, ...)` starts a signal handler that lives as long as the value it builds, not as
 * long as the construction's context), and a loop that cancels its context itself (then ends
 * another way, such as `os.Exit`).
 */
function ownedElsewhere(file: FileFacts, loop: Node): boolean {
  const top = outermostFunction(file, loop);
  return /^[Nn]ew([A-Z0-9_]|$)/.test(top?.name ?? '') || callsCancel(loop);
}

interface LoopScan {
  /** A way out of the loop: return, goto, a break/continue aimed outside it, or a `v, ok := <-ch` receive (it sees the close). */
  exits: boolean;
  /** A receive from `X.Done()` or a done/quit/stop style channel somewhere in the loop. */
  watches: boolean;
  /** Blocking selects and receive statements whose innermost loop is this one. */
  blocking: Node[];
}

function scanLoop(file: FileFacts, loop: Node): LoopScan {
  const leaves = loopExits(loop);
  const scan: LoopScan = { exits: leaves.jumps || leaves.returns, watches: false, blocking: [] };
  const body = loop.childForFieldName('body');
  if (!body) return { ...scan, exits: true };
  walk(body, (n) => {
    if (FUNCTION_TYPES.has(n.type)) return false; // a closure's receives are not the loop's
    switch (n.type) {
      case 'select_statement': {
        const cases = selectCases(n);
        // A select with a default case does not block; `select {}` blocks whatever the loop does.
        if (cases.length > 0 && !defaultCase(n) && innermostLoop(n) === loop.id) scan.blocking.push(n);
        for (const c of cases) {
          const r = c.type === 'communication_case' ? caseReceive(c) : undefined;
          if (r && r.left.length === 2 && r.left[1].text !== '_') scan.exits = true;
        }
        return;
      }
      case 'expression_statement':
      case 'short_var_declaration':
      case 'assignment_statement': {
        const recv = receiveStatement(n);
        if (!recv) return;
        if (recv.left.length === 2 && recv.left[1].text !== '_') scan.exits = true;
        else if (innermostLoop(n) === loop.id && !isSelectCase(n)) scan.blocking.push(n);
        return;
      }
      case 'unary_expression': {
        const chan = receivedChannel(n);
        if (chan && isStopSignal(chan, file)) scan.watches = true;
        return;
      }
    }
  });
  return scan;
}

/** `<-ch`, `v := <-ch`, `v, ok = <-ch` as a statement: the receive and its left-hand names. */
function receiveStatement(n: Node): { left: Node[] } | undefined {
  if (n.type === 'expression_statement') return receivedChannel(n.namedChild(0)) ? { left: [] } : undefined;
  const right = (n.childForFieldName('right')?.namedChildren ?? []).filter((x): x is Node => x !== null);
  if (right.length !== 1 || !receivedChannel(right[0])) return undefined;
  return { left: (n.childForFieldName('left')?.namedChildren ?? []).filter((x): x is Node => x !== null) };
}

/** True for the communication of a select case (`case <-ch:` parses as an expression statement there). */
function isSelectCase(n: Node): boolean {
  return n.parent?.type === 'communication_case' && n.parent.childForFieldName('communication')?.id === n.id;
}

function innermostLoop(n: Node): number | undefined {
  for (let p = n.parent; p && !FUNCTION_TYPES.has(p.type); p = p.parent) if (p.type === 'for_statement') return p.id;
  return undefined;
}

/** `select { case v := <-jobs: ... }` for messages. */
function describeBlock(n: Node): string {
  if (n.type !== 'select_statement') return quote(n, 32);
  const first = selectCases(n)[0]?.childForFieldName('communication');
  return first ? `select { case ${excerpt(first.text, 24)}: ... }` : 'select';
}

function report(file: FileFacts, emit: (r: Report) => void, loop: Node, c: CtxVar, blocking: Node[]): void {
  const fn = file.functionOf(loop)!;
  const runner = describeRunner(file, fn);
  const block = blocking[0];
  const what = `\`${describeBlock(block)}\` (line ${lineOf(block)})`;
  const span = { start: loop.startIndex, end: loop.startIndex + 3 };
  emit({
    span,
    message:
      `endless \`for\` loop waits in \`${describeBlock(block)}\` but never watches \`${c.name}.Done()\`: it outlives \`${c.name}\``,
    related: [
      { span: { start: c.node.startIndex, end: c.node.endIndex }, message: `\`${c.name}\` is declared here` },
      ...blocking.map((b) => ({ span: { start: b.startIndex, end: b.endIndex }, message: 'the loop blocks here without watching the context' })),
    ],
    steps: [
      `${capitalise(runner)} has \`${c.name}\` (line ${lineOf(c.node)}) and enters the endless loop at line ${lineOf(loop)}.`,
      `It waits in ${what} while the caller cancels \`${c.name}\` and moves on.`,
      `Nothing in the loop receives from \`${c.name}.Done()\` and no statement leaves it, so ${runner} keeps waiting and working until the process exits.`,
    ],
    fixes: doneCaseFix(file, fn, c, blocking),
  });
}

function doneCaseFix(file: FileFacts, fn: FuncInfo, c: CtxVar, blocking: Node[]): Fix[] {
  if (blocking.some((b) => b.type !== 'select_statement')) return [];
  const ret = cancelReturn(file, fn, c.name);
  if (!ret) return [];
  const edits: TextEdit[] = [];
  for (const select of blocking) {
    const edit = insertDoneCase(file, select, c.name, ret);
    if (!edit) return [];
    edits.push(edit);
  }
  return [{ title: `Add a \`case <-${c.name}.Done():\` that returns`, edits, safe: false }];
}
