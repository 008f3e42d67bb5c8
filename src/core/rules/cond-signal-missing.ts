import { condLoops, condTarget, waitsOn, wakingWrites, condFocus } from '../model/conds';
import type { FileFacts, FuncInfo } from '../model/facts';
import { flatten, mapTarget } from '../model/locks';
import { calleeKey, callSite, funcKey, typedTarget, type PackageView } from '../model/package';
import type { Node } from '../syntax/parser';
import type { Fix, Rule } from '../findings/rule';
import { eol, indentAt, standsAlone } from '../findings/edits';
import { callParts, descendants, lineOf, quote } from '../syntax/nodes';

export const rule: Rule = {
  id: 'cond-signal-missing',
  title: 'State a sync.Cond waiter waits for changes without Signal or Broadcast',
  severity: 'warning',
  severityInTests: 'info',
  category: 'mutex',
  docs: {
    summary:
      'A method changes a field that a `for <condition> { c.Wait() }` loop waits on (sets the `closed` flag, appends to the queue, counts up) in the direction that lets the waiter go on, and neither it nor any caller in the package calls `Signal` or `Broadcast` on that `sync.Cond`: a goroutine already waiting is never woken.',
    why:
      '`c.Wait()` sleeps until another goroutine calls `c.Signal()` or `c.Broadcast()`; it does not watch the fields its loop checks. ' +
      'Every change that can make the loop\'s condition false must be followed by a signal, or the waiters sleep through it: a `Close` ' +
      'that sets `closed = true` without `Broadcast` leaves every consumer blocked in `Pop` forever, and a `Push` that appends without ' +
      '`Signal` strands a consumer next to a full queue until some later push happens to wake it. The bug stays hidden while goroutines ' +
      'happen to check the condition before they sleep.',
    interleaving: [
      'A consumer locks, finds the queue empty and open, and sleeps in `c.Wait()` (which unlocks).',
      '`Close` locks, sets `q.closed = true`, unlocks, and returns without `c.Broadcast()`.',
      'Nothing ever wakes the consumer: it sleeps in `Wait` forever, although the condition it waits for now holds.',
    ],
    bad: `func (q *Queue) Pop() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.closed {
		q.cond.Wait()
	}
	...
}

func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true // waiters in Pop are never woken
	q.mu.Unlock()
}`,
    good: `func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true
	q.cond.Broadcast()
	q.mu.Unlock()
}`,
    fixes:
      '**Broadcast after the change** inserts `c.Broadcast()` right after the assignment. Waiters recheck their condition in the loop, so an ' +
      'extra wakeup only costs a recheck: the fix is safe, and `Broadcast` (rather than `Signal`) wakes every waiter whose condition may now hold.',
  },
  check(ctx) {
    const file = ctx.file;
    if (!file.text.includes('.Wait()')) return;
    const waits = condLoops(file, ctx.package);
    if (waits.length === 0) return;
    const reported = new Set<number>();
    const inFocus = condFocus(file, ctx.inFocus, waits);
    for (const fn of file.functions) {
      if (fn.kind === 'literal' || !fn.body || !inFocus(fn.node)) continue;
      for (const w of waits) {
        if (w.fn.node.id === fn.node.id || waitsOn(file, ctx.package, fn, w.cond)) continue;
        const writes = wakingWrites(file, fn, w).filter((x) => !reported.has(x.node.id));
        if (writes.length === 0 || signals(file, ctx.package, fn, w.cond) || callersSignal(ctx.package, fn, w.cond)) continue;
        for (const write of writes) {
          reported.add(write.node.id);
          const waiter = w.fn.name ? `\`${w.fn.name}\`` : `the function at line ${lineOf(w.fn.node)}`;
          ctx.report({
            node: write.node,
            message: `\`${quote(write.node, 32)}\` lets ${waiter} stop waiting, but \`${fn.name}\` never wakes it with Signal or Broadcast`,
            related: [
              { span: { start: w.wait.startIndex, end: w.wait.endIndex }, message: `waiters sleep here until someone calls Signal or Broadcast` },
              { span: { start: w.loopCond.startIndex, end: w.loopCond.endIndex }, message: `the condition \`${quote(write.node, 32)}\` changes` },
            ],
            steps: [
              `A goroutine in ${waiter} finds \`${quote(w.loopCond, 32)}\` true and sleeps in \`${quote(w.wait)}\` (line ${lineOf(w.wait)}).`,
              `\`${fn.name}\` runs \`${quote(write.node, 32)}\` (line ${lineOf(write.node)}), so the condition is now false, and returns without Signal or Broadcast.`,
              'Nothing wakes the sleeping goroutine: it waits forever for a change that has already happened.',
            ],
            fixes: broadcastFix(file, fn, write.node, w.cond),
          });
        }
      }
    }
  },
};

/** `fn` calls Signal or Broadcast on the cond, itself or through a package function it calls. */
function signals(file: FileFacts, view: PackageView, fn: FuncInfo, cond: string): boolean {
  for (const call of descendants(fn.body!, 'call_expression')) {
    const parts = callParts(call);
    if ((parts?.name === 'Signal' || parts?.name === 'Broadcast') && parts.receiverNode && condTarget(file, view, fn, parts.receiverNode, call) === cond) return true;
    const key = calleeKey(file, call);
    const callee = key ? view.func(key) : undefined;
    if (!callee) continue;
    const site = callSite(file, call);
    for (const f of flatten(view, key!)) {
      if ((f.what !== 'Signal' && f.what !== 'Broadcast') || f.target === undefined) continue;
      const mapped = mapTarget(view, f.target, callee, site);
      const t = mapped ? typedTarget({ params: fn.params.map((p) => p.type) }, mapped) : undefined;
      if (!mapped || t === cond || `${t}.Cond` === cond) return true;
    }
  }
  return false;
}

/** Some package function (outside tests) that calls `fn` also signals the cond, or a cond it cannot name (it may do so for `fn`). */
function callersSignal(view: PackageView, fn: FuncInfo, cond: string): boolean {
  const key = funcKey(fn);
  if (!key) return true;
  // Tests that drive the type signal for their own reasons; they are not the package's callers.
  return view.callers(key).some((c) =>
    !/_test\.go$/.test(c.file) && flatten(view, c.key).some((f) => {
      if (f.what !== 'Signal' && f.what !== 'Broadcast') return false;
      const t = f.target === undefined ? undefined : typedTarget(c, f.target);
      return t === undefined || t === cond || `${t}.Cond` === cond;
    }),
  );
}

/** `q.cond.Broadcast()` on the line after the write, spelled through the write's own base. */
function broadcastFix(file: FileFacts, fn: FuncInfo, write: Node, cond: string): Fix[] {
  const recv = fn.receiver;
  const dot = cond.indexOf('.');
  if (!recv?.name || dot < 0 || cond.slice(0, dot) !== recv.typeName) return [];
  if (write.parent?.type !== 'statement_list' || !standsAlone(file.source, write)) return [];
  const text = `${recv.name}${cond.slice(dot)}.Broadcast()`;
  const nl = eol(file.source);
  return [{ title: `Broadcast after the change (\`${text}\`)`, edits: [{ start: write.endIndex, end: write.endIndex, newText: nl + indentAt(file.source, write.startIndex) + text }], safe: true }];
}
