/** Choosing which quick fixes `--fix` applies to a file in one round. */
import { applyEdits } from '../core/analyze';
import type { TextEdit } from '../core/findings/rule';
import type { CliFinding } from './engine';

export interface FixRound {
  text: string;
  /** How many findings this round fixes. */
  applied: number;
}

/** True when two edits touch: overlapping ranges, or an insertion at the edge of or inside the other. */
function conflicts(a: TextEdit, b: TextEdit): boolean {
  if (a.start < b.end && b.start < a.end) return true;
  const aEmpty = a.start === a.end;
  const bEmpty = b.start === b.end;
  if (aEmpty && a.start >= b.start && a.start <= b.end) return true;
  if (bEmpty && b.start >= a.start && b.start <= a.end) return true;
  return false;
}

/**
 * Applies, in finding order, the first safe fix of each finding whose edits conflict with none
 * already taken; the others wait for the next round (after re-analysis their offsets are
 * fresh). Undefined when no safe fix can be applied.
 */
export function applySafeFixes(text: string, findings: readonly CliFinding[]): FixRound | undefined {
  const taken: TextEdit[] = [];
  let applied = 0;
  for (const f of findings) {
    const fix = f.fixes.find((x) => x.safe && x.edits.length > 0);
    if (!fix) continue;
    const edits = fix.edits.map((e) => ({ start: e.start, end: e.end, newText: e.newText }));
    const selfConflict = edits.some((e, i) => edits.some((o, j) => j > i && conflicts(e, o)));
    if (selfConflict || edits.some((e) => taken.some((t) => conflicts(e, t)))) continue;
    taken.push(...edits);
    applied++;
  }
  if (applied === 0) return undefined;
  const out = applyEdits(text, taken);
  return out === text ? undefined : { text: out, applied };
}
