import type { FileFacts } from '../model/facts';
import { lockTarget } from '../model/locks';
import type { Node } from '../syntax/parser';
import type { Rule } from '../findings/rule';
import { blockStatements, callArgs, callParts, docComment, enclosingFunction, lineOf, quote } from '../syntax/nodes';
import { focusedOfType } from './support/focus';

/** Words a doc comment uses when the function waits for the current holder on purpose. */
const WAITS = /\b(wait|waits|waiting|barrier|drain|drains|flush|flushes|in[- ]flight|in progress|holder|until|finish|finished|settle|quiesce)/i;

export const rule: Rule = {
  id: 'empty-critical-section',
  title: 'Lock released at once, protecting nothing',
  severity: 'hint',
  category: 'mutex',
  docs: {
    summary: 'A `Lock` (or `RLock`) is followed straight away by the matching `Unlock`, with nothing in between and no comment saying why.',
    why:
      'A critical section protects the statements between `Lock` and `Unlock`. With none, the code that follows runs unprotected; ' +
      'usually the `Unlock` was meant to be deferred, or the protected statements were moved away in a refactoring. Taking and ' +
      'releasing a lock is also a legitimate way to wait until the current holder is done (a barrier): then a comment beside the ' +
      'pair, or in the function\'s doc comment, says so, and the rule stays silent.',
    interleaving: [
      'Goroutine A takes the mutex and releases it at once.',
      'Goroutine A then reads the shared state with no lock held.',
      'Goroutine B takes the mutex and writes the same state: A reads it mid-update.',
    ],
    bad: `func (c *Cache) Len() int {
	c.mu.Lock()
	c.mu.Unlock()
	return len(c.items) // read without the lock
}`,
    good: `func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}`,
  },
  check(ctx) {
    const file = ctx.file;
    for (const block of focusedOfType(ctx, 'block')) {
      const stmts = blockStatements(block);
      for (let i = 0; i + 1 < stmts.length; i++) {
        const lock = lockCall(stmts[i]);
        const unlock = lockCall(stmts[i + 1]);
        if (!lock || !unlock) continue;
        const lp = callParts(lock)!;
        const up = callParts(unlock)!;
        const pairs = (lp.name === 'Lock' && up.name === 'Unlock') || (lp.name === 'RLock' && up.name === 'RUnlock');
        if (!pairs || lp.receiver === undefined || lp.receiver !== up.receiver) continue;
        if (explained(file, lock, unlock) || !lockTarget(file, ctx.package, lp.receiverNode!, lock)) continue;
        ctx.report({
          node: lock,
          message: `empty critical section: \`${quote(lock, 36)}\` is released at once, so it protects nothing`,
          related: [{ span: { start: unlock.startIndex, end: unlock.endIndex }, message: 'released here' }],
          steps: [
            `Line ${lineOf(lock)}: \`${quote(lock)}\` waits for the mutex and takes it.`,
            `Line ${lineOf(unlock)}: \`${quote(unlock)}\` releases it before any shared data is touched.`,
            'The code that follows runs without the lock: if it reads or writes shared state, that is a data race.',
          ],
        });
      }
    }
  },
};

/**
 * The pair is deliberate when a comment says so: on its own line just above the pair (in the same
 * body) or between the two, or in the doc comment of the declared function around
 * it when that speaks of waiting, draining or the current holder.
 */
function explained(file: FileFacts, lock: Node, unlock: Node): boolean {
  const src = file.source;
  const fn = enclosingFunction(lock);
  const body = fn?.childForFieldName('body');
  const first = src.lineAt(lock.startIndex);
  const from = Math.max(0, first - 3, body ? src.lineAt(body.startIndex) : 0);
  for (let line = from; line < src.lineAt(unlock.startIndex); line++) {
    if (line !== first && src.lineText(line).trim().startsWith('//')) return true;
  }
  let decl: Node | null | undefined = fn;
  while (decl && decl.type !== 'function_declaration' && decl.type !== 'method_declaration') decl = decl.parent;
  return decl !== null && decl !== undefined && WAITS.test(docComment(decl));
}

function lockCall(stmt: Node): Node | undefined {
  if (stmt.type !== 'expression_statement') return undefined;
  const e = stmt.namedChild(0);
  return e?.type === 'call_expression' && callArgs(e).length === 0 && /^R?(Lock|Unlock)$/.test(callParts(e)?.name ?? '') ? e : undefined;
}
