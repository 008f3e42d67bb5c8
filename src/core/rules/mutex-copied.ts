import { replaceNode } from '../findings/edits';
import { rangeValueCopies, type FileFacts } from '../model/facts';
import { fileLocks, localTypeName, mutexKindOf, structFields } from '../model/locks';
import type { PackageView } from '../model/package';
import type { Fix, RuleContext, Rule } from '../findings/rule';
import { callArgs, callParts, lineOf, quote, typeParamsAt, unparen, walk } from '../syntax/nodes';
import type { Node } from '../syntax/parser';
import { eachInFocus } from './support/focus';

export const rule: Rule = {
  id: 'mutex-copied',
  title: 'Mutex copied, or re-locked by defer',
  severity: 'warning',
  category: 'mutex',
  overlaps: ['copylocks'],
  docs: {
    summary:
      'A `sync.Mutex` or `sync.RWMutex` is copied (a value receiver, a parameter, an argument or a range variable of a struct that holds one), or `defer mu.Lock()` is written where `Unlock` was meant (information for a value receiver that never locks its copy: it only reads the value unlocked).',
    why:
      'A mutex protects the data only when every goroutine locks the same mutex value. Copying a struct that contains one gives the copy ' +
      'its own mutex: a method with a value receiver locks its private copy and excludes nobody, and a copy taken while another goroutine ' +
      'holds the lock starts out locked and may never be unlocked. `defer mu.Lock()` after `mu.Lock()` locks again when the function ' +
      'returns instead of releasing, which deadlocks the next caller. (A `Lock` released at once is `empty-critical-section`.)',
    interleaving: [
      'Goroutine A calls a method with a value receiver: the struct, mutex included, is copied, and A locks the copy.',
      'Goroutine B calls the same method: it copies the struct again and locks its own copy at the same time.',
      'Both update the shared map or slice the struct points to, at once, with no exclusion: a data race, and for maps a fatal error.',
    ],
    bad: `type Stats struct {
	mu     sync.Mutex
	counts map[string]int
}

// Value receiver: each call locks its own copy of mu.
func (s Stats) Add(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[key]++
}`,
    good: `type Stats struct {
	mu     sync.Mutex
	counts map[string]int
}

func (s *Stats) Add(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[key]++
}`,
    fixes:
      '**Use a pointer receiver** turns `func (s Stats)` into `func (s *Stats)` (not applied by fix-all: it changes the method set, so a value of the type may stop satisfying an interface; not offered for `MarshalJSON`, `String`, `Error` and the other methods encoders and `fmt` find on values at run time, which would silently stop being called). ' +
      '**Defer the Unlock** replaces `defer mu.Lock()` with `defer mu.Unlock()` when the mutex is held at that point and nothing else unlocks it.',
  },
  check(ctx) {
    const file = ctx.file;
    const view = ctx.package;
    receiversAndParams(ctx);
    copiedArguments(ctx);
    rangeCopies(ctx);
    deferredLocks(ctx, file, view);
  },
};

/**
 * Where a value of `type` holds a mutex by value: `` `Store.mu` (sync.Mutex) ``, or undefined.
 * Follows struct fields of the package that are themselves structs held by value. A type
 * parameter in scope at `at` is not the package's type of that name (terraform's
 * `func ChangeExec[Main any]`, whose package also declares a struct `Main`).
 */
function heldMutex(facts: FileFacts, view: PackageView, type: string | undefined, at: Node): string | undefined {
  if (!type || type.startsWith('*')) return undefined;
  if (mutexKindOf(type)) return `a \`${type}\``;
  const start = localTypeName(type);
  if (!start || typeParamsAt(at).has(start)) return undefined;
  const queue: { name: string; path: string }[] = [{ name: start, path: start }];
  const seen = new Set<string>([start]);
  while (queue.length > 0) {
    const { name, path } = queue.shift()!;
    const fields = structFields(facts, view, name);
    for (const [field, ft] of Object.entries(fields ?? {})) {
      const t = ft.replace(/^\[\d+\]/, '');
      const kind = mutexKindOf(t);
      if (kind && !t.startsWith('*')) return `\`${path}.${field}\` (sync.${kind})`;
      const sub = t.startsWith('*') ? undefined : localTypeName(t);
      if (sub && !seen.has(sub) && structFields(facts, view, sub)) {
        seen.add(sub);
        queue.push({ name: sub, path: `${path}.${field}` });
      }
    }
  }
  return undefined;
}

function receiversAndParams(ctx: RuleContext): void {
  const { file, package: view } = ctx;
  for (const fn of file.functions) {
    if (!ctx.inFocus(fn.node)) continue;
    const recvList = fn.node.childForFieldName('receiver');
    const recvDecl = recvList?.namedChildren.find((c) => c?.type === 'parameter_declaration');
    if (fn.receiver && !fn.receiver.pointer && recvDecl) {
      const where = heldMutex(file, view, fn.receiver.type, fn.node);
      const typeNode = recvDecl.childForFieldName('type');
      if (where && typeNode) {
        const name = fn.receiver.name ?? '_';
        // A method that encoding/json, fmt and the like call on values stops being called on them
        // once its receiver is a pointer (aerospike's `func (ns nodeStats) MarshalJSON`).
        const fixes: Fix[] = VALUE_INTERFACE_METHODS.has(fn.name ?? '')
          ? []
          : [{ title: `Use a pointer receiver: \`func (${name} *${typeNode.text})\``, edits: [replaceNode(typeNode, '*' + typeNode.text)], safe: false }];
        const locks = locksCopy(view, fn.node, fn.receiver.name, fn.receiver.typeName);
        ctx.report({
          node: recvDecl,
          message: locks
            ? `value receiver \`${quote(recvDecl, 24)}\` copies ${where} on every call: locking the copy excludes no one`
            : `value receiver \`${quote(recvDecl, 24)}\` copies ${where} on every call, reading the struct without holding it`,
          // A method that never locks its copy only reads the value unlocked: a race only when the
          // value it is called on is changed under the lock at the same time, which the code does not show.
          ...(locks ? {} : { severity: 'info' as const }),
          steps: copySteps(`\`${fn.name}\``, where),
          fixes,
        });
      }
    }
    for (const p of fn.params) {
      if (p.type.startsWith('...')) continue;
      const where = heldMutex(file, view, p.type, fn.node);
      if (!where) continue;
      const decl = p.node.type === 'identifier' ? p.node.parent ?? p.node : p.node;
      ctx.report({
        node: decl,
        message: `parameter \`${quote(decl, 24)}\` receives a copy of ${where}: locking the copy excludes no one`,
        steps: copySteps(fn.name ? `\`${fn.name}\`` : 'the function', where),
      });
    }
  }
}

/**
 * Methods that encoders and fmt find on a value at run time (json, text, xml, yaml, fmt,
 * driver.Valuer): with a pointer receiver a value silently stops having them, where a value
 * passed as a declared interface (sort.Interface) would fail to compile instead.
 */
const VALUE_INTERFACE_METHODS = new Set(['MarshalJSON', 'MarshalText', 'MarshalBinary', 'MarshalXML', 'MarshalYAML', 'String', 'GoString', 'Error', 'Format', 'Value']);

const LOCK_METHODS = new Set(['Lock', 'Unlock', 'RLock', 'RUnlock', 'TryLock', 'TryRLock', 'RLocker']);

/**
 * Whether a value-receiver method may lock its copy of the mutex: a lock method called through
 * the receiver (`s.mu.Lock()`, `t.RLock()`), the receiver's address taken, or a method of the
 * package's called on the receiver or on a field of it (`s.cfg.Get()`), which may lock. A field
 * of another package's type (`ns.Count.Get()`) holds none of the receiver's mutexes by name, so
 * its methods do not count; a path whose type is unknown does.
 */
function locksCopy(view: PackageView, fn: Node, recv: string | undefined, typeName: string): boolean {
  if (!recv || recv === '_') return false;
  const body = fn.childForFieldName('body');
  if (!body) return false;
  /** The fields from the receiver to `n` (`s.cfg` -> ['cfg']), or undefined when `n` is not such a path. */
  const path = (n: Node | null | undefined): string[] | undefined => {
    const fields: string[] = [];
    for (let x = n ? unparen(n) : undefined; x; ) {
      if (x.type === 'identifier') return x.text === recv ? fields.reverse() : undefined;
      if (x.type !== 'selector_expression') return undefined;
      fields.push(x.childForFieldName('field')?.text ?? '');
      x = x.childForFieldName('operand') ?? undefined;
    }
    return undefined;
  };
  const mayLock = (fields: string[], method: string): boolean => {
    if (LOCK_METHODS.has(method)) return true;
    let type: string | undefined = typeName;
    for (const f of fields) {
      const t = view.structField(type, f);
      if (t === undefined) return true; // unknown: it may lock
      type = localTypeName(t);
      if (!type) return false; // another package's type, a map, a slice, a pointer's target elsewhere
    }
    return !!view.func(`${type}.${method}`);
  };
  let found = false;
  walk(body, (n) => {
    if (found) return false;
    if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '&' && path(n.childForFieldName('operand'))) found = true;
    if (n.type !== 'call_expression') return;
    const parts = callParts(n);
    const fields = parts?.receiverNode && path(parts.receiverNode);
    if (fields && mayLock(fields, parts!.name)) found = true;
  });
  return found;
}

function copySteps(fnText: string, where: string): string[] {
  return [
    `Each call of ${fnText} copies the value, and with it ${where}.`,
    'If another goroutine holds the original mutex at that moment, the copy starts out locked; otherwise it is a separate, unlocked mutex.',
    'Locking the copy does not exclude goroutines that lock the original (or other copies): the data it should guard is used concurrently.',
  ];
}

/** Builtins and functions that take a value without keeping a copy that is locked later. */
const NON_COPYING = new Set(['len', 'cap', 'new', 'make', 'delete', 'panic', 'print', 'println']);

function copiedArguments(ctx: RuleContext): void {
  const { file, package: view } = ctx;
  eachInFocus(ctx, 'call_expression', (call) => {
    const parts = callParts(call);
    if (!parts || (!parts.receiver && NON_COPYING.has(parts.name) && !file.lookup(parts.name, call))) return;
    if (parts.receiverNode?.type === 'identifier' && parts.receiverNode.text === 'unsafe' && file.isPackageName('unsafe')) return;
    // Arguments of a package function whose parameter is a value type are reported at the parameter.
    const target = file.resolveCall(call)?.target;
    callArgs(call).forEach((arg, i) => {
      const a = unparen(arg);
      if (!['identifier', 'selector_expression'].includes(a.type) && !(a.type === 'unary_expression' && a.childForFieldName('operator')?.text === '*')) return;
      if (target && heldMutex(file, view, target.params[i]?.type, target.node)) return;
      const deref = a.type === 'unary_expression' ? a.childForFieldName('operand') : null;
      const type = deref ? file.typeOf(deref)?.replace(/^\*/, '') : file.typeOf(a);
      const where = heldMutex(file, view, type, call);
      if (!where) return;
      ctx.report({
        node: arg,
        message: `\`${quote(arg)}\` is passed by value to \`${quote(call.childForFieldName('function')!)}\`, copying ${where}; pass a pointer instead`,
        steps: copySteps(`\`${quote(call.childForFieldName('function')!)}\` (line ${lineOf(call)})`, where),
      });
    });
  });
}

function rangeCopies(ctx: RuleContext): void {
  const { file, package: view } = ctx;
  for (const { value, range: right, elem } of rangeValueCopies(file, ctx.inFocus)) {
    const where = heldMutex(file, view, elem, value);
    if (!where) continue;
    ctx.report({
      node: value,
      message: `\`${value.text}\` receives a copy of each \`${elem}\` of \`${quote(right, 24)}\`, with ${where}: locking it excludes no one`,
      steps: [
        `Each iteration copies one element of \`${quote(right)}\` into \`${value.text}\` (line ${lineOf(value)}).`,
        `The copy has its own ${where}: locking it does not lock the element, and a lock held by another goroutine is copied in its locked state.`,
        'Other goroutines that lock the element itself are not excluded.',
      ],
    });
  }
}

/** `defer mu.Lock()` while mu is held: the deferred call locks again at return. */
function deferredLocks(ctx: RuleContext, file: FileFacts, view: PackageView): void {
  for (const fl of fileLocks(file, view, ctx.inFocus)) {
    for (const site of fl.sites) {
      const ev = site.ev;
      if (ev.k !== 'deferLock') continue;
      const held = site.held.get(ev.key);
      if (!held) continue;
      const method = ev.mode === 'r' ? 'RLock' : 'Lock';
      const unlock = ev.mode === 'r' ? 'RUnlock' : 'Unlock';
      const otherUnlock = fl.sites.some((s) => (s.ev.k === 'unlock' || s.ev.k === 'defer') && (s.ev.k === 'unlock' ? s.ev.key === ev.key : s.ev.keys.includes(ev.key)));
      const field = unparen(ev.node.childForFieldName('function')!).childForFieldName('field');
      const fixes: Fix[] =
        held.mode === ev.mode && !otherUnlock && field
          ? [{ title: `Defer \`${ev.text}.${unlock}()\` instead of \`${method}\``, edits: [replaceNode(field, unlock)], safe: true }]
          : [];
      ctx.report({
        node: ev.node,
        message: `deferred \`${quote(ev.node)}\` locks \`${ev.text}\` again on return, while it is held since line ${lineOf(held.node)}: \`${unlock}\` was meant`,
        related: [{ span: { start: held.node.startIndex, end: held.node.endIndex }, message: `\`${held.text}\` is locked here` }],
        steps: [
          `Line ${lineOf(held.node)}: \`${quote(held.node)}\` locks \`${held.text}\`.`,
          `Line ${lineOf(ev.node)}: the defer schedules \`${quote(ev.node)}\` for the return, not an unlock.`,
          `At return the deferred call waits for \`${held.text}\`, which this goroutine still holds: it never returns, and every other user of the mutex blocks.`,
        ],
        fixes,
      });
    }
  }
}
