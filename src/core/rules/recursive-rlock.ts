import type { FileFacts } from '../model/facts';
import { chainText, opWhere, relocks, type Relock } from '../model/locks';
import type { Related, Rule } from '../findings/rule';
import { lineOf, quote } from '../syntax/nodes';

export const rule: Rule = {
  id: 'recursive-rlock',
  title: 'Read lock taken again while this goroutine already holds it',
  severity: 'warning',
  // In a test the writer that would have to queue between the two read locks is one the test
  // itself runs: at worst a hung test run, which reviewers weigh like the other test-only hazards.
  severityInTests: 'info',
  category: 'mutex',
  docs: {
    summary:
      'An `RWMutex` is read-locked again, directly or inside a call to a function of the package, on a path where the same goroutine already holds a read lock on it: it deadlocks as soon as a writer queues in between (information in tests, where that writer would be one the test runs itself).',
    why:
      'A read lock looks re-entrant because several readers may hold it at once, but `sync.RWMutex` forbids recursive read locking: ' +
      'once a writer calls `Lock`, new `RLock` calls wait until that writer is done, so that writers are not starved. The writer waits for ' +
      'the first read lock to be released; the second `RLock` waits for the writer; the goroutine holding the first read lock is the one ' +
      'stuck in the second. The code works in tests and hangs under load, when writes and reads overlap.',
    interleaving: [
      'Goroutine A calls `RLock` and holds a read lock.',
      'Goroutine B calls `Lock`: it waits for A to release its read lock, and from now on blocks new readers.',
      'Goroutine A, still holding its read lock, calls `RLock` again (often in a helper): it waits behind B.',
      'B waits for A and A waits for B: both are stuck, along with every later reader and writer.',
    ],
    bad: `type Index struct {
	mu    sync.RWMutex
	terms map[string][]int
}

func (ix *Index) Has(term string) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	_, ok := ix.terms[term]
	return ok
}

func (ix *Index) Lookup(term string) []int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if !ix.Has(term) { // read-locks ix.mu a second time
		return nil
	}
	return ix.terms[term]
}`,
    good: `type Index struct {
	mu    sync.RWMutex
	terms map[string][]int
}

func (ix *Index) Has(term string) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.hasLocked(term)
}

// hasLocked must be called with ix.mu held (read or write).
func (ix *Index) hasLocked(term string) bool {
	_, ok := ix.terms[term]
	return ok
}

func (ix *Index) Lookup(term string) []int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if !ix.hasLocked(term) {
		return nil
	}
	return ix.terms[term]
}`,
    fixes: 'No automatic fix: split the helper into a locking wrapper and a `...Locked` variant that expects the lock held, and call the variant.',
  },
  check(ctx) {
    const file = ctx.file;
    const seen = new Set<number>();
    for (const r of relocks(file, ctx.package, ctx.inFocus)) {
      if (r.held.mode !== 'r' || r.mode !== 'r' || seen.has(r.node.id)) continue;
      seen.add(r.node.id);
      const related: Related[] = [{ span: { start: r.held.node.startIndex, end: r.held.node.endIndex }, message: `first read lock of \`${r.held.text}\`` }];
      if (r.via && r.via.fn.file === file.fileName) {
        related.push({ span: { start: r.via.op.start, end: r.via.op.end }, message: 'second read lock, inside the call' });
      }
      ctx.report({ node: r.node, message: message(r), related, steps: steps(file, r) });
    }
  },
};

function message(r: Relock): string {
  const h = r.held;
  // The call that took the first read lock is in the related information; the line is enough here.
  const tail = `since line ${lineOf(h.node)}: a pending writer deadlocks both`;
  if (!r.via) return `second \`${quote(r.node, 32)}\` with the first held ${tail}`;
  return `\`${quote(r.node, 32)}\` read-locks \`${h.text}\` again (in ${chainText(r.via)}), held ${tail}`;
}

function steps(file: FileFacts, r: Relock): string[] {
  const h = r.held;
  const second = r.via ? `${chainText(r.via)} (called at line ${lineOf(r.node)}) reaches \`RLock\` at ${opWhere(file, r.via)}` : `line ${lineOf(r.node)} reaches \`${quote(r.node)}\``;
  return [
    `This goroutine read-locks \`${h.text}\` at line ${lineOf(h.node)}.`,
    `Another goroutine calls \`${h.text}.Lock()\`: it waits for that read lock, and new readers now wait behind it.`,
    `This goroutine, still holding its read lock, ${second}: it waits behind the writer.`,
    `The writer waits for this goroutine and this goroutine waits for the writer: deadlock.`,
  ];
}
