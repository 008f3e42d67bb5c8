/**
 * Which Wait joins which goroutine: a goroutine that leaves with a deferred `wg.Done()` has
 * finished, with everything it did, once a `wg.Wait()` on the same group has returned. Names are
 * matched as paths (`wg`, `s.wg`), renamed through the go statement's arguments (`go worker(&wg)`)
 * and between two methods of one type (`run` counts down `s.wgLn`, `Close` waits on it).
 */
import { rebind, type FileFacts, type FuncInfo, type GoStmt } from './facts';
import type { Node } from '../syntax/parser';
import { blockStatements, callArgs, callParts, descendants, enclosingFunction, isMethodCall, pathKey } from '../syntax/nodes';
import { runsBefore } from './paths';

const CALLS = new Set(['call_expression']);

/**
 * The goroutine of `g` has finished by `at`: it leaves with a deferred `wg.Done()`, and a
 * `wg.Wait()` on the same group surely runs before `at` in `at`'s function. So every `Add` it
 * makes comes before (leaf's `TCPServer.Close` runs `wgLn.Wait()`, which `run` leaves with
 * `defer wgLn.Done()`, and only then `wgConns.Wait()`), and so does every send (netbird's relay
 * test waits for its senders, then drains and closes their channel).
 */
export function joinedBefore(file: FileFacts, g: GoStmt, wait: Node): boolean {
  const target = g.target!;
  const waiter = enclosingFunction(wait);
  const waiterInfo = waiter ? file.funcInfo(waiter) : undefined;
  if (!waiterInfo?.body) return false;
  for (const stmt of blockStatements(target.body)) {
    const call = stmt.type === 'defer_statement' ? stmt.namedChildren.find((c) => c?.type === 'call_expression') : undefined;
    if (!call || !isMethodCall(call, 'Done') || callArgs(call).length > 0) continue;
    const key = pathKey(callParts(call)!.receiverNode!);
    const outer = key ? inWaiterNames(target, waiterInfo, key) ?? rebind(key, g.bindings) : undefined;
    if (!outer) continue;
    if (descendants(waiterInfo.body, CALLS).some((c) => isMethodCall(c, 'Wait', outer) && callArgs(c).length === 0 && runsBefore(c, wait))) return true;
  }
  return false;
}

/** A receiver path of one method (`server.wgLn`) in the names of another method of the same type. */
export function inWaiterNames(from: FuncInfo, to: FuncInfo, key: string): string | undefined {
  const a = from.receiver?.name;
  const b = to.receiver?.name;
  if (!a || !b || from.receiver?.typeName !== to.receiver?.typeName || !key.startsWith(a + '.')) return undefined;
  return b + key.slice(a.length);
}
