import { heldAtOp, opWhere } from '../model/locks';
import { typedTarget, type FuncSummary, type Op, type PackageView } from '../model/package';
import type { Related, Rule } from '../findings/rule';
import { excerpt } from '../syntax/nodes';

export const rule: Rule = {
  id: 'keyed-lock-deadlock',
  title: 'Per-key lock taken while holding the lock its release needs',
  severity: 'warning',
  severityInTests: 'info',
  category: 'mutex',
  docs: {
    summary:
      'A mutex taken out of a map or slice field (`k.locks[key]`) is locked while the lock guarding that map is held, and the code that unlocks the per-key mutex has to take the map\'s lock first: one goroutine waits for the key while holding the map, the key\'s holder waits for the map.',
    why:
      'Per-key locking usually keeps a map of mutexes behind one guard: `Lock(key)` takes the guard, finds or creates the key\'s mutex, ' +
      'and locks it; `Unlock(key)` takes the guard again to find the mutex and unlock it. When `Lock(key)` locks the key\'s mutex before ' +
      'it lets go of the guard, a second caller for a key that is already held blocks on the key with the guard still taken. The first ' +
      'caller, done with its work, calls `Unlock(key)` and blocks on the guard. Neither can move, and every other key is stuck behind the ' +
      'guard too. Release the guard before waiting for the key (keep a reference count so the entry is not deleted meanwhile).',
    interleaving: [
      'Goroutine A calls `Lock("x")`: it takes `k.mu`, locks the mutex of "x", releases `k.mu`, and works.',
      'Goroutine B calls `Lock("x")`: it takes `k.mu` and waits for the mutex of "x", still holding `k.mu`.',
      'A calls `Unlock("x")`, which waits for `k.mu` to find the mutex of "x": B waits for A, A waits for B, forever.',
    ],
    bad: `func (k *KeyLocks) Lock(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	l, ok := k.locks[key]
	if !ok {
		l = &sync.Mutex{}
		k.locks[key] = l
	}
	l.Lock() // waits for the key while holding k.mu
}

func (k *KeyLocks) Unlock(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.locks[key].Unlock()
}`,
    good: `func (k *KeyLocks) Lock(key string) {
	k.mu.Lock()
	l, ok := k.locks[key]
	if !ok {
		l = &sync.Mutex{}
		k.locks[key] = l
	}
	k.mu.Unlock()
	l.Lock() // the guard is free while this waits
}`,
  },
  check(ctx) {
    const file = ctx.file;
    if (!file.text.includes('Lock()') || !file.text.includes('[')) return;
    const view = ctx.package;
    const own = view.files.find((f) => f.fileName === file.fileName);
    if (!own) return;
    for (const fn of own.functions) {
      for (const op of fn.ops) {
        if ((op.kind !== 'Lock' && op.kind !== 'RLock') || !op.target.endsWith('[]') || op.context !== undefined || op.deferred) continue;
        const element = typedTarget(fn, op.target);
        if (!element) continue;
        const held = named(fn, heldAtOp(view, fn, op));
        if (held.size === 0) continue;
        const release = releaseNeeding(view, element, held);
        if (!release) continue;
        const guard = held.get(release.guard)!;
        const text = excerpt(file.text.slice(op.start, op.end), 32);
        const guardText = spelled(file.text, guard.op);
        const related: Related[] = [{ span: { start: guard.op.start, end: guard.op.end }, message: `\`${guardText}\` is held from here while the per-key lock waits` }];
        if (release.fn.file === file.fileName) {
          related.push({ span: { start: release.lock.start, end: release.lock.end }, message: `\`${release.fn.name}\` takes the same lock first` });
          related.push({ span: { start: release.unlock.start, end: release.unlock.end }, message: 'before it can release the per-key lock here' });
        }
        const where = opWhere(file, { op: release.unlock, fn: release.fn });
        ctx.report({
          span: { start: op.start, end: op.end },
          message:
            `\`${text}\` waits for the key while holding \`${guardText}\`, which \`${release.fn.name}\` needs to release it` +
            `${release.fn.file === file.fileName ? '' : ` (${where})`}: deadlock`,
          related,
          steps: [
            `One goroutine holds the key's mutex and, done, calls \`${release.fn.name}\`, which must lock \`${guardText}\` before it unlocks the key (${where}).`,
            `Meanwhile \`${fn.name}\` locked \`${guardText}\` (line ${guard.op.line}) and waits at \`${text}\` (line ${op.line}) for that same key.`,
            `Each waits for the other: both block forever, and every goroutine that needs \`${guardText}\` piles up behind them.`,
          ],
        });
      }
    }
  },
};

type HeldMap = Map<string, { mode: 'r' | 'w'; op: Op }>;

/** Held locks keyed by their type's names (`KeyLocks.mu`), so that different functions compare. */
function named(fn: FuncSummary, held: ReturnType<typeof heldAtOp>): HeldMap {
  const out: HeldMap = new Map();
  for (const [k, h] of held) {
    const t = typedTarget(fn, k);
    if (t) out.set(t, h);
  }
  return out;
}

/**
 * A function that unlocks an element of the same field after taking one of the locks `held`
 * names (in write mode on at least one side), while the key may be held without that lock: the
 * key was locked by an earlier call, or here before the guard was taken, or the guard was let go
 * in between. A key locked and unlocked inside one unbroken hold of the guard is never waited for
 * by a holder of the key.
 */
function releaseNeeding(view: PackageView, element: string, held: HeldMap): Release | undefined {
  const isLock = (o: Op) => o.kind === 'Lock' || o.kind === 'RLock';
  const isUnlock = (o: Op) => o.kind === 'Unlock' || o.kind === 'RUnlock';
  for (const g of view.functions) {
    const ops = g.ops.filter((o) => o.context === undefined && !o.deferred);
    for (let i = 0; i < ops.length; i++) {
      const u = ops[i];
      if (!isUnlock(u) || typedTarget(g, u.target) !== element) continue;
      let keyAt = -1;
      for (let j = i - 1; j >= 0 && keyAt < 0; j--) if (isLock(ops[j]) && typedTarget(g, ops[j].target) === element) keyAt = j;
      const since = ops.slice(keyAt + 1, i);
      for (const [k, mine] of held) {
        const on = (o: Op) => typedTarget(g, o.target) === k;
        // Taken and given back inside one hold of the guard: nobody holds this key without it.
        if (keyAt >= 0 && named(g, heldAtOp(view, g, ops[keyAt])).has(k) && !since.some((o) => isUnlock(o) && on(o))) continue;
        const take = since.find((o) => isLock(o) && !o.guarded && on(o));
        if (take && (mine.mode === 'w' || take.kind === 'Lock')) return { fn: g, guard: k, lock: take, unlock: u };
      }
    }
  }
  return undefined;
}

interface Release {
  fn: FuncSummary;
  guard: string;
  lock: Op;
  unlock: Op;
}

/** The mutex as the code spells it at a Lock op: `k.mu` for `k.mu.Lock()`. */
function spelled(text: string, op: Op): string {
  return text.slice(op.start, op.end).replace(/\.\s*R?Lock\(\)\s*$/, '');
}
