import { condBindings, condLoops, waitsOn, wakingWrites, condFocus, type CondLoop } from '../model/conds';
import type { FileFacts, FuncInfo } from '../model/facts';
import { callersHold, funcLocks, type FuncLocks } from '../model/locks';
import { funcKey, typedTarget, type PackageView } from '../model/package';
import type { Node } from '../syntax/parser';
import type { Rule } from '../findings/rule';
import { lineOf, quote } from '../syntax/nodes';

export const rule: Rule = {
  id: 'cond-wrong-lock',
  title: 'State a sync.Cond waiter waits for changes under another lock',
  severity: 'warning',
  severityInTests: 'info',
  category: 'mutex',
  docs: {
    summary:
      'A method changes a field that a `for <condition> { c.Wait() }` loop waits on while it holds some other mutex, not the one the `sync.Cond` was made with (`sync.NewCond(&q.mu)`): a waiter can check the condition, miss the wakeup and wait forever.',
    why:
      'A `sync.Cond` works only because the waiter checks its condition and goes to sleep while holding `c.L`, and the goroutine that ' +
      'changes the condition takes `c.L` too: then the change happens either before the check (the waiter sees it) or after the waiter ' +
      'is asleep (the `Signal` or `Broadcast` wakes it). A change made under another mutex can fall between the check and `Wait`: ' +
      'the waiter has seen the old value, the broadcast finds nobody asleep yet, and the waiter then sleeps for a change that already ' +
      'happened. The field is also read and written under two different locks, a data race.',
    interleaving: [
      'The waiter locks `q.mu`, checks `!q.ready`, finds it true and is about to call `q.cond.Wait()`.',
      'Another goroutine locks `q.other` (not `q.mu`), sets `q.ready = true` and calls `q.cond.Broadcast()`: nobody is asleep yet.',
      'The waiter calls `Wait` and sleeps; no later broadcast comes, so it waits forever although `q.ready` is true.',
    ],
    bad: `type Queue struct {
	mu    sync.Mutex
	cond  *sync.Cond // sync.NewCond(&q.mu)
	other sync.Mutex
	ready bool
}

func (q *Queue) Await() {
	q.mu.Lock()
	for !q.ready {
		q.cond.Wait()
	}
	q.mu.Unlock()
}

func (q *Queue) Start() {
	q.other.Lock()
	q.ready = true // under q.other: Await can miss the broadcast
	q.cond.Broadcast()
	q.other.Unlock()
}`,
    good: `func (q *Queue) Start() {
	q.mu.Lock()
	q.ready = true
	q.cond.Broadcast()
	q.mu.Unlock()
}`,
    fixes:
      'No automatic fix: which lock the change should take, and whether the other lock is still needed, depends on what else the code ' +
      'protects with it. Take the cond\'s own mutex (`c.L`) around the change, and broadcast while holding it or right after.',
  },
  check(ctx) {
    const file = ctx.file;
    if (!file.text.includes('.Wait()')) return;
    const bindings = condBindings(file);
    if (bindings.size === 0) return;
    const waits = condLoops(file, ctx.package).filter((w) => bindings.has(w.cond));
    if (waits.length === 0) return;
    // Whether a waiter holds the cond's own mutex takes the lock analysis of its function: asked
    // only for a wait that a function in focus writes the condition of, once per review.
    const holds = new Map<CondLoop, boolean>();
    const waiterHoldsLocker = (w: CondLoop) => {
      let held = holds.get(w);
      if (held === undefined) holds.set(w, (held = waiterHolds(file, ctx.package, w, bindings.get(w.cond)!.locker)));
      return held;
    };
    const reported = new Set<number>();
    const inFocus = condFocus(file, ctx.inFocus, waits);
    for (const fn of file.functions) {
      if (fn.kind === 'literal' || !fn.body || !inFocus(fn.node)) continue;
      for (const w of waits) {
        if (w.fn.node.id === fn.node.id || waitsOn(file, ctx.package, fn, w.cond)) continue;
        const writes = wakingWrites(file, fn, w);
        if (writes.length === 0 || !waiterHoldsLocker(w)) continue;
        const binding = bindings.get(w.cond)!;
        const locker = binding.locker;
        for (const write of writes) {
          if (reported.has(write.node.id)) continue;
          const other = otherLockAt(file, ctx.package, write.node, locker);
          if (!other || callersHoldLocker(ctx.package, fn, locker)) continue;
          reported.add(write.node.id);
          const waiter = w.fn.name ? `\`${w.fn.name}\`` : `the waiter at line ${lineOf(w.wait)}`;
          const lockerText = spell(locker, other.text);
          ctx.report({
            node: write.node,
            message: `\`${quote(write.node, 28)}\` runs under \`${other.text}\`, not \`${lockerText}\` that ${waiter} waits with: it can miss the wakeup and sleep forever`,
            related: [
              { span: { start: w.wait.startIndex, end: w.wait.endIndex }, message: `waits holding \`${lockerText}\`, the cond's lock` },
              { span: { start: other.node.startIndex, end: other.node.endIndex }, message: `\`${other.text}\` is locked here, not \`${lockerText}\`` },
              // Where the cond gets its mutex: the finding depends on that declaration too.
              { span: { start: binding.at.startIndex, end: binding.at.endIndex }, message: `the cond's lock is \`${lockerText}\`, given here` },
            ],
            steps: [
              `A goroutine in ${waiter} holds \`${lockerText}\`, checks \`${quote(w.loopCond, 32)}\` (line ${lineOf(w.loopCond)}) and is about to sleep in \`${quote(w.wait)}\`.`,
              `\`${fn.name}\` holds \`${other.text}\` instead, runs \`${quote(write.node, 32)}\` (line ${lineOf(write.node)}) and wakes the cond while nobody is asleep yet.`,
              'The waiter then sleeps for a change that has already happened, and nothing wakes it again.',
            ],
          });
        }
      }
    }
  },
};

/** The held-lock analysis of the function a node is in (a literal on its own). */
function locksAround(file: FileFacts, view: PackageView, node: Node): { fn: FuncInfo; locks: FuncLocks } | undefined {
  const fn = file.functionOf(node);
  const locks = fn ? funcLocks(file, view, fn) : undefined;
  return fn && locks ? { fn, locks } : undefined;
}

function typedKey(fn: FuncInfo, key: string): string | undefined {
  return typedTarget({ params: fn.params.map((p) => p.type) }, key);
}

/** The waiter holds the cond's mutex where it waits, as the model sees it: otherwise the locker is not what it seems. */
function waiterHolds(file: FileFacts, view: PackageView, w: CondLoop, locker: string): boolean {
  const found = locksAround(file, view, w.wait);
  const site = found?.locks.sites.find((s) => s.ev.k === 'block' && s.ev.what === 'Cond.Wait' && s.ev.node.id === w.wait.id);
  return !!site && [...site.held.keys()].some((k) => typedKey(found!.fn, k) === locker);
}

/** A mutex other than the cond's held at the write, when the cond's own is not held there. */
function otherLockAt(file: FileFacts, view: PackageView, write: Node, locker: string): { text: string; node: Node } | undefined {
  const found = locksAround(file, view, write);
  const site = found?.locks.sites.find((s) => s.ev.k === 'assign' && s.ev.node.id === write.id);
  if (!site || site.held.size === 0) return undefined;
  const held = [...site.held.entries()].map(([k, h]) => ({ typed: typedKey(found!.fn, k), h }));
  // A mutex the model cannot name might be the cond's own (an alias, a parameter): stay silent.
  if (held.some((x) => x.typed === undefined || x.typed === locker)) return undefined;
  return { text: held[0].h.text, node: held[0].h.node };
}

/** Every caller in the package holds the cond's mutex around the call. */
function callersHoldLocker(view: PackageView, fn: FuncInfo, locker: string): boolean {
  const key = funcKey(fn);
  if (!key) return true;
  return callersHold(view, key, (f, t) => typedTarget(f, t) ?? t).has(locker);
}

/** `Queue.mu` as the user spells it next to `q.other`: `q.mu`. */
function spell(locker: string, besideText: string): string {
  const dot = locker.indexOf('.');
  if (locker.startsWith('var:')) return locker.slice(4);
  const base = besideText.includes('.') ? besideText.slice(0, besideText.indexOf('.')) : undefined;
  return dot > 0 && base ? `${base}${locker.slice(dot)}` : locker.slice(dot + 1);
}
