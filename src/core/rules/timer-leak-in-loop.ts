import { outermostFunction } from '../model/context';
import { insertLinesAfter, insertLinesBefore, replaceNode, unusedName } from '../findings/edits';
import type { FileFacts, FuncInfo } from '../model/facts';
import { runsOncePerCommand, runsOncePerProcess, type PackageView } from '../model/package';
import type { Node } from '../syntax/parser';
import type { Fix, Report, Rule, TextEdit } from '../findings/rule';
import {
  callArgs,
  callParts,
  capitalise,
  caseReceive,
  contains,
  descendants,
  enclosingLoop,
  FUNCTION_TYPES,
  isEndlessLoop,
  jumpTarget,
  lineOf,
  loopExits,
  quote,
  selectCases,
  unparen,
  walk,
  whileCondition,
} from '../syntax/nodes';
import { oldRuntimeNote, timersCollected } from '../model/timers';
import { mayReturnAfter, repeats } from '../model/paths';
import { eachInFocus } from './support/focus';

export const rule: Rule = {
  id: 'timer-leak-in-loop',
  title: 'time.After in a select loop, or time.Tick that can never be stopped',
  severity: 'warning',
  category: 'goroutine-leak',
  docs: {
    summary:
      '`time.After` in a `select` case inside a `for` loop creates a new timer on every pass, and `time.Tick` outside `main`, ' +
      '`init` and tests creates a ticker nothing can stop. Before Go 1.23 such timers stay in memory until they fire, and such tickers forever.',
    why:
      '`time.After(d)` allocates a timer and returns its channel. In a `select` inside a loop, each pass makes a new one; when ' +
      'another case wins, the timer is dropped but, before Go 1.23, the runtime keeps it until `d` elapses. A busy loop with a long ' +
      'timeout therefore holds thousands of live timers. `time.Tick(d)` is worse: it returns only the channel of a ticker, so the ' +
      'ticker can never be stopped, and before Go 1.23 it is never collected: once the function that used it returns, it keeps ' +
      'firing forever. Since Go 1.23 (when go.mod says `go 1.23` or later) unreferenced timers and tickers are collected, so ' +
      '`time.Tick` is no longer reported and `time.After` in a loop is only a hint about allocating a timer per pass. When the Go ' +
      'version is unknown the rule assumes an older runtime may run the code and reports at its default severity. It stays silent ' +
      'when the loop ends whenever another case wins (a retry loop that sleeps with `time.After` and returns on `ctx.Done()`), and ' +
      'for `time.Tick` in a function that never returns (every path on from it loops forever or ends the process), and in `main`, `init` or a function of package main that they call, or start in a goroutine, once. ' +
      'One `time.Tick` in a function of package main that the package never calls by name (a command reached through an ' +
      'interface) is information. Loops that count to a small constant (at most 100 passes), loops that wait for a known number of results (every other case counts a variable down and the loop ends when it reaches zero) and `_test.go` files are not reported: the timers they can hold are few and short-lived, or one per result.',
    interleaving: [
      'The loop enters `select` with `case m := <-msgs:` and `case <-time.After(time.Minute):`; a one-minute timer is created.',
      'A message arrives first; the message case runs and the loop starts over, creating another one-minute timer.',
      'At a thousand messages a second, sixty thousand pending timers are alive at any time (before Go 1.23), each held until its minute is up.',
    ],
    bad: `func relay(msgs <-chan Msg, out chan<- Msg) {
	for {
		select {
		case m := <-msgs:
			out <- m
		case <-time.After(time.Minute):
			log.Println("idle for a minute")
		}
	}
}`,
    good: `func relay(msgs <-chan Msg, out chan<- Msg) {
	idle := time.NewTimer(time.Minute)
	defer idle.Stop()
	for {
		if !idle.Stop() {
			select {
			case <-idle.C:
			default:
			}
		}
		idle.Reset(time.Minute)
		select {
		case m := <-msgs:
			out <- m
		case <-idle.C:
			log.Println("idle for a minute")
		}
	}
}`,
    fixes:
      '**Reuse one timer across iterations** creates `timer := time.NewTimer(d)` and `defer timer.Stop()` before the loop, resets ' +
      'it right before the `select` (stopping and draining it first unless the module is on Go 1.23+, where `Reset` alone is exact) ' +
      'and waits on `timer.C`. Offered when `d` is a side-effect-free expression that does not depend on the loop, and the loop ' +
      'is not itself inside a loop. **Use `time.NewTicker` and stop it** turns `tick := time.Tick(d)` (or `for range time.Tick(d)`) ' +
      'into a ticker stopped by `defer ticker.Stop()`, when the channel is only used in this function.',
  },
  check(ctx) {
    const file = ctx.file;
    const time = file.importName('time');
    // Test binaries are short-lived: a pending timer or ticker in a test costs nothing that lasts.
    if (!time || file.isTest) return;
    const collected = timersCollected(ctx.goVersion);
    eachInFocus(ctx, 'call_expression', (call) => {
      if (file.isImportCall(call, 'time', 'After')) {
        const r = checkAfter(file, call, time, ctx.goVersion, collected);
        if (r) ctx.report(r);
      } else if (file.isImportCall(call, 'time', 'Tick') && collected !== true) {
        const r = checkTick(file, ctx.package, call, time, ctx.goVersion);
        if (r) ctx.report(r);
      }
    });
  },
};

/** The select case whose communication receives directly from `call`: `case <-time.After(d):`. */
function selectCaseOf(call: Node): Node | undefined {
  const recv = call.parent;
  if (recv?.type !== 'unary_expression' || recv.childForFieldName('operator')?.text !== '<-') return undefined;
  const comm = recv.parent;
  const commCase = comm?.parent;
  if (commCase?.type !== 'communication_case' || commCase.childForFieldName('communication')?.id !== comm!.id) return undefined;
  return caseReceive(commCase)?.channel.id === call.id ? commCase : undefined;
}

/** Loops that count to a small constant (`for i := 0; i < 3; i++`): they can hold only that many timers. */
const FEW = 100;

function fewPasses(loop: Node): boolean {
  const cond = loop.namedChildren.find((c) => c?.type === 'for_clause')?.childForFieldName('condition');
  if (cond?.type !== 'binary_expression' || !['<', '<='].includes(cond.childForFieldName('operator')?.text ?? '')) return false;
  const bound = cond.childForFieldName('right');
  return bound?.type === 'int_literal' && Number(bound.text.replace(/_/g, '')) <= FEW;
}

/**
 * Every case that keeps the loop going counts one variable down, nothing in the loop counts it up
 * or sets it, and the loop ends once it reaches zero: its condition says so (`for pending > 0`),
 * or each such case leaves right after (`seedCount--; if seedCount <= 0 { break L }`, aerospike's
 * seed loop). A loop that waits for a known number of results makes one timer per result, then
 * ends, as a counted loop does.
 */
function countsDown(winners: Node[], loop: Node): boolean {
  let name: string | undefined;
  for (const w of winners) {
    if (w.type === 'default_case') return false;
    const stmts = caseStatements(w);
    const i = stmts.findIndex((st) => st.type === 'dec_statement' && unparen(st.namedChild(0)!).type === 'identifier');
    if (i < 0) return false;
    const n = unparen(stmts[i].namedChild(0)!).text;
    if (name !== undefined && n !== name) return false;
    name = n;
    const cond = whileCondition(loop);
    if (!(cond && zeroTest(cond, n, false)) && !stmts.slice(i + 1).some((st) => st.type === 'if_statement' && zeroTest(st.childForFieldName('condition'), n, true) && !st.childForFieldName('alternative') && leavesLoopAfter(caseStatements(st.childForFieldName('consequence')!), loop))) return false;
  }
  if (name === undefined) return false;
  const changed = descendants(loop, new Set(['assignment_statement', 'inc_statement', 'dec_statement', 'short_var_declaration'])).filter((a) => {
    const target = a.type === 'inc_statement' || a.type === 'dec_statement' ? [a.namedChild(0)!] : a.childForFieldName('left')?.namedChildren ?? [];
    return target.some((t) => t.type === 'identifier' && t.text === name);
  });
  return changed.every((a) => a.type === 'dec_statement');
}

/** `n <= 0`, `n == 0` or `n < 1` when `zero`; `n > 0`, `n != 0` or `n >= 1` (the loop goes on while it holds) otherwise. */
function zeroTest(cond: Node | null, name: string, zero: boolean): boolean {
  const c = cond ? unparen(cond) : undefined;
  if (c?.type !== 'binary_expression') return false;
  const [l, r] = [unparen(c.childForFieldName('left')!), unparen(c.childForFieldName('right')!)];
  const op = c.childForFieldName('operator')?.text ?? '';
  const at = (v: Node, lit: string) => v.type === 'int_literal' && v.text === lit;
  if (l.type === 'identifier' && l.text === name) {
    return zero ? (op === '<=' && at(r, '0')) || (op === '==' && at(r, '0')) || (op === '<' && at(r, '1')) : (op === '>' && at(r, '0')) || (op === '!=' && at(r, '0')) || (op === '>=' && at(r, '1'));
  }
  if (r.type === 'identifier' && r.text === name) {
    return zero ? (op === '>=' && at(l, '0')) || (op === '==' && at(l, '0')) : (op === '<' && at(l, '0')) || (op === '!=' && at(l, '0'));
  }
  return false;
}

/** The statements of a case or a block, comments left out. */
function caseStatements(node: Node): Node[] {
  const list = node.type === 'statement_list' ? node : node.namedChildren.find((c) => c?.type === 'statement_list');
  return (list?.namedChildren ?? []).filter((c): c is Node => c !== null && c.type !== 'comment');
}

/** A case body that ends by leaving `loop` (return, panic, a break or goto out of it): after it no new timer is made. */
function leavesLoop(commCase: Node, loop: Node): boolean {
  return leavesLoopAfter(caseStatements(commCase), loop);
}

function leavesLoopAfter(stmts: Node[], loop: Node): boolean {
  const last = stmts[stmts.length - 1];
  if (!last) return false;
  switch (last.type) {
    case 'return_statement':
    case 'goto_statement':
      return true;
    case 'break_statement':
    case 'continue_statement': {
      const target = jumpTarget(last);
      if (!target) return false;
      return last.type === 'break_statement' ? contains(target, loop) : !contains(loop, target);
    }
    case 'expression_statement': {
      const call = unparen(last.namedChild(0)!);
      const parts = call.type === 'call_expression' ? callParts(call) : undefined;
      return (!parts?.receiver && parts?.name === 'panic') || (parts?.receiver === 'os' && parts.name === 'Exit') || (parts?.receiver === 'log' && /^(Fatal|Panic)/.test(parts.name));
    }
    case 'assignment_statement':
      return endsLoopByFlag(last, loop);
    default:
      return false;
  }
}

/**
 * `done = true` as the case's last statement, in `for !done { ... }` (or `done = false` in `for
 * running { ... }`): the loop's condition is false when control gets back to it (olivere/elastic's
 * health check, whose `parentCtx.Done()` case sets `done`).
 */
function endsLoopByFlag(assign: Node, loop: Node): boolean {
  const left = assign.childForFieldName('left')?.namedChildren ?? [];
  const right = assign.childForFieldName('right')?.namedChildren ?? [];
  if (assign.childForFieldName('operator')?.text !== '=' || left.length !== 1 || right.length !== 1 || left[0].type !== 'identifier') return false;
  const value = right[0].type === 'true' ? true : right[0].type === 'false' ? false : undefined;
  const cond = whileCondition(loop);
  return value !== undefined && cond !== undefined && falseWhen(cond, left[0].text, value);
}

/** `cond` is false whenever `flag` holds `value`: `!done` for true, `running` for false, or a `&&` with such an operand. */
function falseWhen(cond: Node, flag: string, value: boolean): boolean {
  const c = unparen(cond);
  if (c.type === 'binary_expression' && c.childForFieldName('operator')?.text === '&&') {
    return falseWhen(c.childForFieldName('left')!, flag, value) || falseWhen(c.childForFieldName('right')!, flag, value);
  }
  if (!value) return c.type === 'identifier' && c.text === flag;
  const operand = c.type === 'unary_expression' && c.childForFieldName('operator')?.text === '!' ? unparen(c.childForFieldName('operand')!) : undefined;
  return operand?.type === 'identifier' && operand.text === flag;
}

function checkAfter(file: FileFacts, call: Node, time: string, version: string | undefined, collected: boolean | undefined): Report | undefined {
  const commCase = selectCaseOf(call);
  const select = commCase?.parent;
  const loop = select ? enclosingLoop(select) : undefined;
  // A select that control never comes back to (a `return` follows it on the loop's way out,
  // gorilla/websocket's echo client) makes one timer, not one per pass.
  if (!commCase || !select || !loop || fewPasses(loop) || !repeats(select)) return undefined;
  // Only a case that can win and keep looping drops the timer; if every other case leaves the
  // loop, at most one timer is pending when it ends (a retry loop that sleeps with time.After).
  // A `default` case is the worst: it wins at once, every pass.
  const winners = selectCases(select).filter((c) => c.id !== commCase.id && !leavesLoop(c, loop));
  const winner = winners.find((c) => c.type === 'default_case') ?? winners[0];
  if (!winner || countsDown(winners, loop)) return undefined;
  const d = callArgs(call)[0];
  const dText = d ? quote(d, 32) : 'd';
  const winnerText = winner.type === 'default_case' ? 'the `default` case' : `\`case ${quote(winner.childForFieldName('communication')!, 32)}\``;
  const related = [
    { span: { start: loop.startIndex, end: loop.startIndex + 3 }, message: 'each pass of this loop creates a new timer' },
    { span: { start: winner.startIndex, end: winner.endIndex }, message: 'when this case wins, the timer is dropped' },
  ];
  if (collected === true) {
    return {
      node: call,
      severity: 'hint',
      message:
        `\`${quote(call, 32)}\` allocates a timer per loop pass; collected since Go 1.23, but reusing one is cheaper`,
      related,
      steps: [
        `Line ${lineOf(call)}: each pass of the loop at line ${lineOf(loop)} evaluates \`${quote(call)}\`, allocating a timer.`,
        `When ${winnerText} (line ${lineOf(winner)}) wins, that timer is dropped and the next pass allocates another.`,
        'The garbage collector reclaims them, at the cost of one allocation per pass.',
      ],
      fixes: hoistFix(file, call, select, loop, time, true),
    };
  }
  const note = oldRuntimeNote(version);
  const shortNote = note.startsWith('on ') ? note : 'before Go 1.23';
  return {
    node: call,
    message:
      `\`${quote(call, 32)}\` makes a timer per loop pass that, ${shortNote}, stays in memory until it fires`,
    related,
    steps: [
      `Line ${lineOf(call)}: the \`select\` creates a timer for \`${dText}\`.`,
      `${capitalise(winnerText)} (line ${lineOf(winner)}) is ready first; its body runs and the loop at line ${lineOf(loop)} starts over.`,
      `The next pass creates another timer while the previous one is still pending; ${note} each stays alive until \`${dText}\` has passed.`,
    ],
    fixes: hoistFix(file, call, select, loop, time, false),
  };
}

/** Expressions a fix may evaluate once more, before the loop: names, fields, literals, arithmetic, `time.Duration(x)`. */
function pureExpression(file: FileFacts, d: Node): boolean {
  let ok = true;
  walk(d, (n) => {
    if (!ok) return false;
    if (n.type === 'call_expression') {
      const parts = callParts(n);
      if (!(parts?.receiver === file.importName('time') && parts?.name === 'Duration') && !['int64', 'float64'].includes(parts?.name ?? '')) ok = false;
    } else if (!/^(identifier|field_identifier|package_identifier|selector_expression|int_literal|float_literal|binary_expression|unary_expression|parenthesized_expression|argument_list|qualified_type|type_identifier)$/.test(n.type)) {
      ok = false;
    } else if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '<-') {
      ok = false;
    }
  });
  return ok;
}

/** True when `d` reads nothing the loop declares or assigns. */
function loopInvariant(file: FileFacts, d: Node, loop: Node): boolean {
  const written = new Set<string>();
  walk(loop, (n) => {
    if (FUNCTION_TYPES.has(n.type)) return false;
    if (n.type === 'assignment_statement' || n.type === 'short_var_declaration' || n.type === 'inc_statement' || n.type === 'dec_statement') {
      const left = n.type === 'inc_statement' || n.type === 'dec_statement' ? [n.namedChild(0)] : n.childForFieldName('left')?.namedChildren ?? [];
      for (const l of left) if (l) written.add(l.text);
    }
  });
  for (const id of descendants(d, 'identifier')) {
    const found = file.lookup(id.text, id);
    if (found?.decl && contains(loop, found.decl.statement)) return false;
    if (written.has(id.text)) return false;
  }
  for (const sel of descendants(d, 'selector_expression')) if (written.has(sel.text)) return false;
  return true;
}

function hoistFix(file: FileFacts, call: Node, select: Node, loop: Node, time: string, exactReset: boolean): Fix[] {
  const d = callArgs(call)[0];
  const fn = file.functionOf(loop);
  if (!d || !fn || !pureExpression(file, d) || !loopInvariant(file, d, loop)) return [];
  if (enclosingLoop(loop) || select.parent?.type !== 'statement_list') return [];
  // One timer per loop: a second time.After case would need its own.
  const afters = descendants(loop, 'call_expression', true).filter((c) => file.isImportCall(c, 'time', 'After') && selectCaseOf(c));
  if (afters.length !== 1) return [];
  const name = unusedName(outermostFunction(file, loop)!.node, 'timer');
  if (!name) return [];
  const loopStmt = loop.parent?.type === 'labeled_statement' ? loop.parent : loop;
  const before = insertLinesBefore(file.source, loopStmt, [`${name} := ${time}.NewTimer(${d.text})`, `defer ${name}.Stop()`]);
  // Before Go 1.23 a fired timer whose value nobody received would make the next select fire at
  // once after Reset, so it is stopped and drained first; since 1.23 Reset alone is exact.
  const reset = exactReset
    ? [`${name}.Reset(${d.text})`]
    : [`if !${name}.Stop() {`, '\tselect {', `\tcase <-${name}.C:`, '\tdefault:', '\t}', '}', `${name}.Reset(${d.text})`];
  const atSelect = insertLinesBefore(file.source, select, reset);
  if (!before || !atSelect || /[\r\n]/.test(d.text)) return [];
  return [{ title: 'Reuse one timer across iterations', edits: [before, atSelect, replaceNode(call, `${name}.C`)], safe: false }];
}

/**
 * `main` and `init` of package main run for the whole program; a ticker there is meant to live as
 * long. So does a function of package main that only they call, once each, without a guard (nsq's
 * `discoverer.run()` as main's last statement): it runs once per process.
 */
function programLifetime(file: FileFacts, view: PackageView, fn: FuncInfo | undefined): boolean {
  if (!fn || fn.kind === 'literal') return false;
  if (fn.kind === 'function' && fn.name === 'init') return true;
  return runsOncePerProcess(file, view, fn);
}

function checkTick(file: FileFacts, view: PackageView, call: Node, time: string, version: string | undefined): Report | undefined {
  const fn = file.functionOf(call);
  const top = outermostFunction(file, call);
  if (!fn?.body || programLifetime(file, view, top)) return undefined;
  const loop = enclosingLoop(call);
  const perPass = loop !== undefined && !isRangeOf(loop, call);
  if (!perPass && neverReturns(fn, call)) return undefined;
  const note = oldRuntimeNote(version);
  const shortNote = note.startsWith('on ') ? note : 'before Go 1.23';
  const exit = descendants(fn.body, 'return_statement', true).find((r) => r.startIndex > call.endIndex);
  const exitText = exit ? `returns at line ${lineOf(exit)}` : `returns (line ${fn.body.endPosition.row + 1})`;
  const fnName = fn.name ? `\`${fn.name}\`` : `the function literal at line ${lineOf(fn.node)}`;
  const message = perPass
    ? `\`${quote(call, 32)}\` starts a new unstoppable ticker on every loop pass; ${shortNote} each fires forever`
    : `\`${quote(call, 32)}\` starts an unstoppable ticker; ${shortNote} it keeps firing after ${fnName} returns`;
  return {
    node: call,
    // Staticcheck leaves `time.Tick` in commands alone altogether; one ticker made there is information.
    severity: !perPass && top && runsOncePerCommand(file, view, top) ? 'info' : undefined,
    message,
    related: exit ? [{ span: { start: exit.startIndex, end: exit.endIndex }, message: 'the function returns here, leaving the ticker running' }] : [],
    steps: [
      `Line ${lineOf(call)}: \`${quote(call)}\` creates a ticker and returns only its channel, so nothing can call \`Stop\` on it.`,
      perPass ? `The loop at line ${lineOf(loop!)} runs again and creates another ticker.` : `${capitalise(fnName)} ${exitText}; nobody receives from the channel any more.`,
      `The runtime keeps every such ticker firing ${note}: memory and CPU grow with each call.`,
    ],
    fixes: perPass ? [] : tickerFix(file, fn, call, time),
  };
}

/** `for range time.Tick(d)`: the range expression is evaluated once. */
function isRangeOf(loop: Node, call: Node): boolean {
  const clause = loop.namedChildren.find((c) => c?.type === 'range_clause');
  return clause?.childForFieldName('right')?.id === call.id;
}

/**
 * True when the function cannot return after the ticker starts: no `return` after the call and
 * an endless loop (`for {}` or `for range <ticker>`) with no break or goto out of it. The
 * ticker then lives exactly as long as the goroutine that needs it.
 */
function neverReturns(fn: FuncInfo, call: Node): boolean {
  // Every path on from the ticker ends in an endless loop, `os.Exit` or a panic.
  if (!mayReturnAfter(call)) return true;
  // A range over the ticker's channel is endless too, which the graph does not know: nothing closes it.
  if (descendants(fn.body!, 'return_statement', true).some((r) => r.startIndex > call.startIndex)) return false;
  return descendants(fn.body!, 'for_statement', true).some((loop) => {
    if (loop.endIndex < call.startIndex) return false;
    const endless = isEndlessLoop(loop) || isRangeOf(loop, call) || rangesOverTickVar(loop, call);
    return endless && !loopExits(loop).jumps;
  });
}

/** `for range tick` where `tick := time.Tick(d)` is `call`. */
function rangesOverTickVar(loop: Node, call: Node): boolean {
  const name = tickVar(call)?.text;
  const right = loop.namedChildren.find((c) => c?.type === 'range_clause')?.childForFieldName('right');
  return name !== undefined && right?.type === 'identifier' && right.text === name;
}

/** The `tick` of `tick := time.Tick(d)`. */
function tickVar(call: Node): Node | undefined {
  const list = call.parent;
  const stmt = list?.parent;
  if (list?.type !== 'expression_list' || stmt?.type !== 'short_var_declaration' || list.namedChildCount !== 1) return undefined;
  const left = stmt.childForFieldName('left')?.namedChildren ?? [];
  return left.length === 1 && left[0]?.type === 'identifier' ? left[0] : undefined;
}

function tickerFix(file: FileFacts, fn: FuncInfo, call: Node, time: string): Fix[] {
  const d = callArgs(call)[0];
  if (!d || /[\r\n]/.test(d.text)) return [];
  const name = unusedName(outermostFunction(file, call)!.node, 'ticker');
  if (!name) return [];
  const lines = [`${name} := ${time}.NewTicker(${d.text})`, `defer ${name}.Stop()`];
  const edits: TextEdit[] = [];
  const loop = enclosingLoop(call);
  if (loop && isRangeOf(loop, call)) {
    // `for range time.Tick(d) {` -> the ticker is made just before the loop, where the range expression ran.
    if (enclosingLoop(loop)) return [];
    const stmt = loop.parent?.type === 'labeled_statement' ? loop.parent : loop;
    const before = insertLinesBefore(file.source, stmt, lines);
    if (!before) return [];
    edits.push(before, replaceNode(call, `${name}.C`));
  } else {
    const v = tickVar(call);
    const stmt = v?.parent?.parent;
    if (!v || !stmt || stmt.parent?.type !== 'statement_list' || enclosingLoop(stmt)) return [];
    const uses = descendants(fn.body!, 'identifier').filter((n) => n.text === v.text && n.startIndex > stmt.endIndex && file.lookup(n.text, n)?.decl?.node.id === v.id);
    // Stopping at return is right only when the channel stays in this function and is never reassigned.
    for (const u of uses) {
      if (u.parent?.type === 'expression_list' && u.parent.parent && /assignment|short_var/.test(u.parent.parent.type)) return [];
      for (let p = u.parent; p && p.id !== fn.body!.id; p = p.parent) if (p.type === 'func_literal' || p.type === 'go_statement') return [];
    }
    const after = insertLinesAfter(file.source, stmt, [lines[1]]);
    if (!after) return [];
    edits.push(replaceNode(stmt, lines[0]), after, ...uses.map((u) => replaceNode(u, `${name}.C`)));
  }
  return [{ title: 'Use `time.NewTicker` and stop it', edits, safe: true }];
}
