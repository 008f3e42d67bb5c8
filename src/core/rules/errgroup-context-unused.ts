import { eol, indentAt, replaceNode, standsAlone } from '../findings/edits';
import { isErrgroupCall, isWriteTarget, type FileFacts } from '../model/facts';
import type { Node } from '../syntax/parser';
import type { Fix, Rule } from '../findings/rule';
import { FUNCTION_TYPES, callArgs, callParts, descendants, enclosingFunction, lineOf, quote, unparen, walk } from '../syntax/nodes';

const ERRGROUP = 'golang.org/x/sync/errgroup';
const GO = new Set(['Go', 'TryGo']);
const CALLS = new Set(['call_expression']);
/** Calls that write a log line: a context passed into one annotates the line, it is not watched. */
const LOG_CALLS = /^(Log|Logf|LogAttrs|Print|Printf|Println|(Debug|Info|Warn|Warning|Error)(f|w|Context)?)$/;

/** `g, gctx := errgroup.WithContext(ctx)`: the three names and what `ctx` refers to there. */
interface Group {
  decl: Node;
  g: Node;
  gctx: Node;
  parent: Node;
  /** The declaration `ctx` resolves to at the call (a VarDecl or a Param). */
  parentIdentity: unknown;
}

export const rule: Rule = {
  id: 'errgroup-context-unused',
  title: 'errgroup functions ignore the group context, or the group error is dropped',
  severity: 'warning',
  category: 'cancellation',
  docs: {
    summary:
      'A function passed to `g.Go` uses the parent `ctx` instead of the `gctx` that `errgroup.WithContext` returned, or the error of `g.Wait()` is dropped.',
    why:
      '`errgroup.WithContext(ctx)` returns a group and a derived context that is cancelled as soon as one function of the group returns an error. ' +
      'That is how the first failure stops the others; but only functions that watch the derived context notice. A function that keeps using the ' +
      'parent `ctx` runs on to the end (or until the parent is cancelled) although its result will be thrown away, holding connections and ' +
      'delaying `Wait`. Separately, `g.Wait()` is the only place the group reports the first error: calling it as a statement (or assigning ' +
      'it to `_`) loses every failure of the group.',
    interleaving: [
      'The group starts several functions; each is handed the parent `ctx`.',
      'One function fails and returns an error: errgroup cancels `gctx`, which nobody watches.',
      'The other functions go on until they finish their work or the parent context ends, and `g.Wait()` waits for all of them before returning the error (or its error is dropped).',
    ],
    bad: `func downloadAll(ctx context.Context, urls []string) error {
	g, gctx := errgroup.WithContext(ctx)
	_ = gctx
	for _, u := range urls {
		u := u
		g.Go(func() error {
			return download(ctx, u) // not cancelled when another download fails
		})
	}
	g.Wait() // the first error is lost
	return nil
}`,
    good: `func downloadAll(ctx context.Context, urls []string) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, u := range urls {
		u := u
		g.Go(func() error {
			return download(gctx, u)
		})
	}
	return g.Wait()
}`,
    fixes:
      '**Use the group context** replaces the parent context by the group context inside the function passed to `g.Go` (offered when the name is ' +
      'not shadowed or assigned there). **Return the error of `Wait`** turns `g.Wait()` into `if err := g.Wait(); err != nil { return err }` when ' +
      'the function returns just an `error`; it is not applied by fix-all, since it changes what the function returns.',
  },
  check(ctx) {
    const file = ctx.file;
    const pkg = file.importName(ERRGROUP);
    if (!pkg) return;
    for (const call of descendants(file.root, CALLS)) {
      if (file.isImportCall(call, ERRGROUP, 'WithContext')) {
        const group = groupOf(file, call);
        if (group) checkGoFuncs(file, group, ctx.report);
      } else if (isErrgroupCall(file, call, 'Wait') && callArgs(call).length === 0) {
        checkWait(file, call, ctx.report);
      }
    }
  },
};

type ReportFn = Parameters<Rule['check']>[0]['report'];

function groupOf(file: FileFacts, call: Node): Group | undefined {
  const decl = call.parent?.parent;
  if (decl?.type !== 'short_var_declaration' || call.parent?.type !== 'expression_list') return undefined;
  const [g, gctx] = decl.childForFieldName('left')?.namedChildren ?? [];
  const parent = callArgs(call)[0];
  if (g?.type !== 'identifier' || gctx?.type !== 'identifier' || !parent) return undefined;
  const p = unparen(parent);
  // `g, ctx := errgroup.WithContext(ctx)` rebinds the name: every later `ctx` is the group's.
  if (g.text === '_' || gctx.text === '_' || p.type !== 'identifier' || gctx.text === p.text) return undefined;
  const found = file.lookup(p.text, p);
  const parentIdentity = found?.decl ?? found?.param;
  return parentIdentity ? { decl, g, gctx, parent: p, parentIdentity } : undefined;
}

function refersTo(file: FileFacts, id: Node, identity: unknown): boolean {
  const found = file.lookup(id.text, id);
  return (found?.decl ?? found?.param) === identity;
}

/** Uses of the parent context inside the functions the group runs. */
function checkGoFuncs(file: FileFacts, group: Group, report: ReportFn): void {
  const fn = enclosingFunction(group.decl);
  if (!fn) return;
  const gDecl = file.lookup(group.g.text, group.g)?.decl;
  const gctxDecl = file.lookup(group.gctx.text, group.gctx)?.decl;
  for (const call of descendants(fn, CALLS)) {
    if (call.startIndex < group.decl.endIndex) continue;
    const parts = callParts(call);
    if (!parts || !GO.has(parts.name) || parts.receiverNode?.type !== 'identifier') continue;
    if (file.lookup(parts.receiverNode.text, parts.receiverNode)?.decl !== gDecl) continue;
    const lit = callArgs(call)[0];
    if (lit?.type !== 'func_literal') continue;
    const uses: Node[] = [];
    let usesGroupCtx = false;
    walk(lit, (n) => {
      if (n.type !== 'identifier') return;
      if (n.text === group.parent.text && refersTo(file, n, group.parentIdentity)) uses.push(n);
      else if (n.text === group.gctx.text && file.lookup(n.text, n)?.decl === gctxDecl) usesGroupCtx = true;
    });
    // A function that already uses gctx may mean to use the parent for something that must outlive the group.
    if (uses.length === 0 || usesGroupCtx) continue;
    // A parent used only to annotate log lines (cortex's `level.Error(logutil.WithContext(ctx, l)).Log(...)`)
    // is not watched: the function has nothing the group's context could stop.
    if (uses.every((u) => inLogLine(u, lit))) continue;
    const p = group.parent.text;
    const gc = group.gctx.text;
    const where = `the function passed to \`${quote(call.childForFieldName('function')!)}\` at line ${lineOf(call)}`;
    report({
      node: uses[0],
      message:
        `this \`${quote(call.childForFieldName('function')!, 24)}\` function uses the parent \`${p}\`, not \`${gc}\`: a failure elsewhere in the group does not stop it`,
      related: [
        { span: { start: call.startIndex, end: call.endIndex }, message: 'the function is passed to the group here' },
        { span: { start: group.gctx.startIndex, end: group.gctx.endIndex }, message: `\`${gc}\` is cancelled when the first function fails` },
        ...uses.slice(1).map((u) => ({ span: { start: u.startIndex, end: u.endIndex }, message: `\`${p}\` is used here too` })),
      ],
      steps: [
        `Line ${lineOf(group.decl)} derives \`${gc}\` from \`${p}\`; the group cancels \`${gc}\` when one of its functions returns an error.`,
        `Another function of group \`${group.g.text}\` fails: \`${gc}\` is cancelled, \`${p}\` is not.`,
        `${capital(where)} watches \`${p}\` (line ${lineOf(uses[0])}), so it keeps working until it finishes on its own, and \`${group.g.text}.Wait()\` waits for it.`,
      ],
      fixes: useGroupCtxFix(file, uses, group, gctxDecl),
    });
  }
}

/** `use` lies in a statement of `within` that writes a log line (see LOG_CALLS). */
function inLogLine(use: Node, within: Node): boolean {
  for (let n = use.parent; n && n.id !== within.id; n = n.parent) {
    if (FUNCTION_TYPES.has(n.type)) return false;
    if (n.type !== 'expression_statement') continue;
    const call = unparen(n.namedChildren[0] ?? n);
    const name = call.type === 'call_expression' ? callParts(call)?.name : undefined;
    if (name === undefined || !LOG_CALLS.test(name)) return false;
    // `logger.InfoContext(ctx, msg)` takes the context to log; a plain `Info(ctx, ...)` may be a
    // call that waits on it (a Redis client's INFO), so there it counts only inside another call.
    return name.endsWith('Context') || use.parent?.id !== call.childForFieldName('arguments')?.id;
  }
  return false;
}

function useGroupCtxFix(file: FileFacts, uses: Node[], group: Group, gctxDecl: unknown): Fix[] {
  for (const u of uses) {
    if (isWriteTarget(u) || (u.parent?.type === 'expression_list' && u.parent.parent?.type === 'assignment_statement')) return [];
    if (u.parent?.type === 'unary_expression' && u.parent.childForFieldName('operator')?.text === '&') return [];
    // gctx must mean the group context at every replaced spot (no shadowing declaration in between).
    const found = file.lookup(group.gctx.text, u);
    if (found?.decl !== gctxDecl) return [];
  }
  return [
    {
      title: `Use the group context \`${group.gctx.text}\` instead of \`${group.parent.text}\``,
      edits: uses.map((u) => replaceNode(u, group.gctx.text)),
      safe: true,
    },
  ];
}

/** `g.Wait()` as a statement, or `_ = g.Wait()`, when a function of the group can return an error. */
function checkWait(file: FileFacts, call: Node, report: ReportFn): void {
  const stmt = call.parent?.type === 'expression_list' ? call.parent.parent : call.parent;
  let discarded = false;
  if (stmt?.type === 'assignment_statement') {
    const left = stmt.childForFieldName('left')?.namedChildren ?? [];
    const right = stmt.childForFieldName('right')?.namedChildren ?? [];
    if (left.length !== 1 || left[0].text !== '_' || right[0]?.id !== call.id) return;
    discarded = true;
  } else if (stmt?.type !== 'expression_statement') {
    return;
  }
  const recv = callParts(call)!.receiverNode!;
  const failing = failingGoFunc(file, call, recv);
  if (!failing) return;
  const g = recv.text;
  report({
    node: discarded ? stmt! : call,
    message:
      `\`${g}.Wait()\` returns the group's first error, and ${discarded ? '`_ =` throws it away' : 'it is dropped here'}: every failure of the group goes unnoticed`,
    // Assigning to `_` is a visible decision; it is worth a look, not a warning. So is a test
    // that joins its goroutines with Wait and checks their results some other way (Xray's pipe
    // tests expect most writers to fail).
    severity: discarded || file.isTestSupport ? 'info' : undefined,
    related: [{ span: { start: failing.startIndex, end: failing.endIndex }, message: 'this error is lost' }],
    steps: [
      `A function of group \`${g}\` returns an error at line ${lineOf(failing)}.`,
      `\`${g}.Wait()\` (line ${lineOf(call)}) returns that error once all functions are done.`,
      'The caller never looks at it, so the failure is silently ignored.',
    ],
    fixes: returnErrorFix(file, stmt!, call),
  });
}

/**
 * A `return <not nil>` of a function passed to `Go` on the same group, in the function that waits;
 * for a function that is not a literal, the `g.Go(...)` call itself. Undefined when every function
 * in view returns only nil, or none is in view.
 */
function failingGoFunc(file: FileFacts, wait: Node, recv: Node): Node | undefined {
  const fn = enclosingFunction(wait);
  const head = unparen(recv);
  if (!fn || head.type !== 'identifier') return undefined;
  const identity = file.lookup(head.text, head)?.decl;
  if (!identity) return undefined;
  for (const call of descendants(fn, CALLS)) {
    if (call.startIndex >= wait.startIndex) break;
    const parts = callParts(call);
    if (!parts || !GO.has(parts.name) || parts.receiverNode?.type !== 'identifier' || parts.receiverNode.text !== head.text) continue;
    if (file.lookup(head.text, parts.receiverNode)?.decl !== identity) continue;
    const arg = callArgs(call)[0];
    if (!arg) continue;
    const bodies = functionsPassed(file, unparen(arg));
    if (!bodies) return call;
    for (const body of bodies) {
      const ret = nonNilReturn(body);
      if (ret) return ret;
    }
  }
  return undefined;
}

/**
 * The functions (literals or declarations, each with a body) that the argument of `Go` can be,
 * when this file shows them: a literal, a function of the file named, or a call of a function of
 * the file that returns only literals (Xray's `errg.Go(testGetFakeIP(i, addr, fkdns))`).
 * Undefined when what runs cannot be seen: it may fail.
 */
function functionsPassed(file: FileFacts, arg: Node): Node[] | undefined {
  if (arg.type === 'func_literal') return [arg];
  if (arg.type === 'identifier') {
    const local = file.lookup(arg.text, arg);
    const target = local?.decl || local?.param ? undefined : file.declarations.get(arg.text);
    return target?.body ? [target.node] : undefined;
  }
  if (arg.type !== 'call_expression') return undefined;
  const target = file.resolveCall(arg)?.target;
  if (!target?.body || target.kind === 'literal') return undefined;
  const literals: Node[] = [];
  let opaque = false;
  walk(target.body, (n) => {
    if (opaque || FUNCTION_TYPES.has(n.type)) return false;
    if (n.type !== 'return_statement') return;
    const values = n.namedChildren.filter((c) => c.type !== 'comment');
    const v = values[0]?.type === 'expression_list' ? values[0].namedChildren[0] : values[0];
    if (values.length === 1 && v && unparen(v).type === 'func_literal') literals.push(unparen(v));
    else opaque = true;
  });
  return opaque || literals.length === 0 ? undefined : literals;
}

function nonNilReturn(lit: Node): Node | undefined {
  let found: Node | undefined;
  walk(lit.childForFieldName('body')!, (n) => {
    if (found || FUNCTION_TYPES.has(n.type)) return false;
    if (n.type !== 'return_statement') return;
    const value = n.namedChildren.find((c) => c.type !== 'comment');
    const v = value?.type === 'expression_list' ? value.namedChildren[0] : value;
    // `return ctx.Err()` only reports the cancellation the caller caused: not a failure to keep.
    if (v && unparen(v).text !== 'nil' && !isCtxErr(unparen(v))) found = v;
  });
  return found;
}

/** `ctx.Err()` (or `context.Cause(ctx)`) of a context value. */
function isCtxErr(n: Node): boolean {
  if (n.type !== 'call_expression') return false;
  const parts = callParts(n);
  if (parts?.name === 'Err' && parts.receiverNode && callArgs(n).length === 0) return /ctx|context/i.test(parts.receiverNode.text);
  return parts?.receiver === 'context' && parts.name === 'Cause';
}

/** `if err := g.Wait(); err != nil { return err }` in a function whose only result is an error. */
function returnErrorFix(file: FileFacts, stmt: Node, call: Node): Fix[] {
  const fn = file.functionOf(stmt);
  if (!fn || fn.results.length !== 1 || fn.results[0] !== 'error' || stmt.parent?.type !== 'statement_list') return [];
  if (!standsAlone(file.source, stmt)) return [];
  const indent = indentAt(file.source, stmt.startIndex);
  const nl = eol(file.source);
  const text = [`if err := ${call.text}; err != nil {`, `${indent}\treturn err`, `${indent}}`].join(nl);
  return [{ title: `Return the error of \`${call.text}\``, edits: [replaceNode(stmt, text)], safe: false }];
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
