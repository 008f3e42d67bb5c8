import { deleteStatement, insertLinesBefore } from '../findings/edits';
import { isWaitGroupType, rebind, type FileFacts, type FuncInfo, type GoStmt } from '../model/facts';
import type { Node } from '../syntax/parser';
import type { Fix, Rule } from '../findings/rule';
import { callArgs, callParts, descendants, isMethodCall, lineOf, pathKey, quote } from '../syntax/nodes';
import { lockTarget } from '../model/locks';
import { signalledBefore } from '../model/handoff';
import { inWaiterNames, joinedBefore } from '../model/joins';
import type { PackageView } from '../model/package';

const CALLS = new Set(['call_expression']);

export const rule: Rule = {
  id: 'waitgroup-add-in-goroutine',
  title: 'WaitGroup.Add called inside the goroutine it counts',
  severity: 'warning',
  category: 'waitgroup',
  overlaps: ['waitgroup'],
  docs: {
    summary: '`wg.Add` runs inside the goroutine that the same `wg.Wait()` waits for, so `Wait` can return before the goroutine is counted.',
    why:
      '`Wait` returns as soon as the counter is zero. When the `Add` sits inside the new goroutine, nothing forces it to run before the ' +
      'parent reaches `Wait`: the scheduler may not have started the goroutine yet. `Wait` then sees zero and returns while the work ' +
      'is still pending, and a later `Add` on a WaitGroup that is being reused can panic. The count must be raised by the goroutine ' +
      'that will wait, before the `go` statement.',
    interleaving: [
      'The parent runs `go func() { wg.Add(1); ... }()`; the new goroutine is created but not yet scheduled.',
      'The parent reaches `wg.Wait()`; the counter is still 0, so `Wait` returns at once.',
      'The goroutine finally runs `wg.Add(1)` and does its work, but nobody waits for it: the parent may already have used partial results or exited.',
    ],
    bad: `func processAll(items []string) {
	var wg sync.WaitGroup
	for _, it := range items {
		go func(it string) {
			wg.Add(1)
			defer wg.Done()
			process(it)
		}(it)
	}
	wg.Wait() // may return before any item is processed
}`,
    good: `func processAll(items []string) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1) // counted before the goroutine exists
		go func(it string) {
			defer wg.Done()
			process(it)
		}(it)
	}
	wg.Wait()
}`,
    fixes: '**Move `wg.Add` before the `go` statement** removes the call from the goroutine and puts it on the line above `go`, where it runs before `Wait` can.',
  },
  check(ctx) {
    const file = ctx.file;
    const reported = new Set<number>();
    for (const g of file.goStatements) {
      if (!g.target?.body || !g.spawner) continue;
      for (const call of descendants(g.target.body, CALLS, true)) {
        if (reported.has(call.id) || !isMethodCall(call, 'Add')) continue;
        const recv = call.childForFieldName('function')!.childForFieldName('operand')!;
        const key = pathKey(recv);
        if (!key || ownLocal(file, g.target, key)) continue;
        if (!isWaitGroupType(file.typeOf(recv))) continue;
        const outerKey = rebind(key, g.bindings);
        if (!outerKey) continue;
        if (countedBeforeGo(file, g, outerKey)) continue;
        const wait = findWait(file, g, outerKey);
        if (!wait || addOrderedByMutex(file, ctx.package, g.target, call, wait) || countsNestedJoined(g, call, key)) continue;
        // The waiter first waits for a signal the goroutine gives after its last Add.
        if (g.spawner && signalledBefore(file, g.spawner, g, adds(g.target.body, key), wait)) continue;
        if (joinedBefore(file, g, wait)) continue;
        reported.add(call.id);
        const spawnerName = g.spawner.name ?? 'the enclosing function';
        ctx.report({
          node: call,
          message:
            `\`${quote(call)}\` runs inside the goroutine started at line ${lineOf(g.node)}, so \`${quote(wait, 28)}\` can return before it is counted`,
          related: [
            { span: { start: g.node.startIndex, end: g.node.endIndex }, message: 'the goroutine is started here' },
            { span: { start: wait.startIndex, end: wait.endIndex }, message: 'this Wait may not wait for it' },
          ],
          steps: [
            `${spawnerName} starts the goroutine (line ${lineOf(g.node)}); the scheduler has not run it yet.`,
            `${spawnerName} reaches \`${quote(wait)}\` (line ${lineOf(wait)}) while the counter is still 0, so it returns at once.`,
            `The goroutine then runs \`${quote(call)}\` (line ${lineOf(call)}): its work is no longer waited for.`,
          ],
          fixes: moveFix(file, g, call, outerKey),
        });
      }
    }
  },
};

/** The goroutine's own `key.Add(...)` calls. */
function adds(body: Node, key: string): Node[] {
  return descendants(body, CALLS, true).filter((c) => isMethodCall(c, 'Add', key));
}

/** True when `key`'s first name is declared inside the goroutine itself (its own WaitGroup). */
function ownLocal(file: FileFacts, fn: FuncInfo, key: string): boolean {
  const head = key.split('.')[0];
  return file.locals(fn).some((d) => d.name === head);
}

/** The chain of functions from the spawner outwards (the go statement may sit in a closure). */
function spawnerChain(file: FileFacts, g: GoStmt): FuncInfo[] {
  const out: FuncInfo[] = [];
  for (let f: FuncInfo | undefined = g.spawner; f; f = f.node.parent ? file.functionOf(f.node) : undefined) out.push(f);
  return out;
}

/** A `key.Add(...)` in the spawner, outside this goroutine, before the go statement. */
function countedBeforeGo(file: FileFacts, g: GoStmt, key: string): boolean {
  for (const fn of spawnerChain(file, g)) {
    if (!fn.body) continue;
    for (const call of descendants(fn.body, CALLS)) {
      if (call.startIndex >= g.node.startIndex) break;
      if (isMethodCall(call, 'Add', key)) return true;
    }
  }
  return false;
}

/** The `key.Wait()` that waits for this goroutine: after the go statement in the spawner, or in a method of the same type for fields. */
function findWait(file: FileFacts, g: GoStmt, key: string): Node | undefined {
  for (const fn of spawnerChain(file, g)) {
    if (!fn.body) continue;
    const wait = descendants(fn.body, CALLS).find((c) => c.startIndex > g.node.endIndex && isMethodCall(c, 'Wait', key));
    if (wait) return wait;
  }
  const spawner = g.spawner!;
  for (const m of file.functions) {
    const renamed = m.kind === 'method' && m.body ? inWaiterNames(spawner, m, key) : undefined;
    const wait = renamed ? descendants(m.body!, CALLS).find((c) => isMethodCall(c, 'Wait', renamed)) : undefined;
    if (wait) return wait;
  }
  return undefined;
}

/**
 * The Add is guarded by state that the waiter changes under the same mutex before it waits
 * (minio's kafka target): the goroutine locks `mu`, checks a field and adds only while it is
 * set; the waiter locks `mu`, clears the field, unlocks and then waits. Either the Add comes
 * first and is counted, or the goroutine sees the cleared state and never adds.
 */
function addOrderedByMutex(file: FileFacts, view: PackageView, target: FuncInfo, add: Node, wait: Node): boolean {
  const waiter = file.functionOf(wait);
  if (!target.body || !waiter?.body) return false;
  const calls = (fn: FuncInfo) => descendants(fn.body!, CALLS);
  // The mutex a `k.Lock()`-style call acts on, by the package model's identity (`Target.mu` for
  // a field of either method's receiver), so that the goroutine's and the waiter's names compare.
  const mutexOf = (call: Node, names: readonly string[]) => {
    const parts = callParts(call);
    if (!parts?.receiverNode || !names.includes(parts.name) || callArgs(call).length > 0) return undefined;
    return lockTarget(file, view, parts.receiverNode, call)?.key;
  };
  // Mutexes locked before the Add and unlocked after it in the goroutine, with the Add under an `if`.
  const guarded = new Set<string>();
  if (!hasIfBetween(add, target.body)) return false;
  for (const c of calls(target)) {
    const key = c.endIndex <= add.startIndex ? mutexOf(c, ['Lock', 'RLock']) : undefined;
    if (key && calls(target).some((u) => u.startIndex > add.endIndex && mutexOf(u, ['Unlock', 'RUnlock']) === key)) guarded.add(key);
  }
  if (guarded.size === 0) return false;
  // The waiter locks one of them exclusively, assigns something, and unlocks, all before Wait.
  for (const c of calls(waiter)) {
    const key = c.endIndex <= wait.startIndex ? mutexOf(c, ['Lock']) : undefined;
    if (!key || !guarded.has(key)) continue;
    const unlock = calls(waiter).find((u) => u.startIndex > c.endIndex && u.endIndex < wait.startIndex && mutexOf(u, ['Unlock']) === key);
    if (!unlock) continue;
    const assigns = descendants(waiter.body, 'assignment_statement').some((a) => a.startIndex > c.endIndex && a.endIndex < unlock.startIndex);
    if (assigns) return true;
  }
  return false;
}

/**
 * The Add counts a goroutine this goroutine starts right after it (`w.wg.Add(1); go func() {
 * defer w.wg.Done() ... }()`), not itself, and this goroutine is joined by its starter through
 * a WaitGroup of the starter's own (etcd's watch client: the starter waits for it before it
 * returns). The Add is then ordered like one made by the starter.
 */
function countsNestedJoined(g: GoStmt, add: Node, key: string): boolean {
  const stmt = add.parent;
  const list = stmt?.parent;
  if (stmt?.type !== 'expression_statement' || !list) return false;
  const next = list.namedChildren.slice(list.namedChildren.findIndex((c) => c?.id === stmt.id) + 1).find((c) => c?.type === 'go_statement');
  const lit = next ? descendants(next, 'func_literal')[0] : undefined;
  if (!lit || !descendants(lit, CALLS).some((c) => isMethodCall(c, 'Done', key))) return false;
  // This goroutine signals a WaitGroup of its starter, which waits on it.
  const spawner = g.spawner;
  if (!spawner?.body || !g.target?.body) return false;
  return descendants(g.target.body, CALLS).some((c) => {
    if (!isMethodCall(c, 'Done') || isMethodCall(c, 'Done', key)) return false;
    const other = pathKey(c.childForFieldName('function')!.childForFieldName('operand'));
    return !!other && rebind(other, g.bindings) === other && descendants(spawner.body!, CALLS).some((w) => isMethodCall(w, 'Wait', other));
  });
}

/** True when an `if` statement lies between `n` and `body`. */
function hasIfBetween(n: Node, body: Node): boolean {
  for (let x = n.parent; x && x.id !== body.id; x = x.parent) if (x.type === 'if_statement') return true;
  return false;
}

function moveFix(file: FileFacts, g: GoStmt, call: Node, outerKey: string): Fix[] {
  const stmt = call.parent;
  const args = callArgs(call);
  if (stmt?.type !== 'expression_statement' || stmt.parent?.parent?.id !== g.target!.body!.id) return [];
  // Only an Add that every run of the goroutine reaches moves as is: one after a receive, a
  // select or a conditional return would be counted even when the goroutine stops before it,
  // and Wait would then wait forever. Plain calls before it may stay where they are.
  const before = stmt.parent.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment' && c.endIndex <= stmt.startIndex);
  if (!before.every((c) => c.type === 'expression_statement' && c.namedChild(0)?.type === 'call_expression' && !c.text.includes('<-'))) return [];
  if (args.length !== 1 || args[0].type !== 'int_literal') return [];
  if (g.target!.kind !== 'literal' && !startedOnlyHere(file, g)) return [];
  const remove = deleteStatement(file.source, stmt);
  const insert = insertLinesBefore(file.source, g.node, [`${outerKey}.Add(${args[0].text})`]);
  if (!remove || !insert) return [];
  return [{ title: `Move \`${outerKey}.Add(${args[0].text})\` before the go statement`, edits: [insert, remove], safe: true }];
}

/** A named goroutine function may be edited only when nothing else calls it. */
function startedOnlyHere(file: FileFacts, g: GoStmt): boolean {
  const name = g.target!.name;
  if (!name) return false;
  let uses = 0;
  for (const id of descendants(file.root, new Set(['identifier', 'field_identifier']))) {
    if (id.text === name && id.parent?.type !== 'function_declaration' && id.parent?.type !== 'method_declaration') uses++;
  }
  return uses === 1;
}
