import {
  certainUpTo,
  channelFocus,
  closedChannelTraces,
  deferStatement,
  lift,
  loopCanEnd,
  loopHeader,
  reassigned,
  recovers,
  resetBetween,
  runsBefore,
  startOf,
  type Body,
  type Lifted,
  type Trace,
  type Use,
} from '../model/channels';
import { hasBuffer, parseChanMake, type FileFacts, type GoStmt, type VarDecl } from '../model/facts';
import { functionExits, loopCount, spawnCount, startsAtMostOnce } from '../model/flow';
import { onFailingTestPath } from '../model/noreturn';
import type { Node } from '../syntax/parser';
import type { Report, Rule } from '../findings/rule';
import { callArgs, descendants, enclosingLoop, excerpt, lineOf, loopExits, pathKey, quote, whileCondition } from '../syntax/nodes';
import { surelyFollows, surelyReached } from '../model/paths';

export const rule: Rule = {
  id: 'double-close',
  title: 'Channel closed twice',
  severity: 'error',
  category: 'channel',
  docs: {
    summary:
      'A channel can be closed twice: two `close` calls on one path, a `close` in a loop body, a `close` in every goroutine a loop starts, or a `close` after ranging over the channel (which only ends once it is closed).',
    why:
      'Closing a closed channel panics ("close of closed channel"), and the panic takes the whole program down unless it is recovered. ' +
      'A channel should have exactly one owner that closes it once, usually the single sender or the code that waits for all senders. ' +
      'When several goroutines may each decide to close (every worker closes `done` when it finishes), or the same statement runs ' +
      'more than once (a loop), or two paths both close, the second close crashes. Give the close a single owner: close after ' +
      '`wg.Wait()` in one place, or guard it with `sync.Once` when several parties really may trigger it.',
    interleaving: [
      'The first `close(ch)` runs: receivers see the channel closed.',
      'Another path, another iteration or another goroutine reaches `close(ch)` for the same channel.',
      'The runtime panics with "close of closed channel" and the program exits.',
    ],
    bad: `func search(shards []shard, q string) []string {
	results := make(chan string)
	for _, s := range shards {
		go func(s shard) {
			for _, r := range s.find(q) {
				results <- r
			}
			close(results) // every shard closes: the second one panics
		}(s)
	}
	var out []string
	for r := range results {
		out = append(out, r)
	}
	return out
}`,
    good: `func search(shards []shard, q string) []string {
	results := make(chan string)
	var wg sync.WaitGroup
	for _, s := range shards {
		wg.Add(1)
		go func(s shard) {
			defer wg.Done()
			for _, r := range s.find(q) {
				results <- r
			}
		}(s)
	}
	go func() {
		wg.Wait() // one owner closes, once every sender is done
		close(results)
	}()
	var out []string
	for r := range results {
		out = append(out, r)
	}
	return out
}`,
  },
  check(ctx) {
    const file = ctx.file;
    if (!/\bclose\(/.test(file.text)) return;
    const reported = new Set<number>();
    for (const t of closedChannelTraces(file, channelFocus(file, ctx.inFocus))) {
      if (reassigned(file, t) || recovers(t)) continue;
      for (const r of findings(file, t)) {
        if (reported.has(r.close.op.id)) continue;
        reported.add(r.close.op.id);
        // A close that runs only once the test has failed (cleanup before `t.Fatal`) panics in a failing run only.
        ctx.report(onFailingTestPath(file, r.close.op) ? { ...r.report, severity: 'info' } : r.report);
      }
    }
  },
};

interface Close {
  use: Use;
  op: Node;
  l: Lifted;
  /** Runs whenever its goroutine (or the traced function) runs to its end. */
  certain: boolean;
}

/**
 * True when `use` runs whenever its thread runs to the end: every call leading to it is reached
 * on every path through its function, and so is the close itself (or its defer, when the
 * function can return at all).
 */
function certainIn(use: Use, l: Lifted): boolean {
  let b: Body = use.body;
  let node: Node = use.op;
  for (;;) {
    const deferred = node.parent?.type === 'defer_statement';
    const stmt = deferred ? node.parent! : node;
    if (!surelyReached(stmt, b.fn.body!)) return false;
    if (deferred && functionExits(b.fn).length === 0) return false;
    if (b === l.thread) return true;
    if (!b.parent || !b.via) return false;
    node = b.via;
    b = b.parent;
  }
}

interface Finding {
  close: Close;
  report: Report;
}

function span(n: Node) {
  return { start: n.startIndex, end: n.endIndex };
}

const PANIC = 'the second close of the channel panics';

function findings(file: FileFacts, t: Trace): Finding[] {
  const out: Finding[] = [];
  const closes: Close[] = t.uses
    .filter((u) => u.kind === 'close')
    .map((use) => {
      const l = lift(use.body, use.op);
      return { use, op: use.op, l, certain: certainIn(use, l) };
    });
  const name = (c: Close) => quote(c.op, 32);

  // A close in a loop body runs once per iteration.
  for (const c of closes) {
    const loop = c.l.looped ? closeLoop(t, c) : undefined;
    if (!loop) continue;
    out.push({
      close: c,
      report: {
        node: c.op,
        message: `\`${name(c)}\` runs on every iteration of the loop, and ${PANIC}`,
        related: [{ span: span(loop), message: 'this loop can run more than once' }],
        steps: [
          `The first iteration of \`${loopHeader(loop)}\` (line ${lineOf(loop)}) runs \`${name(c)}\` (line ${lineOf(c.op)}).`,
          'The loop goes round again: nothing on the way leaves it or replaces the channel.',
          `\`${name(c)}\` runs a second time on the closed channel and panics with "close of closed channel".`,
        ],
      },
    });
  }

  // A close in a goroutine that is started several times: by a loop, or by several go statements.
  for (const c of closes) {
    if (c.l.thread.how !== 'goroutine' || !c.certain || c.l.looped) continue;
    const start = startOf(c.l.thread);
    const g = file.goStatements.find((x) => x.node.id === c.l.thread.via?.id);
    if (!start || !g) continue;
    if (!start.looped) {
      const twin = c.l.thread.repeated ? sameStart(t, g) : undefined;
      if (twin) out.push({ close: c, report: twinReport(c, g.node, twin) });
      continue;
    }
    const n = spawnCount(g);
    if ((n.kind === 'const' && n.n <= 1) || startsAtMostOnce(g)) continue;
    // A channel declared inside the loop is a new one for each goroutine.
    if (declaredInLoopAround(t, g.node)) continue;
    const loop = enclosingLoop(g.node);
    if (loop && (loopExits(loop).jumps || loopExits(loop).returns)) continue;
    out.push({
      close: c,
      report: {
        node: c.op,
        message:
          `\`${name(c)}\` runs in every goroutine ${loop ? 'the loop starts' : `started at line ${lineOf(g.node)}`}, and ${PANIC}`,
        related: [{ span: span(g.node), message: 'this go statement runs more than once' }],
        steps: [
          `The loop starts several goroutines at line ${lineOf(g.node)}; each one ends with \`${name(c)}\` (line ${lineOf(c.op)}).`,
          'The first goroutine to finish closes the channel.',
          `The next one reaches \`${name(c)}\` on the closed channel and panics with "close of closed channel".`,
        ],
      },
    });
  }

  // Two closes that both run.
  for (let i = 0; i < closes.length; i++) {
    for (let j = 0; j < closes.length; j++) {
      const a = closes[i];
      const b = closes[j];
      if (i === j || a.l.looped || b.l.looped) continue;
      const order = bothRun(t, a, b);
      // When the order is not fixed, report at the close written last.
      if (!order || (order === 'either' && a.op.startIndex > b.op.startIndex)) continue;
      if (resetBetween(t, a, b)) continue;
      const [first, second] = [a, b];
      const where = (c: Close) => (c.l.thread === t.root ? '' : ` in the goroutine started at line ${lineOf(c.l.thread.via!)}`);
      out.push({
        close: second,
        report: {
          node: second.op,
          message:
            order === 'either'
              ? `\`${name(second)}\` and \`${name(first)}\` at line ${lineOf(first.op)} both close the channel, and the second close panics`
              : `\`${name(second)}\` closes the channel again after \`${name(first)}\` at line ${lineOf(first.op)}: closing a closed channel panics`,
          related: [{ span: span(first.op), message: 'the other close of the same channel' }],
          steps: pairSteps(first, second, where),
        },
      });
    }
  }

  // Ranging over the channel until it is closed, then closing it.
  for (const r of t.uses) {
    if (r.kind !== 'range' || loopCanEnd(r.op)) continue;
    const rl = lift(r.body, r.op);
    if (rl.looped || rl.deferred) continue;
    for (const c of closes) {
      if (c.l.thread !== rl.thread || c.l.looped) continue;
      const after = c.l.deferred ? runsBefore(deferStatement(c.l), rl.at) : surelyFollows(rl.at, c.l.at);
      if (!after) continue;
      out.push({
        close: c,
        report: {
          node: c.op,
          message:
            `\`${name(c)}\` runs after \`${excerpt(loopHeader(r.op), 32)}\`, which ends only once the channel is closed: the second close panics`,
          related: [{ span: span(r.op), message: 'this loop ends only when the channel is closed' }],
          steps: [
            `\`${loopHeader(r.op)}\` (line ${lineOf(r.op)}) receives until the channel is closed and drained; nothing else leaves the loop.`,
            'When the loop ends, some other code has therefore closed the channel.',
            `\`${name(c)}\` (line ${lineOf(c.op)}) then closes it again and panics with "close of closed channel".`,
          ],
        },
      });
    }
  }
  return out;
}

/**
 * Another go statement of the traced function that starts the same function with the same
 * channel argument, on the same path as `g` (both run): `go producer(ch, 3)` then `go producer(ch, 5)`.
 */
function sameStart(t: Trace, g: GoStmt): Node | undefined {
  const param = g.target?.params.findIndex((p) => p.name === t.bodies.find((b) => b.via?.id === g.node.id)?.key);
  if (param === undefined || param < 0 || !g.call) return undefined;
  const key = pathKey(callArgs(g.call)[param]);
  for (const call of descendants(t.root.fn.body!, 'call_expression', true)) {
    const go = call.parent;
    if (go?.type !== 'go_statement' || go.id === g.node.id || !key || pathKey(callArgs(call)[param]) !== key) continue;
    const fnNode = call.childForFieldName('function');
    if (fnNode?.text !== g.call.childForFieldName('function')?.text) continue;
    const [x, y] = go.startIndex < g.node.startIndex ? [go, g.node] : [g.node, go];
    if (runsBefore(x, y) || surelyFollows(x, y)) return go;
  }
  return undefined;
}

function twinReport(c: Close, go: Node, twin: Node): Report {
  const [a, b] = go.startIndex < twin.startIndex ? [go, twin] : [twin, go];
  const text = quote(c.op, 32);
  return {
    node: c.op,
    message:
      `\`${text}\` runs in two goroutines started with the same channel, and ${PANIC}`,
    related: [
      { span: span(a), message: 'one goroutine that closes the channel' },
      { span: span(b), message: 'another goroutine that closes the same channel' },
    ],
    steps: [
      `Lines ${lineOf(a)} and ${lineOf(b)} start the same function with the same channel; each run ends with \`${text}\` (line ${lineOf(c.op)}).`,
      'The first goroutine to finish closes the channel.',
      `The other one reaches \`${text}\` on the closed channel and panics with "close of closed channel".`,
    ],
  };
}

/**
 * The loop that runs a close more than once: the innermost loop around it (or around the call
 * leading to it) in its thread, which runs the close on every iteration, can run several times,
 * is not left by a jump, and does not declare the channel itself.
 */
function closeLoop(t: Trace, c: Close): Node | undefined {
  const fnNode = c.l.thread.fn.node;
  const at = c.l.deferred ? deferStatement(c.l) : c.l.at;
  const loop = enclosingLoop(at, fnNode);
  const body = loop?.childForFieldName('body');
  if (!loop || !body || !surelyReached(at, body)) return undefined;
  const exits = loopExits(loop);
  if (exits.jumps || exits.returns || loopCanEnd(loop) || isConditionOnly(loop)) return undefined;
  const n = loopCount(loop);
  if (n.kind === 'const' && n.n <= 1) return undefined;
  // The chain from the close up to the loop must run on every iteration too.
  if (!certainUpTo(c)) return undefined;
  if (c.l.thread === t.root && declaredIn(t, loop)) return undefined;
  // `for e := range ch { ...; close(ch) }` on a channel without a buffer: the range ends at its
  // next receive after the close, so the close runs once (confluent-kafka-go's delivery channel).
  if (t.uses.some((u) => u.kind === 'range' && u.op.id === loop.id) && madeUnbuffered(t)) return undefined;
  return loop;
}

/** The traced channel is a local made by `make(chan T)` with no buffer. */
function madeUnbuffered(t: Trace): boolean {
  const decl = t.root.identity as VarDecl | undefined;
  const made = decl?.init ? parseChanMake(decl.init) : undefined;
  return !!made && !hasBuffer(made);
}

/** True when the traced channel's variable is declared inside `node` (a loop): each round has its own. */
function declaredIn(t: Trace, node: Node): boolean {
  const decl = t.root.identity as { statement?: Node } | undefined;
  return !!decl?.statement && node.startIndex <= decl.statement.startIndex && decl.statement.endIndex <= node.endIndex;
}

/** True when the channel's variable is declared inside a loop of the traced function around `n`. */
function declaredInLoopAround(t: Trace, n: Node): boolean {
  for (let p = n.parent; p && p.id !== t.root.fn.node.id; p = p.parent) {
    if (p.type === 'for_statement' && declaredIn(t, p)) return true;
  }
  return false;
}

/** `for cond { }`: whether it runs twice depends on data we cannot see. */
function isConditionOnly(loop: Node): boolean {
  return whileCondition(loop) !== undefined;
}

/**
 * Whether closes `a` and `b` both run on some run of the traced function, and in which order:
 * 'after' when `b` runs after `a` has run, 'either' when both run but the order is not fixed
 * (different goroutines, two deferred closes). On one goroutine it is enough that one of them
 * dominates the other or that the later one follows the earlier on every path: either way, a run
 * that reaches one reaches both. Across goroutines, each close must run whenever its goroutine
 * does, and the go statements (or the traced function's own close) must lie on one path.
 */
function bothRun(t: Trace, a: Close, b: Close): 'after' | 'either' | undefined {
  if (a.l.thread === b.l.thread) {
    if (!certainUpTo(a) || !certainUpTo(b)) return undefined;
    const returns = (c: Close) => !c.l.deferred || functionExits(c.l.thread.fn).length > 0;
    if (!returns(a) || !returns(b)) return undefined;
    const related = (x: Node, y: Node) => runsBefore(x, y) || surelyFollows(x, y);
    if (a.l.deferred && b.l.deferred) {
      const da = deferStatement(a.l);
      const db = deferStatement(b.l);
      return da.id !== db.id && da.endIndex <= db.startIndex && related(da, db) ? 'either' : undefined;
    }
    if (a.l.deferred) return undefined; // seen from the other side, with the plain close as `a`
    if (b.l.deferred) {
      // A plain close, and a deferred one registered on the same path that runs at return.
      const db = deferStatement(b.l);
      const at = a.l.at;
      return at.id !== db.id && (at.endIndex <= db.startIndex ? related(at, db) : related(db, at)) ? 'after' : undefined;
    }
    let x = a.l.at;
    let y = b.l.at;
    if (x.id === y.id) {
      // Both reached through one call: compare inside the callee they share.
      if (a.use.body !== b.use.body) return undefined;
      x = a.op;
      y = b.op;
    }
    return x.endIndex <= y.startIndex && related(x, y) ? 'after' : undefined;
  }
  const ax = anchor(t, a);
  const bx = anchor(t, b);
  if (!ax || !bx || ax.id === bx.id) return undefined;
  const [x, y] = ax.startIndex <= bx.startIndex ? [ax, bx] : [bx, ax];
  return runsBefore(x, y) || surelyFollows(x, y) ? 'either' : undefined;
}

/**
 * Where the traced function decides that a close will run: the close (or its defer) for its own
 * closes, the go statement for a goroutine that closes whenever it runs. Undefined when the close
 * may not run, or its goroutine is started in a loop or by another goroutine.
 */
function anchor(t: Trace, c: Close): Node | undefined {
  if (c.l.thread === t.root) {
    if (!certainUpTo(c)) return undefined;
    if (c.l.deferred && functionExits(t.root.fn).length === 0) return undefined;
    return c.l.deferred ? deferStatement(c.l) : c.l.at;
  }
  const s = startOf(c.l.thread);
  if (!c.certain || c.l.thread.repeated || !s || s.thread !== t.root || s.looped || s.deferred) return undefined;
  // The go statement must run whenever the call of the traced function that leads to it does:
  // a helper that starts the closing goroutine only on its error path decides nothing here.
  if (!certainUpTo({ use: { body: c.l.thread.parent!, op: c.l.thread.via! }, l: s })) return undefined;
  return s.at;
}

function pairSteps(first: Close, second: Close, where: (c: Close) => string): string[] {
  const f = `\`${quote(first.op)}\` (line ${lineOf(first.op)})${where(first)}`;
  const s = `\`${quote(second.op)}\` (line ${lineOf(second.op)})${where(second)}`;
  if (first.l.thread !== second.l.thread) {
    return [
      `${f} and ${s} both run on the same run of the function: nothing chooses between them.`,
      'Whichever runs first closes the channel.',
      'The other one closes it again and panics with "close of closed channel".',
    ];
  }
  return [
    `${f} closes the channel${first.l.deferred ? ' when the function returns' : ''}.`,
    `Control goes on to ${s}${second.l.deferred ? ', which runs when the function returns' : ''}; nothing in between leaves the path or replaces the channel.`,
    'The second close panics with "close of closed channel".',
  ];
}
