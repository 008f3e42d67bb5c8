import { callbackRelocks, chainText, heldSince, opWhere, relocks, type CallbackRelock, type Relock } from '../model/locks';
import type { Op } from '../model/package';
import type { FileFacts } from '../model/facts';
import type { Related, Report, Rule } from '../findings/rule';
import { lineOf, quote } from '../syntax/nodes';

export const rule: Rule = {
  id: 'double-lock',
  title: 'Mutex locked again while this goroutine holds it',
  severity: 'error',
  category: 'mutex',
  docs: {
    summary:
      'A `sync.Mutex` or `sync.RWMutex` is locked a second time on a path where the same goroutine already holds it, directly or inside a call to a function of the package: the goroutine waits for itself forever.',
    why:
      "Go's mutexes are not re-entrant: `Lock` blocks until the mutex is free, even when the caller is the goroutine holding it. " +
      'The same goes for mixing modes on an `RWMutex`: `Lock` waits for every reader to leave, including a read lock the caller took, ' +
      'and `RLock` waits while a writer holds the lock. The goroutine blocks for good, and every other goroutine that needs the mutex ' +
      'piles up behind it. The second lock often hides in a helper method that locks for its other callers.',
    interleaving: [
      'The goroutine locks `s.mu` and, still holding it, calls a method of the same type.',
      'That method starts with `s.mu.Lock()`: the mutex is taken, so it waits for it to be unlocked.',
      'Only this goroutine could unlock it, and it is the one waiting: it never resumes, and every later user of `s.mu` blocks behind it.',
    ],
    bad: `type Cache struct {
	mu    sync.Mutex
	items map[string]string
}

func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}

func (c *Cache) Put(k, v string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Len() > 100 { // Len locks c.mu again: deadlock
		c.items = map[string]string{}
	}
	c.items[k] = v
}`,
    good: `type Cache struct {
	mu    sync.Mutex
	items map[string]string
}

func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lenLocked()
}

// lenLocked must be called with c.mu held.
func (c *Cache) lenLocked() int { return len(c.items) }

func (c *Cache) Put(k, v string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lenLocked() > 100 {
		c.items = map[string]string{}
	}
	c.items[k] = v
}`,
    fixes:
      'No automatic fix: the usual cure is a variant of the helper that expects the lock to be held (a `...Locked` method), or releasing the lock before the call; which one is right depends on what the lock protects.',
  },
  check(ctx) {
    const file = ctx.file;
    const seen = new Set<number>();
    for (const r of relocks(file, ctx.package, ctx.inFocus)) {
      if (r.held.mode === 'r' && r.mode === 'r') continue; // recursive-rlock's case
      if (seen.has(r.node.id)) continue;
      seen.add(r.node.id);
      const first = r.held;
      const related: Related[] = [{ span: { start: first.node.startIndex, end: first.node.endIndex }, message: `\`${first.text}\` is locked here` }];
      if (r.via && r.via.fn.file === file.fileName) {
        related.push({ span: { start: r.via.op.start, end: r.via.op.end }, message: `the call locks \`${first.text}\` again here` });
      }
      ctx.report({ node: r.node, message: message(r), related, steps: steps(file, r) });
    }
    for (const r of callbackRelocks(file, ctx.package)) {
      if (r.heldMode === 'r' && r.mode === 'r') continue; // recursive-rlock's case
      if (seen.has(r.node.id)) continue;
      seen.add(r.node.id);
      ctx.report(callbackReport(file, r));
    }
  },
};

/** A lock in a function literal that a holder of the same mutex runs: passed to it, or stored in a field it calls. */
function callbackReport(file: FileFacts, r: CallbackRelock): Report {
  const holder = `\`${r.holder.name}\``;
  const where = (op: Op) => opWhere(file, { op, fn: r.holder });
  const held = r.heldMode === 'r' ? 'read-locked' : 'locked';
  const verb = r.mode === 'r' ? 'read-locks' : 'locks';
  const second = r.via ? `\`${quote(r.node, 32)}\` ${verb} \`${r.text}\` (in ${chainText(r.via)})` : `\`${quote(r.node, 32)}\``;
  const runs = r.how.kind === 'argument' ? `${holder} runs this literal` : `${holder} runs it via \`${r.how.field}\``;
  const related: Related[] = [];
  if (r.holder.file === file.fileName) {
    related.push({ span: { start: r.heldOp.start, end: r.heldOp.end }, message: `${holder} ${held} \`${r.text}\` here` });
    related.push({ span: { start: r.call.start, end: r.call.end }, message: `and runs the function literal here, still holding it` });
  }
  related.push({ span: { start: r.how.node.startIndex, end: r.how.node.endIndex }, message: r.how.kind === 'argument' ? `the literal is handed to ${holder} here` : 'the literal is stored here' });
  return {
    node: r.node,
    message: `${second} while ${runs} with \`${r.text}\` ${held}: deadlock`,
    related,
    steps: [
      `${holder} ${held === 'locked' ? 'locks' : 'read-locks'} \`${r.text}\` (${where(r.heldOp)}) and, still holding it, runs this function literal (${where(r.call)}).`,
      `The literal asks for \`${r.text}\` again at line ${lineOf(r.node)}, on the same goroutine.`,
      r.heldMode === 'r'
        ? 'Lock waits for every reader to leave, including the holder that is waiting for the literal to return: neither ever resumes.'
        : 'The mutex is taken by the goroutine that is now waiting for it: it never resumes, and every other user of the mutex blocks behind it.',
    ],
  };
}

function message(r: Relock): string {
  const h = r.held;
  const q = quote(r.node, 32);
  if (h.mode === 'r') {
    // A write Lock under this goroutine's own read lock.
    const own = `this goroutine's own read lock, held ${heldSince(h)}: deadlock`;
    return r.via ? `\`${q}\` locks \`${h.text}\` (in ${chainText(r.via)}) and waits for ${own}` : `\`${q}\` waits for ${own}`;
  }
  const state = r.mode === 'w' ? 'already held' : 'write-locked';
  if (!r.via) return `${r.mode === 'w' ? 'second ' : ''}\`${q}\` while \`${h.text}\` is ${state} ${heldSince(h)}: deadlock`;
  return `\`${q}\` ${r.mode === 'r' ? 'read-locks' : 'locks'} \`${h.text}\` again (in ${chainText(r.via)}), ${state} ${heldSince(h)}: deadlock`;
}

function steps(file: FileFacts, r: Relock): string[] {
  const h = r.held;
  const mode = h.mode === 'r' ? 'read-locks' : 'locks';
  const out = [`Line ${lineOf(h.node)}: \`${quote(h.node)}\` ${mode} \`${h.text}\`; no path from there to line ${lineOf(r.node)} unlocks it.`];
  if (r.via) {
    out.push(`Line ${lineOf(r.node)}: \`${quote(r.node)}\` runs ${chainText(r.via)}, which ${r.mode === 'r' ? 'read-locks' : 'locks'} \`${h.text}\` at ${opWhere(file, r.via)}.`);
  } else {
    out.push(`Line ${lineOf(r.node)}: \`${quote(r.node)}\` asks for \`${h.text}\` again.`);
  }
  out.push(
    h.mode === 'r'
      ? `A write Lock waits until every read lock is released, including the one this goroutine holds, so it never returns.`
      : `The mutex is taken, so the goroutine waits for it to be unlocked — by itself. It never resumes, and every other goroutine that needs \`${h.text}\` blocks behind it.`,
  );
  return out;
}
