/**
 * Facts about `context.Context` that cancellation rules share: which ctx variables are visible
 * at a node, whether code watches a cancellation signal, and the `return` statement a
 * cancelled function should run. Syntax only: a ctx is a name the code declares as
 * `context.Context` (a parameter) or gets from `context.With*` / `errgroup.WithContext`.
 * `context.Background()` and `context.TODO()` are never cancelled, so they do not count.
 */
import type { FileFacts, FuncInfo, GoStmt, VarDecl } from './facts';
import { eol, indentAt, replaceNode, standsAlone } from './edits';
import type { Node } from './parser';
import type { TextEdit } from './rule';
import { FUNCTION_TYPES, callArgs, callParts, enclosingFunction, isPackageCall, lineOf, unparen, walk } from './syntax';

export interface CtxVar {
  name: string;
  /** The identifier (or parameter) that declares it. */
  node: Node;
  /** The function that declares it. */
  fn: FuncInfo;
}

const NEVER_CANCELLED = new Set(['Background', 'TODO']);

export function isContextType(type: string | undefined): boolean {
  return type === 'context.Context';
}

const CONTEXT_TEXT = /\bcontext\.(Context|With)|errgroup\.WithContext/;

/** Cheap first test: a file that never writes `context.Context`, `context.With*` or `errgroup.WithContext` declares no ctx. */
export function mayHaveContexts(file: FileFacts): boolean {
  return CONTEXT_TEXT.test(file.text);
}

/**
 * The ctx variables visible at `at`, nearest first: locals of the innermost function declared
 * before `at` (latest first), its parameters, then the same for each enclosing function (closures
 * capture them). A name shadowed by a non-context declaration is left out.
 */
export function contextsInScope(file: FileFacts, at: Node): CtxVar[] {
  const out: CtxVar[] = [];
  const seen = new Set<string>();
  const consider = (name: string) => {
    if (!name || name === '_' || seen.has(name)) return;
    seen.add(name);
    const found = file.lookup(name, at);
    if (!found?.fn) return;
    if (found.param && isContextType(found.param.type)) out.push({ name, node: found.param.node, fn: found.fn });
    else if (found.decl && isContextDecl(file, found.decl)) out.push({ name, node: found.decl.node, fn: found.fn });
  };
  for (let fnNode = enclosingFunction(at); fnNode; fnNode = enclosingFunction(fnNode)) {
    const fn = file.funcInfo(fnNode);
    // Only declarations that can hold a context are looked up (lookups are linear in the locals).
    const locals = file.locals(fn).filter((d) => d.node.startIndex < at.startIndex && mayBeContextDecl(d));
    for (let i = locals.length - 1; i >= 0; i--) consider(locals[i].name);
    for (const p of fn.params) if (isContextType(p.type)) consider(p.name);
  }
  return out;
}

/** Syntactic pre-check for {@link isContextDecl}: a declared context type or a `context.*` / `errgroup.*` call with several results. */
function mayBeContextDecl(d: VarDecl): boolean {
  if (d.type) return isContextType(d.type);
  const parts = d.multi ? callParts(d.multi.call) : undefined;
  return parts?.receiver === 'context' || parts?.receiver === 'errgroup';
}

/** A local that holds a cancellable context: `ctx, cancel := context.WithTimeout(...)`, `g, gctx := errgroup.WithContext(ctx)`. */
function isContextDecl(file: FileFacts, d: VarDecl): boolean {
  if (!isContextType(file.typeOf(d.node))) return false;
  return !(d.init && isPackageCall(unparen(d.init), 'context', NEVER_CANCELLED));
}

/** `X.Done()` with no arguments: a context's (or a similar object's) cancellation channel. */
export function isDoneCall(node: Node): boolean {
  const n = unparen(node);
  return n.type === 'call_expression' && callParts(n)?.name === 'Done' && callParts(n)?.receiver !== undefined && callArgs(n).length === 0;
}

/** The channel operand of a receive expression `<-ch`, or undefined when `node` is not one. */
export function receivedChannel(node: Node | null | undefined): Node | undefined {
  if (!node) return undefined;
  const n = unparen(node);
  if (n.type !== 'unary_expression' || n.childForFieldName('operator')?.text !== '<-') return undefined;
  return n.childForFieldName('operand') ?? undefined;
}

/**
 * Words that by convention name a stop signal, alone or with a `c`/`ch`/`chan` suffix: `done`,
 * `quitc`, `stopCh`, `s.closing`, `t.Dying()`, `w.closeNotify`, `ctxDone`. Receiving from one means
 * the code already has a way to be told to stop.
 */
const STOP_WORD = /^(done|quit|stop|stopped|stopping|close|closed|closing|shutdown|exit|exiting|dying|die|cancel|cancell?ed|abort|kill|term|terminate)(c|ch|chan)?$/;

/** True when one of the camelCase or snake_case words of `name` is a stop word. */
function hasStopWord(name: string): boolean {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_]+/)
    .some((w) => STOP_WORD.test(w.toLowerCase()));
}

/**
 * True when `chan` (the operand of a receive) is `X.Done()`, a channel named like a stop signal,
 * or, given the file, a local initialised from `X.Done()` (`done := ctx.Done()`).
 */
export function isStopSignal(chan: Node, file?: FileFacts): boolean {
  const n = unparen(chan);
  if (isDoneCall(n)) return true;
  let name: string | undefined;
  if (n.type === 'identifier') name = n.text;
  else if (n.type === 'selector_expression') name = n.childForFieldName('field')?.text;
  else if (n.type === 'call_expression') name = callParts(n)?.name;
  if (name !== undefined && hasStopWord(name)) return true;
  if (file && n.type === 'identifier') {
    const init = file.lookup(n.text, n)?.decl?.init;
    return init !== undefined && isDoneCall(init);
  }
  return false;
}

/** The receive of a select case (`case v := <-ch:`, `case <-ch:`), or undefined for sends and default. */
export function caseReceive(commCase: Node): { channel: Node; left: Node[] } | undefined {
  const comm = commCase.childForFieldName('communication');
  if (!comm) return undefined;
  if (comm.type === 'receive_statement') {
    const channel = receivedChannel(comm.childForFieldName('right'));
    const left = (comm.childForFieldName('left')?.namedChildren ?? []).filter((x): x is Node => x !== null);
    return channel ? { channel, left } : undefined;
  }
  if (comm.type === 'expression_statement') {
    const channel = receivedChannel(comm.namedChild(0));
    return channel ? { channel, left: [] } : undefined;
  }
  return undefined;
}

/** The cases of a select statement (communication and default cases). */
export function selectCases(select: Node): Node[] {
  return select.namedChildren.filter((c): c is Node => c !== null && (c.type === 'communication_case' || c.type === 'default_case'));
}

/** True when the select has a case receiving from a cancellation signal (`<-ctx.Done()`, `<-done`). */
export function selectWatchesStop(select: Node, file?: FileFacts): boolean {
  return selectCases(select).some((c) => {
    const r = c.type === 'communication_case' ? caseReceive(c) : undefined;
    return r !== undefined && isStopSignal(r.channel, file);
  });
}

/**
 * How code under `root` (not inside nested function literals) looks at stop signals.
 * `waits`: receives that block until a stop signal fires (`case <-ctx.Done():` in a select
 * without default, a bare `<-done`). `polls`: checks that return at once (`ctx.Done()` in a select
 * with a default case, `ctx.Err()` on one of `ctxNames`); a poll cannot interrupt a blocked operation.
 */
export function stopChecks(file: FileFacts, root: Node, ctxNames: ReadonlySet<string>): { waits: Node[]; polls: Node[] } {
  const waits: Node[] = [];
  const polls: Node[] = [];
  walk(root, (n) => {
    if (n.id !== root.id && FUNCTION_TYPES.has(n.type)) return false;
    const chan = receivedChannel(n);
    if (chan && isStopSignal(chan, file)) {
      // `case <-ctx.Done():` parses as receive_statement > unary_expression under the case.
      const commCase = [n.parent, n.parent?.parent].find((p) => p?.type === 'communication_case');
      const select = commCase?.parent;
      const polling = select?.type === 'select_statement' && selectCases(select).some((c) => c.type === 'default_case');
      (polling ? polls : waits).push(n);
    } else if (n.type === 'call_expression') {
      const parts = callParts(n);
      if (parts?.name === 'Err' && parts.receiver && ctxNames.has(parts.receiver) && callArgs(n).length === 0) polls.push(n);
    }
  });
  return { waits, polls };
}

const NUMERIC = /^(u?int(8|16|32|64)?|uintptr|byte|rune|float(32|64)|complex(64|128)|time\.Duration)$/;
const NILABLE = /^(\*|\[\]|map\[|chan\b|<-\s*chan\b|func\b|interface\s*\{)/;

/** The zero value of a result type as Go source, when it is obvious from the syntax. */
export function zeroValue(file: FileFacts, typeNode: Node): string | undefined {
  const t = typeNode.text.trim();
  if (NUMERIC.test(t)) return '0';
  if (t === 'string') return '""';
  if (t === 'bool') return 'false';
  if (t === 'error' || t === 'any' || NILABLE.test(t)) return 'nil';
  // A struct type declared at the top of this file (not generic): its composite literal is the zero value.
  if (/^[A-Za-z_]\w*$/.test(t) && isPlainStruct(file, t)) return `${t}{}`;
  return undefined;
}

/** True when the file declares `type <name> struct{...}` at package level, without type parameters. */
function isPlainStruct(file: FileFacts, name: string): boolean {
  let plain = false;
  walk(file.root, (n) => {
    if (plain || FUNCTION_TYPES.has(n.type)) return false;
    if (n.type === 'type_spec' && n.childForFieldName('name')?.text === name) {
      plain = n.childForFieldName('type')?.type === 'struct_type' && !n.childForFieldName('type_parameters');
    }
  });
  return plain;
}

/**
 * The statement a function should run when `ctxName` is cancelled: `return` for a function
 * without results, `return <zeros>, ctx.Err()` when its last result is `error`. Results whose zero
 * value is not obvious are returned by name when the results are named. Undefined when no such
 * statement is certainly right (a last result that is not `error`, an unknown type without a name).
 */
export function cancelReturn(file: FileFacts, fn: FuncInfo, ctxName: string): string | undefined {
  const result = fn.node.childForFieldName('result');
  if (!result) return 'return';
  const entries: { name?: string; type: Node }[] = [];
  if (result.type === 'parameter_list') {
    for (const p of result.namedChildren) {
      if (p?.type !== 'parameter_declaration') continue;
      const type = p.childForFieldName('type');
      if (!type) return undefined;
      const names = p.childrenForFieldName('name').filter((x): x is Node => x !== null);
      if (names.length === 0) entries.push({ type });
      for (const nm of names) entries.push({ name: nm.text, type });
    }
  } else {
    entries.push({ type: result });
  }
  if (entries.length === 0) return 'return';
  const last = entries[entries.length - 1];
  if (last.type.text.trim() !== 'error') return undefined;
  const values: string[] = [];
  for (const e of entries.slice(0, -1)) {
    const zero = zeroValue(file, e.type) ?? (e.name && e.name !== '_' ? e.name : undefined);
    if (!zero) return undefined;
    values.push(zero);
  }
  values.push(`${ctxName}.Err()`);
  return `return ${values.join(', ')}`;
}

/** The go statement that starts `fn` as a goroutine (`go func(){...}()`, `go worker(...)`), when the file shows one. */
export function goStatementFor(file: FileFacts, fn: FuncInfo): GoStmt | undefined {
  return file.goStatements.find((g) => g.target?.node.id === fn.node.id);
}

/** How messages name the code running a function: "the goroutine started at line 12", "`serve`". */
export function describeRunner(file: FileFacts, fn: FuncInfo): string {
  const g = goStatementFor(file, fn);
  if (g) return `the goroutine started at line ${lineOf(g.node)}`;
  if (fn.name) return `\`${fn.name}\``;
  return `the function literal at line ${lineOf(fn.node)}`;
}

/**
 * True when code under `node` calls a cancel function itself (`cancel()`, `cancelFn()`): a
 * context it then waits under is one it ends on purpose, not its caller's.
 */
export function callsCancel(node: Node): boolean {
  let found = false;
  walk(node, (n) => {
    if (found) return false;
    if (n.type !== 'call_expression') return;
    const f = n.childForFieldName('function');
    if (f?.type === 'identifier' && /^cancel/i.test(f.text) && callArgs(n).length === 0) found = true;
  });
  return found;
}

/** The outermost declared function around `node` (closures included), or undefined at package level. */
export function outermostFunction(file: FileFacts, node: Node): FuncInfo | undefined {
  let top: Node | undefined;
  for (let f = enclosingFunction(node); f; f = enclosingFunction(f)) top = f;
  return top ? file.funcInfo(top) : undefined;
}

/**
 * Replaces a one-line statement with a select that runs `caseHeader` (a send or a receive) or,
 * when `ctxName` is cancelled, runs `ret` (or nothing when `ret` is omitted), laid out as gofmt would:
 *
 *	select {
 *	case out <- v:
 *	case <-ctx.Done():
 *		return ctx.Err()
 *	}
 */
export function wrapInCancelSelect(file: FileFacts, stmt: Node, caseHeader: string, ctxName: string, ret?: string): TextEdit | undefined {
  if (!standsAlone(file.source, stmt) || /[\r\n]/.test(caseHeader)) return undefined;
  const indent = indentAt(file.source, stmt.startIndex);
  const lines = ['select {', `case ${caseHeader}:`, `case <-${ctxName}.Done():`, ...(ret ? [`\t${ret}`] : []), '}'];
  return replaceNode(stmt, lines.map((l, i) => (i === 0 ? l : indent + l)).join(eol(file.source)));
}

/**
 * True when a `return` inserted at `stmt` would skip no work the function does after it, apart
 * from the rest of the innermost loop around `stmt` (leaving that loop early is the point): every
 * statement list outside that loop continues with nothing or just a `return`, and no outer loop
 * would lose iterations. Without a loop around `stmt`, everything after it must be empty or a `return`.
 */
export function returnSkipsNoWork(stmt: Node): boolean {
  let outsideLoop = ancestorLoop(stmt) === undefined;
  for (let n: Node = stmt; n.parent; n = n.parent) {
    const up = n.parent;
    if (outsideLoop && up.type === 'statement_list') {
      const rest: Node[] = [];
      for (let sib = n.nextNamedSibling; sib; sib = sib.nextNamedSibling) if (sib.type !== 'comment') rest.push(sib);
      if (rest.length > 1 || (rest.length === 1 && rest[0].type !== 'return_statement')) return false;
    }
    if (FUNCTION_TYPES.has(up.type)) return true;
    if (up.type === 'for_statement') {
      if (outsideLoop) return false; // an outer loop would lose its remaining iterations
      outsideLoop = true;
    }
  }
  return false;
}

function ancestorLoop(node: Node): Node | undefined {
  for (let n = node.parent; n && !FUNCTION_TYPES.has(n.type); n = n.parent) if (n.type === 'for_statement') return n;
  return undefined;
}

/**
 * Inserts `case <-ctx.Done():` followed by `ret` as the first case of a select, indented like
 * the other cases. (A case node ends at the start of the next line, so the generic line helpers
 * of edits.ts do not apply.) Undefined when the first case shares its line with other code.
 */
export function insertDoneCase(file: FileFacts, select: Node, ctxName: string, ret: string): TextEdit | undefined {
  const first = selectCases(select)[0];
  if (!first) return undefined;
  const source = file.source;
  const at = source.lineStart(source.lineAt(first.startIndex));
  if (!/^[ \t]*$/.test(source.text.slice(at, first.startIndex))) return undefined;
  const indent = indentAt(source, first.startIndex);
  const nl = eol(source);
  return { start: at, end: at, newText: `${indent}case <-${ctxName}.Done():${nl}${indent}\t${ret}${nl}` };
}
