/** Which safe fixes of a file can be applied together (Fix All in the editor and the language server). */
import type { Finding, ResolvedFix } from '../findings/rule';

/**
 * The safe fixes of a file that do not overlap each other, earliest first. Overlapping fixes are
 * never applied together: the later one waits for the next run.
 */
export function compatibleSafeFixes(findings: readonly Finding[]): ResolvedFix[] {
  const chosen: ResolvedFix[] = [];
  const taken: { start: number; end: number }[] = [];
  const overlaps = (a: { start: number; end: number }) => taken.some((b) => (a.start < b.end && b.start < a.end) || (a.start === a.end && a.start === b.start));
  for (const f of findings) {
    const fix = f.fixes.find((x) => x.safe);
    if (!fix || fix.edits.some(overlaps)) continue;
    chosen.push(fix);
    taken.push(...fix.edits);
  }
  return chosen;
}
