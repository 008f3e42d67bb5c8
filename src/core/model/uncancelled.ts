/**
 * Contexts that nothing can cancel, told from the syntax of one file: what the context rules ask
 * of a local or a parameter, and what a summary records of a call's arguments (Op.uncancelled).
 */
import { valuesAssigned, type FileFacts } from './facts';
import type { Node } from '../syntax/parser';
import { callArgs, callParts, contains, isPackageCall, unparen } from '../syntax/nodes';

const NEVER_CANCELLED = new Set(['Background', 'TODO']);

/** `context` functions whose result is cancelled exactly when their parent is. */
const KEEPS_PARENT = new Set(['WithValue']);

/**
 * True when the context `expr` can never be cancelled: `context.Background()`, `context.TODO()`,
 * `context.WithoutCancel(x)`, `context.WithValue(x, ...)` of such a context, or a local whose only
 * value is one of those. Contexts from parameters, fields and other packages' functions may be
 * cancelled: false.
 */
export function neverCancelled(file: FileFacts, expr: Node, depth = 0): boolean {
  if (depth > 6) return false;
  const n = unparen(expr);
  if (n.type === 'call_expression') {
    if (isPackageCall(n, 'context', NEVER_CANCELLED) || isPackageCall(n, 'context', 'WithoutCancel')) return true;
    const parent = callArgs(n)[0];
    return isPackageCall(n, 'context', KEEPS_PARENT) && parent !== undefined && neverCancelled(file, parent, depth + 1);
  }
  // A local: only when no other assignment can make it cancellable.
  const value = n.type === 'identifier' ? (file.onlyValue(n) ?? valueBeforeRedeclaration(file, n)) : undefined;
  if (value !== undefined) return neverCancelled(file, value, depth + 1);
  // `ctx, span := tracer.Start(parent, ...)`: an OpenTelemetry span only adds a value.
  const span = n.type === 'identifier' ? spanDerived(file, n) : undefined;
  return span !== undefined && neverCancelled(file, span, depth + 1);
}

/**
 * For `ctx` read on the right of the statement that redeclares it, `ctx, cancel :=
 * context.WithCancel(ctx)`: the value of the declaration just before, in the same block, with no
 * assignment of the name between the two (rocketmq's trace dispatcher: `ctx :=
 * context.Background()` on the line above).
 */
function valueBeforeRedeclaration(file: FileFacts, id: Node): Node | undefined {
  const found = file.lookup(id.text, id);
  const stmt = found?.decl?.statement;
  const block = stmt?.parent;
  if (!found?.fn || !stmt || !block || !contains(stmt, id)) return undefined;
  const earlier = file.locals(found.fn).filter((d) => d.name === id.text && d.statement.parent?.id === block.id && d.statement.endIndex <= stmt.startIndex);
  const before = earlier.pop();
  if (!before?.init || before.multi) return undefined;
  // Nothing between the two statements may assign the name.
  for (let s = before.statement.nextSibling; s && s.id !== stmt.id; s = s.nextSibling) {
    if (valuesAssigned(s, id.text)?.length !== 0 || (s.type === 'short_var_declaration' && s.childForFieldName('left')?.namedChildren.some((l) => l.text === id.text))) return undefined;
  }
  return before.init;
}

/**
 * For `ctx` declared by `ctx, span := tracer.Start(parent, ...)` on an OpenTelemetry
 * `trace.Tracer` and never assigned again: `parent`. A span start stores the span in the context
 * and cancels nothing.
 */
function spanDerived(file: FileFacts, id: Node): Node | undefined {
  const found = file.lookup(id.text, id);
  const m = found?.decl?.multi;
  if (!m || m.index !== 0 || !found?.fn || valuesAssigned(found.fn.node, id.text)?.length !== 0) return undefined;
  const parts = callParts(m.call);
  if (parts?.name !== 'Start' || !parts.receiverNode || !/(^|\.)Tracer$/.test(file.typeOf(parts.receiverNode) ?? '')) return undefined;
  const parent = callArgs(m.call)[0];
  if (parent?.type !== 'identifier' || parent.text !== id.text) return parent;
  // `ctx, span := tracer.Start(ctx, ...)` redeclares ctx: its parent is the ctx declared before.
  const stmt = found.decl!.statement;
  const before = file
    .locals(found.fn)
    .filter((d) => d.name === id.text && d.node.startIndex < stmt.startIndex && d.statement.parent !== null && contains(d.statement.parent, stmt))
    .pop();
  return before?.node;
}

/** Text that may make a context nothing cancels. */
const UNCANCELLED_TEXT = /\b(Background|TODO|WithoutCancel)\(/;

/**
 * The positions of a call's arguments that are contexts nothing can cancel (see
 * {@link neverCancelled}), for the summary: a caller in another file is known only by it. Looked
 * for only in files that say `Background(`, `TODO(` or `WithoutCancel(`, and among locals only in
 * those named like contexts (`ctx`, `bgCtx`, `context`).
 */
export function uncancelledArgs(file: FileFacts, call: Node): { uncancelled?: number[] } {
  if (!mayMakeUncancelled(file)) return {};
  const out: number[] = [];
  callArgs(call).forEach((a, i) => {
    const n = unparen(a);
    if (n.type === 'call_expression' ? /^context\./.test(n.text) : n.type === 'identifier' && /ctx|context/i.test(n.text)) {
      if (neverCancelled(file, n)) out.push(i);
    }
  });
  return out.length ? { uncancelled: out } : {};
}

const mayMake = new WeakMap<FileFacts, boolean>();

function mayMakeUncancelled(file: FileFacts): boolean {
  let yes = mayMake.get(file);
  if (yes === undefined) mayMake.set(file, (yes = UNCANCELLED_TEXT.test(file.text)));
  return yes;
}
