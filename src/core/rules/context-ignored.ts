import { escapingUses, type FileFacts, type FuncInfo, type Param } from '../model/facts';
import type { Node } from '../syntax/parser';
import type { Rule } from '../findings/rule';
import { ancestor, callParts, descendants, enclosingFunction, lineOf, quote, walk } from '../syntax/nodes';
import { eachInFocus } from './support/focus';

/** The calls that start a context tree from nothing. */
const FRESH = new Set(['Background', 'TODO']);
/** `context` functions that derive a child from their first argument. */
const DERIVE = new Set(['WithCancel', 'WithTimeout', 'WithDeadline', 'WithCancelCause', 'WithTimeoutCause', 'WithDeadlineCause', 'WithValue']);

/** The context a function already has: its `ctx context.Context` parameter, or `r.Context()` of an `*http.Request`. */
interface Owner {
  fn: FuncInfo;
  param: Param;
  /** What to write instead of `context.Background()`: `ctx` or `r.Context()`. */
  use: string;
}

export const rule: Rule = {
  id: 'context-ignored',
  title: 'context.Background() or context.TODO() where a context is already available',
  severity: 'info',
  category: 'cancellation',
  docs: {
    summary:
      '`context.Background()` or `context.TODO()` is called inside a function that already receives a `context.Context` or an ' +
      '`*http.Request`, cutting the work off from the caller\'s cancellation and deadline.',
    why:
      'A context parameter carries the caller\'s deadline and cancellation down the call chain. Starting a fresh tree with ' +
      '`context.Background()` (or leaving a `context.TODO()` stand-in) in the middle of that chain disconnects everything below ' +
      'it: when the client goes away, the request times out or the server shuts down, the database query, RPC or loop started ' +
      'here keeps running and holding its connection, goroutine and memory. Deliberate detachment is left alone: work started in ' +
      'a `go` or `defer` statement, a context passed to `context.WithoutCancel`, stored in a struct or returned, a `ctx == nil` ' +
      'fallback, a context handed to cleanup (`tx.Rollback(context.Background())`, `srv.Shutdown(shutdownCtx)`), code that runs ' +
      'after checking `ctx.Done()` or `ctx.Err()` (graceful shutdown with a fresh deadline), and a call with a comment just ' +
      'above it about the context (the author explains the detachment).',
    interleaving: [
      'A handler calls `loadUser(ctx, id)` with a context that has a 2-second deadline.',
      '`loadUser` runs the query with `context.Background()` instead of `ctx`.',
      'The deadline passes and the handler returns an error to the client, but the query keeps running and holding a pooled connection until the database finishes it.',
    ],
    bad: `func loadUser(ctx context.Context, db *sql.DB, id int64) (*User, error) {
	row := db.QueryRowContext(context.Background(), "SELECT name FROM users WHERE id = ?", id)
	var u User
	return &u, row.Scan(&u.Name)
}`,
    good: `func loadUser(ctx context.Context, db *sql.DB, id int64) (*User, error) {
	row := db.QueryRowContext(ctx, "SELECT name FROM users WHERE id = ?", id)
	var u User
	return &u, row.Scan(&u.Name)
}`,
    fixes:
      'No quick fix: on real code a fresh context is as often deliberate (a goroutine that must outlive the request, a lifetime the code ' +
      'cancels itself, a fresh namespace) as it is an oversight, and swapping in `ctx` breaks the deliberate ones. This is also why the rule ' +
      'is informational: it asks for a look, and a `//goconc:ignore context-ignored <why>` records the answer.',
  },
  check(ctx) {
    const file = ctx.file;
    const pkg = file.importName('context');
    if (!pkg) return;
    eachInFocus(ctx, 'call_expression', (call) => {
      if (!file.isImportCall(call, 'context', FRESH)) return;
      const owner = ownerOf(file, call, pkg);
      if (!owner || deliberate(file, call, owner)) return;
      const shown = `${pkg}.${callParts(call)!.name}()`;
      const fnName = owner.fn.name ? `\`${owner.fn.name}\`` : `the function literal at line ${lineOf(owner.fn.node)}`;
      const what = owner.use.endsWith('.Context()') ? `the request context \`${owner.use}\`` : `\`${owner.use}\` of ${owner.fn.name ? fnName : 'the function literal'}`;
      ctx.report({
        node: call,
        message:
          `\`${shown}\` ignores ${what}: its cancellation and deadline do not reach this call`,
        related: [{ span: { start: owner.param.node.startIndex, end: owner.param.node.endIndex }, message: `the context ${fnName} already has` }],
        steps: [
          `The caller passes ${owner.use.endsWith('.Context()') ? `the request \`${owner.param.name}\`` : `\`${owner.param.name}\``} to ${fnName} (line ${lineOf(owner.param.node)}), with its deadline and cancellation.`,
          `Line ${lineOf(call)}: \`${quote(call.parent ?? call)}\` starts from \`${shown}\` instead, a context that is never cancelled.`,
          `The caller gives up (timeout, client gone, shutdown), but the work started at line ${lineOf(call)} keeps running and holding its resources.`,
        ],
      });
    });
  },
};

/**
 * The nearest function around `call` that has a context, walking out through function literals
 * only while they run in place (called immediately, or handed to an errgroup-style `g.Go`): a
 * closure that runs later (a callback, a `go` or `defer`) may outlive the context on purpose.
 */
function ownerOf(file: FileFacts, call: Node, pkg: string): Owner | undefined {
  const http = file.importName('net/http');
  for (let fnNode = enclosingFunction(call); fnNode; fnNode = enclosingFunction(fnNode)) {
    const fn = file.funcInfo(fnNode);
    const ctxParam = fn.params.find((p) => p.type === `${pkg}.Context`);
    if (ctxParam) return named(ctxParam) ? { fn, param: ctxParam, use: ctxParam.name } : undefined;
    const req = http ? fn.params.find((p) => p.type === `*${http}.Request`) : undefined;
    if (req) return named(req) ? { fn, param: req, use: `${req.name}.Context()` } : undefined;
    if (fn.kind !== 'literal' || !runsInPlace(fnNode)) return undefined;
  }
  return undefined;
}

function named(p: Param): boolean {
  return p.name !== '' && p.name !== '_';
}

function runsInPlace(lit: Node): boolean {
  const parent = lit.parent;
  if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === lit.id) {
    return parent.parent?.type !== 'go_statement' && parent.parent?.type !== 'defer_statement';
  }
  const call = parent?.type === 'argument_list' ? parent.parent : undefined;
  return call?.type === 'call_expression' && callParts(call)?.name === 'Go' && callParts(call)?.receiver !== undefined;
}

/** Signs that the fresh context is meant to outlive or replace the function's own. */
function deliberate(file: FileFacts, call: Node, owner: Owner): boolean {
  const ownerNode = owner.fn.node;
  // Started by a go or defer statement: cleanup and background work must survive cancellation.
  for (let p = call.parent; p && p.id !== ownerNode.id; p = p.parent) {
    if (p.type === 'go_statement' || p.type === 'defer_statement') return true;
    if (p.type === 'if_statement' && nilCheck(p.childForFieldName('condition'), owner.param.name)) return true;
  }
  // Follow the context through `context.With*(<it>, ...)` to where it ends up.
  let root = call;
  for (;;) {
    const args = root.parent;
    const outer = args?.type === 'argument_list' ? args.parent : undefined;
    if (!outer || outer.type !== 'call_expression') break;
    if (file.isImportCall(outer, 'context', 'WithoutCancel')) return true;
    if (!file.isImportCall(outer, 'context', DERIVE) || args!.namedChild(0)?.id !== root.id) break;
    root = outer;
  }
  if (root.id !== call.id && ownLifetime(file, root)) return true;
  const parent = root.parent;
  if (parent?.type === 'literal_element' || parent?.type === 'keyed_element' || parent?.type === 'return_statement') return true;
  if (isCleanupArg(root) || startsLongLived(file, root)) return true;
  if (parent?.type === 'expression_list') {
    const stmt = parent.parent;
    if (stmt?.type === 'return_statement') return true;
    const target = assignedName(stmt, parent, root);
    if (target === null) return true; // stored in a field, map or slice
    if (target !== undefined) {
      if (target === owner.param.name) return true; // `ctx = context.Background()`: a nil fallback
      const scope = enclosingFunction(call) ? file.funcInfo(enclosingFunction(call)!).body : undefined;
      if (scope && escapingUses(scope, target, stmt!.endIndex).length > 0) return true;
      if (scope && descendants(scope, 'identifier').some((id) => id.text === target && id.startIndex > stmt!.endIndex && isCleanupArg(id))) return true;
    }
  }
  // The function already knows its context may be done (a fresh one for shutdown or cleanup),
  // or a comment just above explains the choice of context.
  const body = owner.fn.body;
  let deliberate = false;
  const row = call.startPosition.row;
  if (body) {
    walk(body, (n) => {
      if (deliberate || n.startPosition.row > row) return false;
      if (n.type === 'call_expression' && n.startIndex < call.startIndex) {
        const parts = callParts(n);
        if (parts?.receiver === owner.param.name && (parts.name === 'Done' || parts.name === 'Err')) deliberate = true;
      } else if (n.type === 'comment' && n.startPosition.row < row && n.startPosition.row >= row - EXPLAINED_WITHIN && EXPLAINS.test(n.text) && !DEBT.test(n.text)) {
        deliberate = true;
      }
    });
  }
  return deliberate;
}

/** A comment in the function, at most this many lines above the call, that talks about contexts explains it. */
const EXPLAINED_WITHIN = 6;
const EXPLAINS = /\b(context|ctx|cancel\w*|detach\w*|outlives?|background)\b/i;
/** ...unless it admits the call is a stand-in to be replaced. */
const DEBT = /\b(TODO|FIXME|XXX)\b/;

/**
 * The variable a value at `value` (in `list`, the right side of `stmt`) is assigned to: its name,
 * null when the target is not a plain variable (a field, an index), undefined when `stmt` is not
 * an assignment. A `context.With*` call assigns its context to the first name.
 */
function assignedName(stmt: Node | null, list: Node, value: Node): string | null | undefined {
  if (!stmt) return undefined;
  let left: (Node | null)[];
  if (stmt.type === 'short_var_declaration' || stmt.type === 'assignment_statement') {
    if (stmt.childForFieldName('right')?.id !== list.id) return undefined;
    left = stmt.childForFieldName('left')?.namedChildren ?? [];
  } else if (stmt.type === 'var_spec') {
    left = stmt.childrenForFieldName('name');
  } else {
    return undefined;
  }
  const values = list.namedChildren.filter((c) => c !== null);
  const index = values.length === 1 ? 0 : values.findIndex((c) => c?.id === value.id);
  const target = left[index];
  if (!target) return undefined;
  return target.type === 'identifier' ? target.text : null;
}

/**
 * Cleanup must run even when the caller's context is already cancelled, so a fresh context for
 * it is deliberate: `tx.Rollback(context.Background())`, `srv.Shutdown(shutdownCtx)`.
 */
const CLEANUP = /^(rollback|close|shutdown|stop|release|unlock|clean|flush|abort|cancel|unregister|deregister|disconnect|terminate|kill|drain)/i;

function isCleanupArg(value: Node): boolean {
  const call = value.parent?.type === 'argument_list' ? value.parent.parent : undefined;
  const name = call?.type === 'call_expression' ? callParts(call)?.name : undefined;
  return name !== undefined && CLEANUP.test(name);
}

/**
 * `c, cancel := context.WithCancel(context.Background())` where the code runs that lifetime
 * itself: the cancel function is handed on (stored, passed to a closer) or the context is used
 * by a goroutine (an exit monitor, a log pipe). A per-call timeout that is only deferred and
 * used in place stays reported: it is the classic bug.
 */
function ownLifetime(file: FileFacts, derived: Node): boolean {
  const list = derived.parent;
  const stmt = list?.parent;
  if (list?.type !== 'expression_list' || (stmt?.type !== 'short_var_declaration' && stmt?.type !== 'assignment_statement')) return false;
  const left = stmt.childForFieldName('left')?.namedChildren ?? [];
  const [ctxVar, cancelVar] = [left[0], left[1]];
  const fn = enclosingFunction(stmt);
  const body = fn ? file.funcInfo(fn).body : undefined;
  if (!body || ctxVar?.type !== 'identifier') return false;
  const later = descendants(body, 'identifier').filter((id) => id.startIndex > stmt.endIndex);
  const inGoroutine = (id: Node) => (ancestor(id, 'go_statement', new Set())?.startIndex ?? -1) > stmt.endIndex;
  if (later.some((id) => id.text === ctxVar.text && inGoroutine(id))) return true;
  if (cancelVar?.type !== 'identifier' || cancelVar.text === '_') return false;
  return later.some((id) => {
    if (id.text !== cancelVar.text) return false;
    const p = id.parent;
    const called = p?.type === 'call_expression' && p.childForFieldName('function')?.id === id.id;
    return !called;
  });
}

/**
 * The context is handed to a constructor (`drive.NewService(context.Background(), ...)`: the
 * value it builds outlives the call) or to a function of the file that starts a goroutine with
 * it (`startExitMonitor(context.Background(), ...)`: the goroutine must outlive the request).
 */
function startsLongLived(file: FileFacts, value: Node): boolean {
  const call = value.parent?.type === 'argument_list' ? value.parent.parent : undefined;
  if (call?.type !== 'call_expression') return false;
  const name = callParts(call)?.name ?? '';
  if (/^New[A-Z0-9]?/.test(name)) return true;
  const target = file.resolveCall(call)?.target;
  return !!target?.body && descendants(target.body, 'go_statement').length > 0;
}

/** `name == nil` or `nil == name` in a condition. */
function nilCheck(cond: Node | null, name: string): boolean {
  if (!cond) return false;
  const re = new RegExp(`(^|[^\\w.])${name}\\s*==\\s*nil\\b|\\bnil\\s*==\\s*${name}\\b`);
  return re.test(cond.text);
}

