import { headIdent, identityOf, lift, trace } from '../model/channels';
import { deleteStatement, insertLinesBefore } from '../findings/edits';
import { isWaitGroupType, type FileFacts, type FuncInfo, type GoStmt } from '../model/facts';
import { everyPathPasses } from '../model/paths';
import { recordsTestFailure } from '../model/noreturn';
import type { Node } from '../syntax/parser';
import type { Fix, Rule, RuleContext } from '../findings/rule';
import { blockStatements, callArgs, callParts, descendants, isMethodCall, lineOf, pathKey, previousStatement, quote, unparen, walk } from '../syntax/nodes';

export const rule: Rule = {
  id: 'waitgroup-done-missing',
  title: 'Goroutine counted by wg.Add can finish without wg.Done',
  severity: 'warning',
  category: 'waitgroup',
  docs: {
    summary:
      'A goroutine counted by `wg.Add` can return without calling `wg.Done()`: an early `return` skips a `Done` written at the end, or the goroutine never calls `Done` at all, so `wg.Wait()` blocks forever (information in a test when every path that skips `Done` records a failure with `t.Errorf` first: the run has already failed).',
    why:
      '`Wait` returns only when every counted goroutine has called `Done`. A `Done` written as the last statement runs only when ' +
      'control reaches it: an error path that returns early, a `return` inside a loop or a `select` case, all leave the counter ' +
      'one too high, and the `Wait` that should have collected the goroutines hangs. `defer wg.Done()` as the first statement ' +
      'runs on every way out of the goroutine, including panics, which is why it is the idiom.',
    interleaving: [
      'The parent calls `wg.Add(1)` and starts the goroutine; the counter is 1.',
      'The goroutine hits an error and returns early; the `wg.Done()` at its end never runs.',
      'The parent\'s `wg.Wait()` waits for a `Done` that will never come: it blocks forever.',
    ],
    bad: `func loadAll(paths []string) {
	var wg sync.WaitGroup
	for _, p := range paths {
		wg.Add(1)
		go func(p string) {
			data, err := os.ReadFile(p)
			if err != nil {
				log.Print(err)
				return // skips wg.Done()
			}
			use(data)
			wg.Done()
		}(p)
	}
	wg.Wait()
}`,
    good: `func loadAll(paths []string) {
	var wg sync.WaitGroup
	for _, p := range paths {
		wg.Add(1)
		go func(p string) {
			defer wg.Done()
			data, err := os.ReadFile(p)
			if err != nil {
				log.Print(err)
				return
			}
			use(data)
		}(p)
	}
	wg.Wait()
}`,
    fixes:
      '**Defer wg.Done()** puts `defer wg.Done()` as the goroutine\'s first statement and removes the `wg.Done()` at its end; it is ' +
      'offered when that trailing call is the only `Done`, and applied by fix-all. **Add defer wg.Done()** inserts the missing ' +
      'call in a goroutine that has none (not applied by fix-all: a human should confirm the goroutine is the one being counted).',
  },
  check(ctx) {
    const file = ctx.file;
    if (!/\.Add\(/.test(file.text)) return;
    const seen = new Set<number>();
    for (const g of file.goStatements) {
      if (!g.target?.body || !g.spawner || !(ctx.inFocus(g.node) || ctx.inFocus(g.target.node))) continue;
      earlyReturns(ctx, g, seen);
      noDone(ctx, g, seen);
    }
  },
};

interface DoneCall {
  call: Node;
  /** `defer wg.Done()` or a Done inside a deferred closure. */
  deferred: boolean;
  /** Inside some other function literal, or a loop of the body: we cannot tell when, or how often, it runs. */
  unknown: boolean;
}

/** The `.Done()` calls on WaitGroups in a function body, by WaitGroup path. */
function doneCalls(file: FileFacts, fn: FuncInfo): Map<string, DoneCall[]> {
  const out = new Map<string, DoneCall[]>();
  for (const call of descendants(fn.body!, 'call_expression')) {
    if (!isMethodCall(call, 'Done') || callArgs(call).length > 0) continue;
    const recv = callParts(call)!.receiverNode!;
    const key = pathKey(recv);
    if (!key || !isWaitGroupType(file.typeOf(recv))) continue;
    let deferred = call.parent?.type === 'defer_statement';
    let unknown = false;
    for (let p = call.parent; p && p.id !== fn.node.id; p = p.parent) {
      if (p.type === 'for_statement') unknown = true;
      if (p.type === 'func_literal') {
        const deferredLiteral = p.parent?.type === 'call_expression' && p.parent.parent?.type === 'defer_statement';
        if (deferredLiteral && !unknown) deferred = true;
        else unknown = true;
      }
    }
    const list = out.get(key) ?? [];
    list.push({ call, deferred, unknown });
    out.set(key, list);
  }
  return out;
}

/**
 * True when the body may hand the WaitGroup (or the value that holds it) to other code, which may
 * call Done for it: passed as an argument, or a method called on the struct that holds it.
 */
/**
 * The goroutine also waits on the WaitGroup it counts down: a start barrier (`if
 * atomic.AddInt32(&n, 1) == total { start.Done() } else { start.Wait() }`, hystrix-go's test),
 * where the last goroutine to arrive releases the others. A path without the Done waits for it.
 */
function waitsItself(fn: FuncInfo, key: string): boolean {
  return descendants(fn.body!, 'call_expression').some((c) => isMethodCall(c, 'Wait') && callArgs(c).length === 0 && pathKey(callParts(c)!.receiverNode!) === key);
}

function handedOver(fn: FuncInfo, key: string): boolean {
  let found = false;
  walk(fn.body!, (n) => {
    if (found || n.type !== 'call_expression') return;
    const recv = callParts(n)?.receiver;
    if (recv !== undefined && key.startsWith(recv + '.')) found = true;
    for (const a of callArgs(n)) {
      const k = pathKey(a);
      if (k && (k === key || key.startsWith(k + '.'))) found = true;
    }
  });
  return found;
}

function span(n: Node) {
  return { start: n.startIndex, end: n.endIndex };
}

function who(g: GoStmt): string {
  return `the goroutine started at line ${lineOf(g.node)}`;
}

/**
 * Early returns that skip a plain `wg.Done()`: a return of the goroutine's own body that no
 * Done surely precedes, or the end of the body when no Done dominates it.
 */
function earlyReturns(ctx: RuleContext, g: GoStmt, seen: Set<number>): void {
  const file = ctx.file;
  const fn = g.target!;
  for (const [key, calls] of doneCalls(file, fn)) {
    if (calls.some((c) => c.deferred || c.unknown) || handedOver(fn, key) || waitsItself(fn, key)) continue;
    const plain = calls.map((c) => c.call);
    const returns = descendants(fn.body!, 'return_statement', true);
    // On the function's graph: a return, or the end of the body, that some path reaches without
    // passing any of the Done calls (one in each arm of an if/else or of a switch with a default
    // covers every path together).
    const skipping = returns.filter((r) => !everyPathPasses(fn.node, plain, r));
    const fallsOff = !everyPathPasses(fn.node, [...plain, ...returns]);
    if (skipping.length === 0 && !fallsOff) continue;
    if (countsFewer(g, key)) continue;
    const done = plain[plain.length - 1];
    if (seen.has(done.id)) continue;
    seen.add(done.id);
    const first = skipping[0];
    const exitText = first ? `the \`${quote(first, 24)}\` at line ${lineOf(first)}` : 'the end of the function';
    const others = skipping.length > 1 ? ` (and ${skipping.length - 1} more)` : '';
    // In a test, returns that come right after `t.Errorf(...)` or after handing an error to the test
    // (`errc <- err`), or every path that skips the Done recording a failure on the way (rueidis'
    // `if err != nil { t.Errorf(...) } else { wg.Done() }`), hang a run that has already failed.
    const failures = file.isTestSupport ? descendants(fn.body!, 'call_expression').filter((c) => recordsTestFailure(file, c)) : [];
    const failedOnTheWay = (r?: Node) => failures.length > 0 && everyPathPasses(fn.node, [...plain, ...failures], r);
    const afterFailure =
      file.isTestSupport && (!fallsOff || failedOnTheWay()) && skipping.every((r) => failedBefore(file, r) || failedOnTheWay(r));
    ctx.report({
      node: done,
      severity: afterFailure ? 'info' : undefined,
      message:
        `${exitText}${others} skips \`${quote(done, 28)}\`: the counter stays up and \`${key}.Wait()\` blocks forever`,
      related: [
        ...skipping.map((r) => ({ span: span(r), message: `returns without \`${quote(done)}\`` })),
        { span: span(g.node), message: 'the counted goroutine' },
      ],
      steps: [
        `The spawner counts ${who(g)} with \`${key}.Add\` and will wait for it.`,
        first
          ? `The goroutine takes the path to \`${quote(first)}\` (line ${lineOf(first)}) and returns before \`${quote(done)}\` (line ${lineOf(done)}).`
          : `The goroutine takes a path that does not pass \`${quote(done)}\` (line ${lineOf(done)}) and finishes.`,
        `The counter never gets back to zero: \`${key}.Wait()\` blocks forever.`,
      ],
      fixes: deferFix(file, fn, key, plain),
    });
  }
}

/**
 * The goroutine is started in a loop whose `Add` before it counts fewer than it starts, by a
 * constant (`wg.Add(len(ttys) - 1)`, incus' exec mirrors): some rounds are left uncounted on
 * purpose, and their path has no Done to skip.
 */
function countsFewer(g: GoStmt, key: string): boolean {
  const loop = g.loop;
  const body = g.spawner?.body;
  if (!loop || !body) return false;
  return descendants(body, 'call_expression', true).some((c) => {
    if (c.endIndex > loop.startIndex || !isMethodCall(c, 'Add') || pathKey(callParts(c)!.receiverNode!) !== key) return false;
    const arg = callArgs(c).length === 1 ? unparen(callArgs(c)[0]) : undefined;
    return arg?.type === 'binary_expression' && arg.childForFieldName('operator')?.text === '-' && unparen(arg.childForFieldName('right')!).type === 'int_literal';
  });
}

/** `defer wg.Done()` first, the single trailing `wg.Done()` removed. */
function deferFix(file: FileFacts, fn: FuncInfo, key: string, plain: Node[]): Fix[] {
  const stmts = blockStatements(fn.body);
  const last = stmts.at(-1);
  if (plain.length !== 1 || !last || plain[0].parent?.id !== last.id || last.type !== 'expression_statement' || stmts.length < 2) return [];
  const insert = insertLinesBefore(file.source, stmts[0], [`defer ${key}.Done()`]);
  const remove = deleteStatement(file.source, last);
  if (!insert || !remove) return [];
  return [{ title: `Defer \`${key}.Done()\` at the start of the goroutine`, edits: [insert, remove], safe: true }];
}

/**
 * A goroutine started right after `wg.Add(1)` that never calls Done on a local WaitGroup whose
 * every use the file shows: every other Done belongs to a goroutine started right after its own
 * Add, and the spawner waits on it.
 */
function noDone(ctx: RuleContext, g: GoStmt, seen: Set<number>): void {
  const file = ctx.file;
  const prev = previousStatement(g.node);
  const add = addOne(prev);
  if (!add) return;
  const recv = callParts(add)!.receiverNode!;
  const key = pathKey(recv);
  const head = headIdent(recv);
  const decl = head ? file.lookup(head.text, head) : undefined;
  if (!key || key.includes('.') || !decl?.decl || !decl.fn || !isWaitGroupType(file.typeOf(recv))) return;
  const t = trace(file, decl.fn, key, identityOf(file, head!), decl.decl.node);
  if (t.escapes.length > 0) return;
  if (seen.has(g.node.id)) return;
  const waits = t.uses.filter((u) => u.kind === 'method' && u.name === 'Wait');
  if (waits.length === 0) return;
  for (const u of t.uses) {
    if (u.kind !== 'method' || u.name !== 'Done') continue;
    const th = lift(u.body, u.op).thread;
    if (th.via?.id === g.node.id) return;
    const before = previousStatement(th.via);
    if (th.how !== 'goroutine' || !addOne(before) || pathKey(callParts(addOne(before)!)!.receiverNode!) !== key) return;
  }
  if (g.target!.kind === 'literal' && handedOver(g.target!, key)) return;
  // `go drain(ch, &wg)`: the started function gets the WaitGroup and calls Done itself (nomad's raftutil).
  if (g.call && callArgs(g.call).some((a) => pathKey(a.type === 'unary_expression' ? a.childForFieldName('operand') ?? a : a) === key)) return;
  seen.add(g.node.id);
  const wait = waits[0].op;
  ctx.report({
    node: g.node.children[0] ?? g.node,
    message:
      `this goroutine is counted by \`${quote(add, 24)}\` but never calls \`${key}.Done()\`: \`${quote(wait, 24)}\` blocks forever`,
    related: [
      { span: span(add), message: 'counts the goroutine' },
      { span: span(wait), message: 'waits for a Done that never comes' },
    ],
    steps: [
      `Line ${lineOf(add)}: \`${quote(add)}\` raises the counter for the goroutine started at line ${lineOf(g.node)}.`,
      `The goroutine runs and finishes without calling \`${key}.Done()\`.`,
      `Line ${lineOf(wait)}: \`${quote(wait)}\` waits for the counter to reach zero, which never happens.`,
    ],
    fixes: addDeferFix(file, g, key),
  });
}

/** `wg.Add(1)` as an expression statement. */
function addOne(stmt: Node | null | undefined): Node | undefined {
  const call = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : undefined;
  return call && isMethodCall(call, 'Add') && callArgs(call).length === 1 && callArgs(call)[0].text === '1' ? call : undefined;
}

/** `defer wg.Done()` as the first statement of a literal goroutine that does not declare its own `wg`. */
function addDeferFix(file: FileFacts, g: GoStmt, key: string): Fix[] {
  const fn = g.target!;
  if (fn.kind !== 'literal' || fn.params.some((p) => p.name === key) || file.locals(fn).some((d) => d.name === key)) return [];
  const first = blockStatements(fn.body)[0];
  if (!first) return [];
  const insert = insertLinesBefore(file.source, first, [`defer ${key}.Done()`]);
  return insert ? [{ title: `Add \`defer ${key}.Done()\` to the goroutine`, edits: [insert], safe: false }] : [];
}

/** A `t.Error`, `t.Errorf` or `t.Fail` call (a test failure recorded) just before the return, in its block. */
function failedBefore(file: FileFacts, ret: Node): boolean {
  const prev = previousStatement(ret);
  // Handing the error to the test's goroutine, which fails the test with it: `errc <- err`.
  if (prev?.type === 'send_statement') {
    const value = prev.childForFieldName('value')?.text ?? '';
    return /^(err\b|fmt\.Errorf\(|errors\.New\()/.test(value) || /err/i.test(prev.childForFieldName('channel')?.text ?? '');
  }
  const call = prev?.type === 'expression_statement' ? prev.namedChild(0) : undefined;
  return !!call && recordsTestFailure(file, call);
}
