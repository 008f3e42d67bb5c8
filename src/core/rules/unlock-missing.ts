import { deleteStatement, insertLinesAfter } from '../findings/edits';
import { escapingUses, type FileFacts, type FuncInfo } from '../model/facts';
import { fileLocks, flatten, lockEffect, mapTarget, ownerKey, type FlatOp, type Exit, type FuncLocks, type Held, type LockEvent, type Mode, type Site } from '../model/locks';
import { caseStatements, terminates } from '../model/flow';
import { funcKey, type FuncSummary, type PackageView } from '../model/package';
import type { Node } from '../syntax/parser';
import type { Fix, Related, Rule } from '../findings/rule';
import { blockStatements, callParts, descendants, docComment, jumpTarget, lineOf, previousStatement, quote, unparen } from '../syntax/nodes';

/** Names and doc comments of functions that return with the lock held on purpose. */
const HANDOFF_NAME = /lock|acquire|grab|hold|enter|begin|claim|reserve|take/i;
const HANDOFF_DOC = /\b(lock|locks|locked|held|holds|holding|unlock|unlocks)\b/i;

/** The calls that take a mutex. */
const LOCKS = new Set(['Lock', 'RLock', 'TryLock', 'TryRLock']);

export const rule: Rule = {
  id: 'unlock-missing',
  title: 'Mutex left locked on a return path',
  severity: 'warning',
  category: 'mutex',
  docs: {
    summary:
      'A function locks a `sync.Mutex` or `sync.RWMutex` and returns, on some path, without unlocking it: the next goroutine that locks it waits forever.',
    why:
      'A mutex stays locked until someone calls `Unlock`; nothing releases it when the function that locked it returns. An early ' +
      '`return` added between `Lock` and `Unlock` (an error check, a cache hit) is the usual culprit, and it passes tests because ' +
      'the early path is rare. The first goroutine that takes that path leaves the mutex locked; every later caller blocks for good, ' +
      'and the program hangs without any error. `defer mu.Unlock()` right after `mu.Lock()` releases the lock on every path, panics included.',
    interleaving: [
      'A goroutine locks the mutex and then takes an early `return` that skips the `Unlock`.',
      'The function has returned, but the mutex is still locked and nobody owns the job of unlocking it.',
      'The next goroutine that calls `Lock` blocks forever, and so does every one after it.',
    ],
    bad: `func (s *Sessions) Touch(id string) error {
	s.mu.Lock()
	sess, ok := s.byID[id]
	if !ok {
		return errNotFound // s.mu stays locked
	}
	sess.lastSeen = time.Now()
	s.mu.Unlock()
	return nil
}`,
    good: `func (s *Sessions) Touch(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byID[id]
	if !ok {
		return errNotFound
	}
	sess.lastSeen = time.Now()
	return nil
}`,
    fixes:
      '**Unlock with `defer` right after locking** adds `defer mu.Unlock()` under the `Lock` call and removes the explicit `Unlock` calls. ' +
      'It is offered only when the lock is taken at the top level of the function and every existing `Unlock` sits just before a `return` ' +
      'or at the end of the function, and no `return` after the lock calls a function: the critical section already ran to the end of the function.',
  },
  check(ctx) {
    const file = ctx.file;
    const view = ctx.package;
    for (const fl of fileLocks(file, view, ctx.inFocus)) {
      const fixed = new Set<string>();
      const reportedLocks = new Set<number>();
      for (const exit of fl.exits) {
        for (const h of exit.held.values()) {
          if (h.via || exit.deferred.has(h.key) || exit.deferred.has('*') || fl.escaped.has(h.key)) continue;
          if (escapingLocal(fl.fn, h.key) || underCallersLock(fl, h.key) || returnsUnlocker(view, exit.node)) continue;
          // An acquire helper: unlocks on its early (failure) paths, returns holding the lock at its end,
          // released by another function, or returned with the value that holds it (frp's
          // `lockCurrentRun` locks `runMu := entry.runMu` and returns `entry`).
          if (finalExit(fl, exit) && (unlockedElsewhere(view, fl.fn, h.key, h.mode, true) || returnsHolder(file, h.key, exit.node))) continue;
          // Reached only when a switch over an unexported enum matches none of its constants.
          if (exit.node && afterCoveringSwitch(ctx.file, fl.fn, exit.node)) continue;
          // A helper that returns holding the lock on success, which every caller then releases
          // itself (seaweedfs' `ensureLdbLoaded`: Get, Put and Delete `defer RUnlock()` after it).
          if (callersRelease(view, fl.fn, h)) continue;
          const unlocks = releasesOf(fl, h.key);
          if (unlocks.length === 0) {
            // Case B: never unlocked here. Report once per lock, unless the lock is handed to the caller.
            if (reportedLocks.has(h.node.id) || handsOff(view, fl.fn, h)) continue;
            reportedLocks.add(h.node.id);
            const name = fl.fn.name!;
            ctx.report({
              node: h.node,
              message: `\`${quote(h.node, 32)}\` is never unlocked: \`${name}\` returns with it held, so the next \`${lockName(h)}\` blocks forever`,
              related: exit.node ? [{ span: span(exit.node), message: `returns here with \`${h.text}\` locked` }] : [],
              steps: [
                `Line ${lineOf(h.node)}: \`${quote(h.node)}\` locks \`${h.text}\`.`,
                `\`${name}\` returns${exit.node ? ` at line ${lineOf(exit.node)}` : ''}; nothing in it unlocks \`${h.text}\`, and no caller in the package unlocks it for it.`,
                `The next call of \`${name}\` (or any other code that locks \`${h.text}\`) waits forever.`,
              ],
              fixes: fixFor(file, fl, h, fixed),
            });
            continue;
          }
          // Case A: other paths unlock, this one does not.
          const others = unlocks.map((u) => lineOf(u.ev.node));
          const otherText = `the other paths unlock it (line${others.length > 1 ? 's' : ''} ${[...new Set(others)].join(', ')})`;
          const related: Related[] = [
            { span: span(h.node), message: `\`${h.text}\` is locked here` },
            ...unlocks.slice(0, 3).map((u) => ({ span: span(u.ev.node), message: 'unlocked here on other paths' })),
          ];
          const fnName = fl.fn.name ? `\`${fl.fn.name}\`` : 'the function';
          if (exit.node) {
            ctx.report({
              node: exit.node,
              message: `\`${quote(exit.node, 32)}\` leaves \`${h.text}\` locked, which the other paths unlock`,
              related,
              steps: [
                `Line ${lineOf(h.node)}: \`${quote(h.node)}\` locks \`${h.text}\`.`,
                `The path to line ${lineOf(exit.node)} returns without reaching an unlock; ${otherText}.`,
                `${fnName} has returned with \`${h.text}\` locked: the next goroutine that locks it blocks forever.`,
              ],
              fixes: fixFor(file, fl, h, fixed),
            });
          } else if (!reportedLocks.has(h.node.id)) {
            reportedLocks.add(h.node.id);
            ctx.report({
              node: h.node,
              message: `\`${quote(h.node, 32)}\` is still held at the end of ${fnName}, though the other paths unlock it`,
              related,
              steps: [
                `Line ${lineOf(h.node)}: \`${quote(h.node)}\` locks \`${h.text}\`.`,
                `One path runs to the end of ${fnName} without an unlock; ${otherText}.`,
                `The next goroutine that locks \`${h.text}\` blocks forever.`,
              ],
              fixes: fixFor(file, fl, h, fixed),
            });
          }
        }
      }
      reportContinues(ctx, fl);
    }
  },
};

/**
 * The return comes right after a switch on a parameter of an unexported named type whose cases
 * cover every constant the file declares of that type, and every case leaves the function: only
 * a value no one can name in the package reaches it (rocketmq's offset store: `switch t` over the
 * three `readType` constants, each case unlocking and returning; the `return` after the switch is
 * for a default that cannot happen).
 */
function afterCoveringSwitch(file: FileFacts, fn: FuncInfo, ret: Node): boolean {
  const prev = previousStatement(ret);
  if (prev?.type !== 'expression_switch_statement' || prev.childForFieldName('initializer')) return false;
  const tag = prev.childForFieldName('value');
  const param = tag?.type === 'identifier' ? fn.params.find((p) => p.name === tag.text) : undefined;
  if (!param || !/^[a-z_]\w*$/.test(param.type) || file.lookup(tag!.text, tag!)?.param !== param) return false;
  const cases = prev.namedChildren.filter((c) => c.type === 'expression_case' || c.type === 'default_case');
  const covered = new Set<string>();
  for (const c of cases) {
    const body = caseStatements(c);
    const last = body.at(-1);
    if (c.type === 'default_case') {
      if (body.length > 0) return false;
      continue;
    }
    // A case that falls through to the next leaves through it.
    if (!last || (!terminates(last) && last.type !== 'fallthrough_statement')) return false;
    for (const v of c.childForFieldName('value')?.namedChildren ?? []) covered.add(v.text);
  }
  const constants = enumConstants(file, param.type);
  return constants.length > 0 && constants.every((k) => covered.has(k));
}

/** The constants a file declares of a named type: `const ( a T = iota; b; c )`, `const d T = 4`. */
function enumConstants(file: FileFacts, type: string): string[] {
  const out: string[] = [];
  for (const decl of descendants(file.root, 'const_declaration')) {
    let current: string | undefined;
    for (const spec of decl.namedChildren.filter((c) => c.type === 'const_spec')) {
      const t = spec.childForFieldName('type')?.text;
      const hasValue = spec.childForFieldName('value') !== null;
      if (t !== undefined || hasValue) current = t;
      if (current !== type) continue;
      for (const name of spec.childrenForFieldName('name')) if (name && name.text !== '_') out.push(name.text);
    }
  }
  return out;
}

/** The exit is the end of the body or its last top-level statement (the success path of an acquire helper). */
function finalExit(fl: FuncLocks, exit: Exit): boolean {
  if (!exit.node) return true;
  const top = blockStatements(fl.fn.body!);
  return top.length > 0 && top[top.length - 1].id === exit.node.id;
}

/**
 * `continue` with the mutex still locked, when the lock is taken inside that loop and the loop
 * body unlocks it on the other paths: the next iteration locks it again and blocks forever.
 */
function reportContinues(ctx: Parameters<Rule['check']>[0], fl: FuncLocks): void {
  for (const c of fl.continues) {
    const stmt = c.node!;
    const loop = jumpTarget(stmt);
    const body = loop?.childForFieldName('body');
    if (!body) continue;
    const inside = (n: Node) => n.startIndex >= body.startIndex && n.endIndex <= body.endIndex;
    for (const h of c.held.values()) {
      if (h.via || h.mode !== 'w' || !inside(h.node) || c.deferred.has(h.key) || c.deferred.has('*') || fl.escaped.has(h.key)) continue;
      if (escapingLocal(fl.fn, h.key) || underCallersLock(fl, h.key)) continue;
      // The next iteration must reach the Lock again with the mutex still held: a loop whose
      // invariant is "locked at the head" unlocks before it relocks (grpc-go's withRetry).
      if (!fl.reachesUnreleased(stmt, h.node, h.key)) continue;
      const unlocks = releasesOf(fl, h.key).filter((u) => u.ev.k === 'unlock' && inside(u.ev.node));
      if (unlocks.length === 0) continue;
      const lines = [...new Set(unlocks.map((u) => lineOf(u.ev.node)))];
      const otherText = `the other paths of the loop unlock it (line${lines.length > 1 ? 's' : ''} ${lines.join(', ')})`;
      ctx.report({
        node: stmt,
        message: `\`${quote(stmt, 24)}\` leaves \`${h.text}\` locked: the next iteration locks it again and blocks forever`,
        related: [
          { span: span(h.node), message: `\`${h.text}\` is locked here, on every iteration` },
          ...unlocks.slice(0, 3).map((u) => ({ span: span(u.ev.node), message: 'unlocked here on other paths' })),
        ],
        steps: [
          `Line ${lineOf(h.node)}: \`${quote(h.node)}\` locks \`${h.text}\`.`,
          `Line ${lineOf(stmt)}: \`${quote(stmt)}\` jumps to the next iteration without reaching an unlock; ${otherText}.`,
          `The next iteration runs \`${quote(h.node)}\` again while the same goroutine holds \`${h.text}\`: it blocks forever, and so does every other goroutine that locks it.`,
        ],
      });
    }
  }
}

function span(n: Node) {
  return { start: n.startIndex, end: n.endIndex };
}

function lockName(h: Held): string {
  return h.mode === 'r' ? 'RLock' : 'Lock';
}

/** The events of the function that release `key`: Unlock calls, calls that unlock it, code that unlocks it later. */
function releasesOf(fl: FuncLocks, key: string): Site[] {
  return fl.sites.filter((s) => {
    const ev = s.ev;
    if (ev.k === 'unlock') return ev.key === key;
    if (ev.k === 'release') return ev.keys.includes(key);
    if (ev.k === 'call') return lockEffect(ev.ops, key).releases;
    return false;
  });
}

/**
 * The function unlocks the mutex somewhere it has not locked it itself: it runs under its
 * caller's lock and drops it for a while (`mu.Unlock(); slow(); mu.Lock()`), so returning with
 * it locked is the contract.
 */
function underCallersLock(fl: FuncLocks, key: string): boolean {
  return fl.sites.some((s) => s.ev.k === 'unlock' && s.ev.key === key && !s.held.has(key));
}

/** `return x, tx.release, nil`: the return hands over a function that unlocks the mutex (a method value or a literal). */
function returnsUnlocker(view: PackageView, ret: Node | undefined): boolean {
  if (!ret) return false;
  for (const n of descendants(ret, new Set(['func_literal', 'selector_expression']))) {
    if (n.type === 'func_literal') return true;
    const isCallee = n.parent?.type === 'call_expression' && n.parent.childForFieldName('function')?.id === n.id;
    const name = n.childForFieldName('field')?.text;
    if (isCallee || !name) continue;
    for (const f of view.functions) {
      if (f.name === name && f.receiverType && flatten(view, f.key).some((o) => o.mutex && (o.what === 'Unlock' || o.what === 'RUnlock'))) return true;
    }
  }
  return false;
}

/** A local mutex that leaves the function (returned, captured, stored) may be unlocked elsewhere. */
function escapingLocal(fn: FuncInfo, key: string): boolean {
  if (!key.startsWith('local:')) return false;
  const head = key.slice(6).split('.')[0];
  return fn.body !== undefined && escapingUses(fn.body, head).length > 0;
}

/**
 * The locked mutex is a local copy of a field of a value the return hands back (`runMu :=
 * entry.runMu; runMu.Lock(); ...; return entry, true`): the caller gets the lock with the value.
 */
function returnsHolder(file: FileFacts, key: string, ret: Node | undefined): boolean {
  if (!ret || !key.startsWith('local:')) return false;
  const init = file.lookup(key.slice(6).split('.')[0], ret)?.decl?.init;
  let root = init ? unparen(init) : undefined;
  if (root?.type !== 'selector_expression') return false;
  while (root.type === 'selector_expression') root = unparen(root.childForFieldName('operand')!);
  return root.type === 'identifier' && descendants(ret, 'identifier').some((id) => id.text === root!.text);
}

/**
 * True when the function evidently returns with the lock held on purpose: a literal (a callback
 * whose contract we cannot see), a lock reached through a parameter (the caller's mutex), a name
 * or doc comment that says so, a function result (an unlock function), or a caller in the package
 * that unlocks the same mutex itself.
 */
function handsOff(view: PackageView, fn: FuncInfo, h: Held): boolean {
  if (fn.kind === 'literal' || !fn.name || h.key.startsWith('param')) return true;
  if (HANDOFF_NAME.test(fn.name) || HANDOFF_DOC.test(docComment(fn.node))) return true;
  if (fn.results.some((r) => r.startsWith('func'))) return true;
  if (unlockedElsewhere(view, fn, h.key, h.mode, false)) return true;
  const key = funcKey(fn);
  const self = key ? view.func(key) : undefined;
  if (!self) return false;
  for (const g of view.functions) {
    for (const op of g.ops) {
      if (op.kind !== 'call' || op.target !== self.key) continue;
      const mapped = mapTarget(view, h.key, self, op);
      if (mapped && flatten(view, g.key).some((f) => f.target === mapped && f.mutex && (f.what === 'Unlock' || f.what === 'RUnlock'))) return true;
    }
  }
  return false;
}

/**
 * `fn` is called in the package, and every function that calls it releases the mutex (in its
 * mode) with an unlock of its own, deferred or not: the lock `fn` returns holding is theirs to
 * release.
 */
function callersRelease(view: PackageView, fn: FuncInfo, h: Held): boolean {
  const key = fn.kind === 'literal' ? undefined : funcKey(fn);
  const self = key ? view.func(key) : undefined;
  if (!self || h.key.startsWith('local:')) return false;
  const release = h.mode === 'r' ? 'RUnlock' : 'Unlock';
  let callers = 0;
  for (const g of view.callers(self.key)) {
    if (g.key === self.key) continue;
    for (const op of g.ops) {
      if (op.kind !== 'call' || op.target !== self.key || op.context !== undefined) continue;
      callers++;
      const mapped = mapTarget(view, h.key, self, op);
      if (!mapped || !flatten(view, g.key).some((f) => f.chain.length === 1 && !f.context && f.target === mapped && f.what === release)) return false;
    }
  }
  return callers > 0;
}

/**
 * An acquire helper and its release: another function of the package unlocks the same mutex
 * without locking it first (`Commit` unlocks `tx.db.rwlock`, the `db.rwlock` that `beginRW`
 * returns holding). Targets are compared as written and by the struct type owning the mutex.
 * With `strict`, a helper called by a function that locks the mutex itself (`mu.Lock(); ...
 * unlockAndLog()`) is that function's unlock, not a release for an acquire helper. The release
 * must match the lock's mode.
 */
function unlockedElsewhere(view: PackageView, fn: FuncInfo, key: string, mode: Mode, strict: boolean): boolean {
  if (key.startsWith('local:')) return false;
  const selfKey = funcKey(fn);
  const self = selfKey ? view.func(selfKey) : undefined;
  const owner = ownerKey(view, self, key);
  const same = (g: FuncSummary, f: FlatOp) => f.target !== undefined && (f.target === key || (owner !== undefined && ownerKey(view, g, f.target) === owner));
  for (const g of view.functions) {
    // A TryLock: g locks in a way the summary does not show.
    if (g.key === selfKey || g.ops.some((op) => op.kind === 'TryLock')) continue;
    // A goroutine of g counts: a worker that takes the task, and with it the lock, from a queue
    // (mc's parallel manager: `doQueueTask` locks and queues, the worker unlocks after the task).
    const ops = flatten(view, g.key).filter((f) => (!f.context || f.site.context === 'goroutine') && f.mutex && same(g, f));
    // The release must match the mode: a read lock is handed to an RUnlock, a write lock to an
    // Unlock, and come before g locks the mutex itself (a release of the other mode may come first:
    // the worker's `if t.barrier { Unlock() } else { RUnlock() }`).
    const release = mode === 'r' ? 'RUnlock' : 'Unlock';
    const first = ops.find((f) => f.what === release || LOCKS.has(f.what));
    if (!first || first.what !== release) continue;
    // A deferred unlock first is the release only when g never locks the mutex at all (fabric's
    // `queryExecutor.Done` releases, in a deferred literal, the read lock `NewQueryExecutor` returned
    // holding); otherwise g locks it in a way the summary does not show.
    if (first.deferred && ops.some((f) => LOCKS.has(f.what))) continue;
    const lockingCaller = strict && [...view.functions].some(
      (c) =>
        c.ops.some((op) => op.kind === 'call' && op.target === g.key) &&
        flatten(view, c.key).some((f) => f.chain.length === 1 && !f.context && (f.what === 'Lock' || f.what === 'RLock') && same(c, f)),
    );
    if (!strict || !lockingCaller) return true;
  }
  return false;
}

/**
 * `defer mu.Unlock()` after the lock, removing the explicit unlocks, when that cannot change
 * which code runs under the lock except the `return` expressions: the lock is a top-level
 * statement taken once, every unlock is a plain statement just before a `return` (or the last
 * statement of the body), no other defer follows, and nothing else releases the mutex.
 */
function fixFor(file: FileFacts, fl: FuncLocks, h: Held, fixed: Set<string>): Fix[] {
  if (fixed.has(h.key)) return [];
  fixed.add(h.key);
  const body = fl.fn.body!;
  const top = blockStatements(body);
  const lockStmt = h.node.parent;
  if (lockStmt?.type !== 'expression_statement' || !top.some((s) => s.id === lockStmt.id)) return [];
  const events = fl.sites.map((s) => s.ev);
  const locks = events.filter((e): e is Extract<LockEvent, { k: 'lock' }> => e.k === 'lock' && e.key === h.key);
  if (locks.length !== 1 || locks[0].node.id !== h.node.id) return [];
  const unlockName = h.mode === 'r' ? 'RUnlock' : 'Unlock';
  const edits = [];
  for (const s of releasesOf(fl, h.key)) {
    const ev = s.ev;
    if (ev.k !== 'unlock' || !ev.node.text.endsWith(`.${unlockName}()`)) return [];
    const stmt = ev.node.parent;
    if (stmt?.type !== 'expression_statement' || ev.node.startIndex < h.node.startIndex) return [];
    const next = stmt.nextNamedSibling;
    const lastOfBody = top.length > 0 && top[top.length - 1].id === stmt.id;
    if (!(next?.type === 'return_statement' || (lastOfBody && !next))) return [];
    const del = deleteStatement(file.source, stmt);
    if (!del) return [];
    edits.push(del);
  }
  // Another unlock of a mutex of the same name that the analysis did not tie to this one (through
  // an alias it could not resolve): a deferred unlock on top of it would unlock twice, which Go
  // cannot recover from.
  const field = h.text.slice(h.text.lastIndexOf('.') + 1);
  const strays = descendants(body, 'call_expression').filter((c) => {
    const parts = callParts(c);
    if (parts?.name !== unlockName && parts?.name !== 'Unlock' && parts?.name !== 'RUnlock') return false;
    const recv = parts.receiverNode?.text ?? '';
    return (recv === field || recv.endsWith('.' + field)) && !releasesOf(fl, h.key).some((r) => r.ev.node.id === c.id);
  });
  if (strays.length > 0) return [];
  const after = (n: Node) => n.startIndex > h.node.endIndex;
  if (descendants(body, 'defer_statement', true).some(after)) return [];
  // Returns after the lock now run under it: none may lock the mutex again.
  // A return that calls something would now call it under the lock: the critical section did not run to the end.
  const returns = descendants(body, 'return_statement', true).filter(after);
  if (returns.some((r) => descendants(r, 'call_expression').length > 0)) return [];
  const insert = insertLinesAfter(file.source, lockStmt, [`defer ${h.text}.${unlockName}()`]);
  if (!insert) return [];
  return [{ title: `Unlock \`${h.text}\` with \`defer\` right after locking it`, edits: [insert, ...edits], safe: true }];
}
