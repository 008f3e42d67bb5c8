import { closureRun, isCondValue, type FileFacts, type FuncInfo } from '../model/facts';
import { calleeKey, funcKey, type PackageView } from '../model/package';
import type { Node } from '../syntax/parser';
import type { Fix, Rule } from '../findings/rule';
import { ancestor, blockStatements, callArgs, callParts, contains, descendants, enclosingFunction, lineOf, nextStatement, previousStatement, quote, unparen } from '../syntax/nodes';
import { focusedOfType } from './support/focus';
import { repeats } from '../model/paths';

export const rule: Rule = {
  id: 'cond-wait-without-loop',
  title: 'sync.Cond.Wait not in a loop that rechecks the condition',
  severity: 'info',
  category: 'mutex',
  docs: {
    summary:
      '`cond.Wait()` on a `sync.Cond` is called outside a `for` loop, so the goroutine carries on after waking up without checking that the condition it waited for is true.',
    why:
      '`Wait` unlocks `c.L`, sleeps until a `Signal` or `Broadcast`, and locks `c.L` again before returning. Between the wakeup and ' +
      'getting the lock back, other goroutines run: another consumer can take the item that was just added, a `Broadcast` wakes every ' +
      'waiter although only one can proceed, and a `Signal` sent for another reason wakes this waiter too. Returning from `Wait` therefore ' +
      'only means "something changed"; the condition must be checked again, which is why the documentation of `sync.Cond` shows ' +
      '`Wait` inside `for !condition() { c.Wait() }`. An `if` checks once and then trusts the wakeup.',
    interleaving: [
      'Consumer A sees the queue empty, and waits: `if len(q.items) == 0 { q.cond.Wait() }`.',
      'A producer appends an item and calls `Signal`; A is woken but must first get the lock back.',
      'Consumer B, which was not waiting, takes the lock first and removes the item.',
      'A gets the lock, leaves the `if` without looking again, and reads `q.items[0]` from an empty queue: a panic or a wrong result.',
    ],
    bad: `func (q *Queue) Pop() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		q.cond.Wait()
	}
	v := q.items[0] // the queue may be empty again
	q.items = q.items[1:]
	return v
}`,
    good: `func (q *Queue) Pop() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v
}`,
    fixes:
      '**Recheck in a loop** turns `if condition { c.Wait() }` into `for condition { c.Wait() }` when the `if` holds nothing but the `Wait`. ' +
      'It is not applied by fix-all: if the code relied on waiting at most once (a timeout elsewhere, a one-shot event), a loop changes that. ' +
      'This is also why the rule is informational: in real code a single `Wait` is nearly always a deliberate wait for a one-shot event ' +
      '(a finished run, a flusher\'s last answer, a single waiter), and none of the cases read in 200 repositories was a bug.',
  },
  check(ctx) {
    const file = ctx.file;
    for (const call of focusedOfType(ctx, 'call_expression')) {
      const parts = callParts(call);
      if (parts?.name !== 'Wait' || !parts.receiverNode || callArgs(call).length > 0) continue;
      if (!isCondValue(file, parts.receiverNode)) continue;
      // A `for` around it, or a `goto` back to a label before it (ants' `goto retry`).
      if (ancestor(call, 'for_statement') || repeats(call)) continue;
      const fn = waitingFunction(file, call);
      if (fn && (loopedByCallers(file, ctx.package, fn, parts.receiverNode) || condLike(ctx.package, fn))) continue;
      const inIf = ancestor(call, 'if_statement');
      const guard = inIf && contains(inIf.childForFieldName('consequence')!, call) ? inIf : undefined;
      // `c.Wait(); mu.Unlock(); return ...`: a "wait for a change" primitive that lets go of the
      // lock as soon as it wakes, so its caller checks again (centrifuge's queues' Wait).
      if (!guard && unlocksAndReturns(call)) continue;
      // `q.cond.Signal(); q.cond.Wait()`: a handshake that wakes the other side and waits for its
      // answer (distribution's eventQueue.Close waits for the flusher's last Broadcast).
      if (!guard && answersSignal(call, parts.receiverNode)) continue;
      // Tests park a goroutine in a bare Wait on purpose (to profile or trace a blocked goroutine).
      if (!guard && file.isTest) continue;
      const cond = guard?.childForFieldName('condition');
      // `if x == nil { c.Wait() }`: waiting once for a value that is set once and never unset (a
      // result, a one-shot barrier); a nil check cannot turn false again, so no recheck is needed.
      if (cond && isNilCheck(cond)) continue;
      const loopable = onlyStatementOfIf(call);
      const fixes: Fix[] = loopable
        ? [{ title: `Recheck in a loop: \`for ${quote(cond!)} {\``, edits: [{ start: loopable.startIndex, end: loopable.startIndex + 2, newText: 'for' }], safe: false }]
        : [];
      const where = guard
        ? `runs under \`if ${quote(cond!, 28)}\`, which checks the condition once, not after waking up`
        : 'is not in a `for` loop, so nothing rechecks the condition after waking up';
      ctx.report({
        node: call,
        message: `\`${quote(call, 28)}\` ${where}`,
        related: guard ? [{ span: { start: guard.startIndex, end: cond!.endIndex }, message: 'the condition is checked once, here' }] : [],
        steps: [
          guard
            ? `This goroutine finds \`${quote(cond!)}\` true (line ${lineOf(guard)}) and calls \`${quote(call)}\` (line ${lineOf(call)}), which unlocks and sleeps.`
            : `This goroutine calls \`${quote(call)}\` (line ${lineOf(call)}), which unlocks and sleeps.`,
          'Another goroutine changes the state and signals; this one wakes up but has to get the lock back first.',
          'Meanwhile a third goroutine takes the lock and uses up the change (or the wakeup came from a Broadcast meant for someone else).',
          `This goroutine returns from \`Wait\` at line ${lineOf(call)} and continues without checking again, with the condition false.`,
        ],
        fixes,
      });
    }
  },
};

/** The statement before the Wait signals the same cond. */
function answersSignal(call: Node, cond: Node): boolean {
  const prev = call.parent?.type === 'expression_statement' ? previousStatement(call.parent) : undefined;
  const signal = prev?.type === 'expression_statement' ? unparen(prev.namedChild(0)!) : undefined;
  const parts = signal?.type === 'call_expression' ? callParts(signal) : undefined;
  return (parts?.name === 'Signal' || parts?.name === 'Broadcast') && parts.receiverNode?.text === cond.text && callArgs(signal!).length === 0;
}

/** The Wait's statement is followed by an unlock and then a `return`. */
function unlocksAndReturns(call: Node): boolean {
  const stmt = call.parent;
  if (stmt?.type !== 'expression_statement') return false;
  const next = nextStatement(stmt);
  const unlock = next?.type === 'expression_statement' ? next.namedChild(0) : undefined;
  const name = unlock?.type === 'call_expression' ? callParts(unlock)?.name : undefined;
  if (name !== 'Unlock' && name !== 'RUnlock') return false;
  return nextStatement(next)?.type === 'return_statement';
}

/** `x == nil`, `x != nil`, or several of those joined with `&&` / `||`. */
function isNilCheck(cond: Node): boolean {
  const c = unparen(cond);
  if (c.type !== 'binary_expression') return false;
  const op = c.childForFieldName('operator')?.text;
  const [l, r] = [c.childForFieldName('left'), c.childForFieldName('right')];
  if (op === '&&' || op === '||') return !!l && !!r && isNilCheck(l) && isNilCheck(r);
  return (op === '==' || op === '!=') && (l?.type === 'nil' || r?.type === 'nil');
}

/** A `*sync.Cond` / `sync.Cond` by declared type, or a variable initialised with `sync.NewCond(...)`. */
/** `if cond { c.Wait() }` with nothing else (no init, no else): the statement the fix turns into a loop. */
function onlyStatementOfIf(call: Node): Node | undefined {
  const stmt = call.parent;
  if (stmt?.type !== 'expression_statement') return undefined;
  const ifStmt = ancestor(stmt, 'if_statement');
  if (!ifStmt || ifStmt.childForFieldName('initializer') || ifStmt.childForFieldName('alternative')) return undefined;
  const body = blockStatements(ifStmt.childForFieldName('consequence'));
  if (body.length !== 1 || body[0].id !== stmt.id) return undefined;
  // An `else if` is part of a chain: `for` there would not parse.
  return ifStmt.parent?.type === 'if_statement' ? undefined : ifStmt;
}

/**
 * A named wrapper around Wait (`func (q *Queue) wait() { q.cond.Wait() }`) is fine when its
 * callers loop. True when it has callers and all are in this file inside a `for`, or some are
 * in other files (whose loops we cannot see, so we stay silent).
 */
function loopedByCallers(file: FileFacts, view: PackageView, fn: FuncInfo, cond: Node): boolean {
  const key = funcKey(fn);
  if (!key) return false;
  if (view.callers(key).some((g) => g.file !== file.fileName)) return true;
  // This file's calls by their callee's type (`q.cond.Wait(ctx)` through a field of the wrapper's type).
  const calls = descendants(file.root, 'call_expression').filter((c) => calleeKey(file, c) === key);
  // A method whose whole body is the Wait (pebble's `flusherCond.Wait`, a Cond with a custom
  // Locker) passes the duty to loop on to callers the package does not resolve for us (reached
  // through a field of an anonymous struct, or from other packages): stay silent.
  // So does a function that waits on a cond it is given (seaweedfs' `util.WaitWithTimeout(ctx,
  // cond, timer)`, called from another package): it cannot know its callers' condition.
  if (calls.length === 0) return passesThrough(fn) || givenCond(file, fn, cond);
  return calls.every((c) => ancestor(c, 'for_statement') !== undefined);
}

/**
 * The function whose callers wait with the `Wait`: its own, or, for a literal called in place or
 * started with `go`, the function around it (loki's `contextCond.Wait(ctx)` waits on the cond
 * in a goroutine it starts, and returns when that goroutine is woken or the context ends).
 */
function waitingFunction(file: FileFacts, call: Node): FuncInfo | undefined {
  let fn = file.functionOf(call);
  while (fn?.kind === 'literal') {
    const how = closureRun(file, fn.node).how;
    const outer = how === 'call' || how === 'go' ? enclosingFunction(fn.node) : undefined;
    if (!outer) break;
    fn = file.funcInfo(outer);
  }
  return fn;
}

/** The cond waited on is a parameter of `fn` (`cond.Wait()` on `cond *sync.Cond`). */
function givenCond(file: FileFacts, fn: FuncInfo, cond: Node): boolean {
  const c = unparen(cond);
  if (c.type !== 'identifier') return false;
  const param = file.lookup(c.text, c)?.param;
  return !!param && fn.params.includes(param);
}

/**
 * The Wait is inside the `Wait` method of a type that also has `Signal` or `Broadcast`: a
 * condition variable of its own (buildkit's `StatefulCond`), whose callers loop as a
 * `sync.Cond`'s do.
 */
function condLike(view: PackageView, fn: FuncInfo): boolean {
  const type = fn.receiver?.typeName;
  return fn.kind === 'method' && fn.name === 'Wait' && !!type && (!!view.func(`${type}.Signal`) || !!view.func(`${type}.Broadcast`));
}

/** A method or function whose body holds nothing but one `x.Wait()` statement (comments aside). */
function passesThrough(fn: FuncInfo): boolean {
  const body = blockStatements(fn.body);
  return body.length === 1 && body[0].type === 'expression_statement' && callParts(body[0].namedChild(0)!)?.name === 'Wait';
}
