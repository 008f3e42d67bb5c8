import { isCondValue, type FileFacts, type FuncInfo } from '../model/facts';
import { flatten, localTypeName, mapTarget } from '../model/locks';
import { calleeKey, funcKey, normaliseTarget, typedTarget, type PackageView } from '../model/package';
import type { Node } from '../syntax/parser';
import type { Fix, Rule } from '../findings/rule';
import { eol, indentAt, standsAlone } from '../findings/edits';
import { callArgs, callParts, descendants, lineOf, quote, unparen, whileCondition } from '../syntax/nodes';

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
    for (const fn of file.functions) {
      if (fn.kind === 'literal' || !fn.body) continue;
      for (const w of waits) {
        if (w.fn.node.id === fn.node.id || waitsOn(file, ctx.package, fn, w.cond)) continue;
        const writes = wakingWrites(file, fn, w).filter((x) => !reported.has(x.node.id));
        if (writes.length === 0 || signals(file, ctx.package, fn, w.cond) || callersSignal(ctx.package, fn, w.cond)) continue;
        for (const write of writes) {
          reported.add(write.node.id);
          const waiter = w.fn.name ? `\`${w.fn.name}\`` : `the function at line ${lineOf(w.fn.node)}`;
          ctx.report({
            node: write.node,
            message: `\`${quote(write.node, 32)}\` lets ${waiter} stop waiting (\`${quote(w.loopCond, 32)}\`, line ${lineOf(w.wait)}), but \`${fn.name}\` never wakes it with Signal or Broadcast`,
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

interface CondLoop {
  fn: FuncInfo;
  /** The `X.Wait()` call. */
  wait: Node;
  /** The cond as a typed target (`Queue.cond`). */
  cond: string;
  loopCond: Node;
  /** What lets the waiter go on, by field (`Queue.closed`): the kind of write that does it. */
  needs: Map<string, Need>;
}

type Need = 'true' | 'false' | 'grow' | 'up' | 'down';

function typed(file: FileFacts, fn: FuncInfo, expr: Node, at: Node): string | undefined {
  const t = normaliseTarget(file, expr, at);
  return t ? typedTarget({ params: fn.params.map((p) => p.type) }, t) : undefined;
}

/**
 * The cond a method call's receiver stands for, as a typed target: `Queue.cond` for `q.cond`, and
 * `window.Cond` for `w` whose struct embeds a `sync.Cond` (`w.Wait()`, `w.Broadcast()`).
 */
function condTarget(file: FileFacts, view: PackageView, fn: FuncInfo, recv: Node, at: Node): string | undefined {
  if (isCondValue(file, recv)) return typed(file, fn, recv, at);
  const name = localTypeName(file.typeOf(recv));
  const embedded = name ? view.struct(name)?.['Cond'] : undefined;
  const t = embedded && /^\*?sync\.Cond$/.test(embedded) ? typed(file, fn, recv, at) : undefined;
  return t ? `${t}.Cond` : undefined;
}

/** The function a node is in, declarations only (a literal counts as its declaration). */
function outerFunction(file: FileFacts, node: Node): FuncInfo | undefined {
  let fn = file.functionOf(node);
  while (fn?.kind === 'literal') fn = file.functionOf(fn.node);
  return fn;
}

/** `for cond { ... x.c.Wait() ... }` loops of the file whose condition tests fields of a struct. */
function condLoops(file: FileFacts, view: PackageView): CondLoop[] {
  const out: CondLoop[] = [];
  for (const call of descendants(file.root, 'call_expression')) {
    const parts = callParts(call);
    if (parts?.name !== 'Wait' || !parts.receiverNode || callArgs(call).length > 0) continue;
    let loop: Node | null = call.parent;
    while (loop && loop.type !== 'for_statement' && loop.type !== 'func_literal' && loop.type !== 'function_declaration' && loop.type !== 'method_declaration') loop = loop.parent;
    const loopCond = loop?.type === 'for_statement' ? whileCondition(loop) : undefined;
    const fn = outerFunction(file, call);
    if (!loopCond || !fn) continue;
    const cond = condTarget(file, view, fn, parts.receiverNode, call);
    if (!cond) continue;
    const needs = new Map<string, Need>();
    collectNeeds(file, fn, loopCond, needs);
    if (needs.size > 0) out.push({ fn, wait: call, cond, loopCond, needs });
  }
  return out;
}

/** What makes each atom of a wait loop's condition false (the waiter may go on). */
function collectNeeds(file: FileFacts, fn: FuncInfo, cond: Node, needs: Map<string, Need>): void {
  const c = unparen(cond);
  const field = (x: Node | null | undefined) => (x && unparen(x).type === 'selector_expression' ? typed(file, fn, unparen(x), x) : undefined);
  const lenOf = (x: Node | null | undefined) => {
    const n = x ? unparen(x) : undefined;
    return n?.type === 'call_expression' && callParts(n)?.name === 'len' && !callParts(n)?.receiver ? field(callArgs(n)[0]) : undefined;
  };
  const zero = (x: Node | null | undefined) => !!x && unparen(x).type === 'int_literal' && unparen(x).text === '0';
  if (c.type === 'binary_expression') {
    const op = c.childForFieldName('operator')?.text;
    const l = c.childForFieldName('left');
    const r = c.childForFieldName('right');
    if (op === '&&' || op === '||') {
      if (l) collectNeeds(file, fn, l, needs);
      if (r) collectNeeds(file, fn, r, needs);
      return;
    }
    const lf = lenOf(l);
    if (lf && (op === '==' || op === '<=') && zero(r)) needs.set(lf, 'grow');
    const f = field(l);
    if (f && (op === '==' || op === '<=') && zero(r)) needs.set(f, 'up');
    if (f && op === '>' && zero(r)) needs.set(f, 'down');
    return;
  }
  if (c.type === 'unary_expression' && c.childForFieldName('operator')?.text === '!') {
    const f = field(c.childForFieldName('operand'));
    if (f) needs.set(f, 'true');
    return;
  }
  const f = field(c);
  if (f) needs.set(f, 'false');
}

/** `fn` waits on the same cond itself (a consumer that also changes the state). */
function waitsOn(file: FileFacts, view: PackageView, fn: FuncInfo, cond: string): boolean {
  return descendants(fn.body!, 'call_expression').some((call) => {
    const parts = callParts(call);
    return parts?.name === 'Wait' && !!parts.receiverNode && condTarget(file, view, fn, parts.receiverNode, call) === cond;
  });
}

/** Statements of `fn` (closures included) that make a need of the loop come true. */
function wakingWrites(file: FileFacts, fn: FuncInfo, w: CondLoop): { node: Node; field: string }[] {
  const out: { node: Node; field: string }[] = [];
  for (const s of descendants(fn.body!, new Set(['assignment_statement', 'inc_statement', 'dec_statement']))) {
    if (s.type === 'assignment_statement') {
      const left = s.childForFieldName('left')?.namedChildren ?? [];
      const right = s.childForFieldName('right')?.namedChildren ?? [];
      const op = s.childForFieldName('operator')?.text;
      if (left.length !== 1 || right.length !== 1) continue;
      const f = unparen(left[0]!).type === 'selector_expression' ? typed(file, fn, unparen(left[0]!), s) : undefined;
      const need = f ? w.needs.get(f) : undefined;
      if (!need) continue;
      const v = unparen(right[0]!);
      const ok =
        (need === 'true' && op === '=' && v.type === 'true') ||
        (need === 'false' && op === '=' && v.type === 'false') ||
        (need === 'grow' && op === '=' && v.type === 'call_expression' && callParts(v)?.name === 'append' && !callParts(v)?.receiver) ||
        (need === 'up' && op === '+=') ||
        (need === 'down' && op === '-=');
      if (ok) out.push({ node: s, field: f! });
    } else {
      const target = s.namedChild(0);
      const f = target && unparen(target).type === 'selector_expression' ? typed(file, fn, unparen(target), s) : undefined;
      const need = f ? w.needs.get(f) : undefined;
      if ((need === 'up' && s.type === 'inc_statement') || (need === 'down' && s.type === 'dec_statement')) out.push({ node: s, field: f! });
    }
  }
  return out;
}

/** `fn` calls Signal or Broadcast on the cond, itself or through a package function it calls. */
function signals(file: FileFacts, view: PackageView, fn: FuncInfo, cond: string): boolean {
  for (const call of descendants(fn.body!, 'call_expression')) {
    const parts = callParts(call);
    if ((parts?.name === 'Signal' || parts?.name === 'Broadcast') && parts.receiverNode && condTarget(file, view, fn, parts.receiverNode, call) === cond) return true;
    const key = calleeKey(file, call);
    const callee = key ? view.func(key) : undefined;
    if (!callee) continue;
    const fnNode = unparen(call.childForFieldName('function')!);
    const operand = fnNode.type === 'selector_expression' ? fnNode.childForFieldName('operand') : null;
    const site = { recv: operand ? normaliseTarget(file, operand, call) : undefined, args: callArgs(call).map((a) => normaliseTarget(file, a)) };
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
