import { deleteStatement, insertLinesAfter, replaceNode, unusedName } from '../findings/edits';
import { capturedLater, isWriteTarget, type FileFacts, type FuncInfo } from '../model/facts';
import type { Node } from '../syntax/parser';
import type { Fix, Related, Report, Rule, TextEdit } from '../findings/rule';
import { callArgs, callParts, capitalise, contains, defaultCase, descendants, isEndlessLoop, lineOf, loopExits, quote, unparen, walk } from '../syntax/nodes';
import { outermostFunction } from '../model/context';

/** The `context` functions that hand back a cancel function the caller must call. */
const WITH_CANCEL = new Set(['WithCancel', 'WithTimeout', 'WithDeadline', 'WithCancelCause', 'WithTimeoutCause', 'WithDeadlineCause']);

export const rule: Rule = {
  id: 'lost-cancel',
  title: 'Cancel function of context.WithCancel/WithTimeout/WithDeadline not called',
  severity: 'warning',
  category: 'cancellation',
  docs: {
    summary:
      'The cancel function returned by `context.WithCancel`, `WithTimeout` or `WithDeadline` (or their `Cause` variants) is ' +
      'discarded, never called, or not called on every path out of the function.',
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
      'pile up until the function returns), in functions that return only plain values (`error`, `bool`, numbers, strings), ' +
      'when neither the context nor a value built from it (a request, a command) is stored, sent, captured by a goroutine or ' +
      'closure, passed on as `ctx.Done()` or handed to a callee named like `start...`/`run...`/`serve...`, and when the existing ' +
      'uses of the cancel function are plain calls. It is not marked safe: a callee may still keep the context.',
  },
  check(ctx) {
    const file = ctx.file;
    if (!file.importName('context')) return;
    for (const call of descendants(file.root, 'call_expression')) {
      if (!file.isImportCall(call, 'context', WITH_CANCEL)) continue;
      const site = assignmentOf(call);
      const fn = file.functionOf(call);
      if (!site || !fn?.body || site.left.length !== 2) continue;
      const cancel = site.left[1];
      if (cancel.type !== 'identifier') continue; // stored in a field, map or slice: it escapes
      const finding = cancel.text === '_' ? discarded(file, fn, call, site) : unusedOnSomePath(file, fn, call, site, cancel.text);
      if (finding) ctx.report(finding);
    }
  },
};

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
    return timed ? 'its timer stays armed until the deadline passes' : 'nothing can ever cancel the child context or the work that watches it';
  }
  const p = `\`${quote(parent, 32)}\``;
  return timed
    ? `the child context and its timer stay alive until the deadline passes or ${p} is cancelled`
    : `the child context stays attached to ${p} until ${p} is cancelled`;
}

function discarded(file: FileFacts, fn: FuncInfo, call: Node, site: Site): Report {
  const underscore = site.left[1];
  const name = callName(call);
  return {
    node: underscore,
    message: `the cancel function of \`${quote(call)}\` (line ${lineOf(call)}) is discarded with \`_\`, so it can never be called: ${cost(call)}`,
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
      message: `\`${name}\` from \`${quote(call)}\` (line ${lineOf(call)}) is never called: ${cost(call)}`,
      related: [{ span: { start: call.startIndex, end: call.endIndex }, message: `${callName(call)} returns \`${name}\` here` }],
      steps: [
        `Line ${lineOf(call)}: \`${quote(call)}\` derives a child context; \`${name}\` is the only way to release it early.`,
        `${fnLabel(fn)} never calls \`${name}\` and returns.`,
        `${capitalise(cost(call))}.`,
      ],
      fixes: deferFix(file, fn, call, site, name),
    };
  }
  if (descendants(body, 'goto_statement', true).length > 0) return undefined;
  const paths = new Paths(name, body);
  const exits = paths.leakingExits(stmt, fn);
  if (exits.length === 0) return undefined;
  const first = exits[0];
  const exitText = first.type === 'block' ? `the end of ${fnLabel(fn)} (line ${first.endPosition.row + 1})` : `\`${quote(first)}\` (line ${lineOf(first)})`;
  const exitSpan = (e: Node) => (e.type === 'block' ? { start: e.endIndex - 1, end: e.endIndex } : { start: e.startIndex, end: e.endIndex });
  const related: Related[] = exits.map((e) => ({ span: exitSpan(e), message: `leaves without calling \`${name}\`` }));
  related.push({ span: { start: later[0].startIndex, end: later[0].endIndex }, message: `\`${name}\` is used here, but only on some paths` });
  const more = exits.length > 1 ? ` (and ${exits.length - 1} more exit${exits.length > 2 ? 's' : ''})` : '';
  return {
    node: site.left[1],
    message: `\`${name}\` from \`${quote(call)}\` (line ${lineOf(call)}) is not called on every path: ${exitText}${more} leaves without it, so ${cost(call)}`,
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

/** Callees whose names suggest they start work that goes on after they return. */
const STARTS_WORK = /^(start|run|go|spawn|serve|listen|watch|subscribe|launch|async|background)|(async|background|loop|worker)$/i;

/**
 * True when nothing built from the context `name` visibly outlives the function, so cancelling it
 * at return cannot break anything: the function returns only plain values, and neither the
 * context nor a value derived from it (`req := NewRequestWithContext(ctx, ...)`) is stored,
 * sent, captured by a goroutine or closure, handed over as `ctx.Done()`, or given to a callee
 * whose name says it starts background work (`startWorkers(ctx)`, `cmd.Start()`).
 */
function staysLocal(fn: FuncInfo, name: string, after: number): boolean {
  const body = fn.body!;
  if (!fn.results.every((r) => PLAIN_RESULT.test(r))) return false;
  // Names assigned from an expression that reads a derived name (two rounds reach `resp` of `Do(req)`).
  const derived = new Set([name]);
  for (let round = 0; round < 2; round++) {
    for (const id of descendants(body, 'identifier')) {
      if (id.startIndex < after || !derived.has(id.text) || isWriteTarget(id)) continue;
      for (const target of assignedFrom(id)) derived.add(target);
    }
  }
  return descendants(body, 'identifier').every((id) => id.startIndex < after || !derived.has(id.text) || isWriteTarget(id) || !outlives(id, body));
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

/** A statement and its index in the statement list that holds it. */
interface Level {
  list: Node;
  stmts: Node[];
  index: number;
}

const BODIES = new Set(['block', 'statement_list']);
const TERMINATING = new Set(['return_statement', 'goto_statement', 'break_statement', 'continue_statement', 'fallthrough_statement']);

/**
 * Structured path reasoning over one function body, syntax only. A path may pass a statement
 * when the statement does not mention the cancel variable, or when it is an `if`/`switch`/`select`
 * with a branch that does not mention it and falls through. Loops that mention the variable,
 * labels and anything unclear block the path, so the rule stays silent rather than guess.
 */
class Paths {
  private readonly memo = new Map<number, boolean>();

  constructor(
    private readonly name: string,
    private readonly body: Node,
  ) {}

  /** Own `return` statements after `stmt`, and the end of the body, reachable from `stmt` without using the variable. */
  leakingExits(stmt: Node, fn: FuncInfo): Node[] {
    const from = this.chain(stmt);
    const out: Node[] = [];
    for (const ret of descendants(this.body, 'return_statement', true)) {
      if (ret.startIndex < stmt.endIndex || this.mentions(ret)) continue;
      if (this.reaches(from, this.chain(ret))) out.push(ret);
    }
    // Falling off the end: only possible without results (Go requires a terminating statement otherwise).
    const top = from[from.length - 1];
    if (fn.results.length === 0 && !this.terminates(top.stmts[top.stmts.length - 1])) {
      if (this.reaches(from, [{ ...top, index: top.stmts.length }])) out.push(this.body);
    }
    return out;
  }

  /** True when a path runs from the statement at from[0] to the one at to[0] passing no use. */
  private reaches(from: Level[], to: Level[]): boolean {
    let i = 0;
    let j = -1;
    for (; i < from.length; i++) {
      j = to.findIndex((l) => l.list.id === from[i].list.id);
      if (j >= 0) break;
    }
    if (j < 0 || from[i].index >= to[j].index) return false; // other branch, or before the call
    // Up: the rest of each list around the call, then out of the statement owning it.
    for (let k = 0; k < i; k++) {
      if (!this.allPassable(from[k].stmts.slice(from[k].index + 1))) return false;
      const outer = from[k + 1].stmts[from[k + 1].index];
      for (let p: Node | null = from[k].list.parent; p; p = p.parent) {
        if (p.type === 'for_statement' && (this.headerMentions(p) || (isEndlessLoop(p) && !loopExits(p).jumps))) return false;
        if (p.id === outer.id) break;
      }
    }
    // Across: the statements between the two chains in their common list.
    if (!this.allPassable(from[i].stmts.slice(from[i].index + 1, to[j].index))) return false;
    // Down: into each compound statement around the exit, past its header and earlier statements.
    for (let m = j; m > 0; m--) {
      const outer = to[m].stmts[to[m].index];
      for (let p: Node | null = to[m - 1].list.parent; p; p = p.parent) {
        if (p.type === 'for_statement' && this.mentions(p)) return false; // an earlier pass may have used it
        if (p.id === outer.id) break;
      }
      if (this.headerMentions(outer)) return false;
      if (!this.allPassable(to[m - 1].stmts.slice(0, to[m - 1].index))) return false;
    }
    return true;
  }

  private chain(node: Node): Level[] {
    const out: Level[] = [];
    for (let n: Node | null = node; n && n.id !== this.body.id; n = n.parent) {
      if (n.parent?.type !== 'statement_list') continue;
      const stmts = n.parent.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      out.push({ list: n.parent, stmts, index: stmts.findIndex((c) => c.id === n!.id) });
    }
    return out;
  }

  private allPassable(stmts: Node[]): boolean {
    return stmts.every((s) => this.passable(s));
  }

  /** True when some path runs through `stmt` and out of its end without using the variable. */
  private passable(stmt: Node): boolean {
    if (this.terminates(stmt)) return false;
    const loop = stmt.type === 'labeled_statement' ? stmt.namedChildren.find((c) => c?.type === 'for_statement') : stmt;
    if (loop?.type === 'for_statement' && isEndlessLoop(loop) && !loopExits(loop).jumps) return false;
    if (stmt.type === 'select_statement' && !stmt.namedChildren.some((c) => c?.type === 'communication_case' || c?.type === 'default_case')) return false;
    if (!this.mentions(stmt)) return true;
    switch (stmt.type) {
      case 'if_statement':
        for (let n: Node | null = stmt; n; ) {
          if (this.headerMentions(n, true)) return false;
          if (this.openBranch(n.childForFieldName('consequence'))) return true;
          const alt = n.childForFieldName('alternative');
          if (!alt) return true; // the implicit else
          if (alt.type !== 'if_statement') return this.openBranch(alt);
          n = alt;
        }
        return false;
      case 'expression_switch_statement':
      case 'type_switch_statement':
      case 'select_statement': {
        if (this.headerMentions(stmt)) return false;
        const cases = stmt.namedChildren.filter((c): c is Node => c !== null && /_case$/.test(c.type));
        if (stmt.type !== 'select_statement' && !defaultCase(stmt)) return true;
        return cases.some((c) => this.openBranch(c.namedChildren.find((x) => x?.type === 'statement_list') ?? null));
      }
      default:
        return false;
    }
  }

  /** A branch that does not use the variable and can fall out of its end. */
  private openBranch(branch: Node | null): boolean {
    if (!branch) return true;
    const list = branch.type === 'statement_list' ? branch : branch.namedChildren.find((c) => c?.type === 'statement_list');
    const stmts = (list?.namedChildren ?? []).filter((c): c is Node => c !== null && c.type !== 'comment');
    return !this.mentions(branch) && (stmts.length === 0 || !this.terminates(stmts[stmts.length - 1]));
  }

  /** Statements that never fall through to the next one. */
  private terminates(stmt: Node): boolean {
    if (TERMINATING.has(stmt.type)) return true;
    if (stmt.type !== 'expression_statement') return false;
    const call = unparen(stmt.namedChild(0)!);
    const parts = call.type === 'call_expression' ? callParts(call) : undefined;
    if (!parts) return false;
    if (!parts.receiver) return parts.name === 'panic';
    if (parts.receiver === 'os') return parts.name === 'Exit';
    if (parts.receiver === 'log') return /^(Fatal|Panic)/.test(parts.name);
    return /^(Fatal|Fatalf|FailNow|Skip|Skipf|SkipNow)$/.test(parts.name); // testing.TB ends the test
  }

  /** True when a read of the variable occurs under `node`. */
  private mentions(node: Node): boolean {
    let hit = this.memo.get(node.id);
    if (hit === undefined) {
      hit = false;
      walk(node, (n) => {
        if (hit) return false;
        if (n.type === 'identifier' && n.text === this.name && !isWriteTarget(n)) hit = true;
      });
      this.memo.set(node.id, hit);
    }
    return hit;
  }

  /**
   * A read in the parts of a compound statement that run before any branch body: if conditions
   * and initialisers, switch tags and case values, select communications, loop clauses. With
   * `own`, only this if's header (its else-if chain is checked one link at a time).
   */
  private headerMentions(stmt: Node, own = false): boolean {
    let hit = false;
    walk(stmt, (n) => {
      if (hit) return false;
      if (n.id !== stmt.id && (BODIES.has(n.type) || (own && n.type === 'if_statement'))) return false;
      if (n.type === 'identifier' && n.text === this.name && !isWriteTarget(n)) hit = true;
    });
    return hit;
  }
}
