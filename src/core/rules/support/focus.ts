/**
 * The parts of a file a rule must look at in this review: the whole file, or only the top-level
 * declarations in focus when the findings elsewhere are carried over from the last review (see
 * RuleContext.inFocus). Asking each of a few declarations for its nodes of one type is cheaper
 * than asking the file and dropping most of them.
 */
import type { RuleContext } from '../../findings/rule';
import { focusRoots as rootsOf } from '../../syntax/nodes';
import type { Node } from '../../syntax/parser';

export function focusRoots(ctx: Pick<RuleContext, 'file' | 'inFocus'>): Node[] {
  return rootsOf(ctx.file.root, ctx.inFocus);
}

/** The nodes of the given types in the parts of the file in focus, in document order. */
export function focusedOfType(ctx: Pick<RuleContext, 'file' | 'inFocus'>, types: string | readonly string[]): Node[] {
  const roots = focusRoots(ctx);
  return roots.length === 1 ? roots[0].descendantsOfType(types) : roots.flatMap((r) => r.descendantsOfType(types));
}

/** Calls `visit` on each node of the given types in the parts of the file in focus, in document order (as eachOfType). */
export function eachInFocus(ctx: Pick<RuleContext, 'file' | 'inFocus'>, types: string | readonly string[], visit: (n: Node) => unknown): void {
  for (const n of focusedOfType(ctx, types)) visit(n);
}
