/**
 * Serving loops across a package: which loop of which function is the receiver of a channel
 * field (`Server.reqc`), and whether it is the only one. Shared by the rules about a loop that
 * stops (send-to-stopped-loop) and a loop that drops what it took (unanswered-request).
 */
import { typedTarget, type FuncSummary, type PackageView, type ServeLoop } from './package';

export interface Serving {
  fn: FuncSummary;
  loop: ServeLoop;
}

/** Serving loops of the package by the unexported channel field they receive from (`Server.reqc`). */
export function servingLoops(view: PackageView): Map<string, Serving[]> {
  const out = new Map<string, Serving[]>();
  for (const fn of view.functions) {
    for (const loop of fn.serves ?? []) {
      for (const r of loop.receives) {
        if (!/^[A-Za-z_]\w*\.[a-z_]\w*$/.test(r.target)) continue;
        const list = out.get(r.target) ?? [];
        if (!list.some((s) => s.loop === loop)) list.push({ fn, loop });
        out.set(r.target, list);
      }
    }
  }
  return out;
}

/** A target in its type's names (see typedTarget), or as it is. */
export function canonical(fn: FuncSummary, target: string): string {
  return typedTarget(fn, target) ?? target;
}

/** Every receive of `target` in the package is a case of one of the serving loops. */
export function onlyReceivers(view: PackageView, target: string, serving: readonly Serving[]): boolean {
  for (const fn of view.functions) {
    for (const op of fn.ops) {
      if ((op.kind !== 'recv' && op.kind !== 'range') || canonical(fn, op.target) !== target) continue;
      if (!serving.some((s) => s.fn === fn && s.loop.receives.some((r) => r.target === target && r.line === op.line))) return false;
    }
  }
  return true;
}

/** The sender is not the loop's function, nor a function that starts or calls it. */
export function senderIsOutside(fn: FuncSummary, serving: readonly Serving[]): boolean {
  return !serving.some((s) => s.fn.key === fn.key || fn.ops.some((o) => o.kind === 'call' && o.target === s.fn.key));
}
