/**
 * Facts about `context.Context` that cancellation rules share: which ctx variables are visible
 * at a node, whether code watches a cancellation signal, and the `return` statement a
 * cancelled function should run. Syntax only: a ctx is a name the code declares as
 * `context.Context` (a parameter) or gets from `context.With*` / `errgroup.WithContext`.
 * `context.Background()` and `context.TODO()` are never cancelled, so they do not count.
 */
import { valuesAssigned, type FileFacts, type FuncInfo, type GoStmt, type VarDecl } from './facts';
import { calleeKey, funcKey, type PackageView } from './package';
import { neverCancelled } from './uncancelled';
import type { Node } from '../syntax/parser';
import { callArgs, callParts, caseReceive, defaultCase, descendants, enclosingFunction, FUNCTION_TYPES, isPackageCall, lineOf, receivedChannel, selectCases, unparen, walk } from '../syntax/nodes';

export { neverCancelled };

export interface CtxVar {
  name: string;
  /** The identifier (or parameter) that declares it. */
  node: Node;
  /** The function that declares it. */
  fn: FuncInfo;
}

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
  return !(d.init && neverCancelled(file, d.init));
}

/**
 * A context parameter that can never be cancelled: the function is unexported, and each of its
 * calls passes a context that {@link neverCancelled} (jaeger's trace generator:
 * `context.Background()` with a span, handed to one helper; juicefs' `cachedStore.upload`, always
 * given `context.WithValue(context.Background(), ...)`). Calls in this file are read from the
 * syntax, where uses are told from other things of the same name (another type's method, a
 * parameter) by the callee's type, and a use that is not a call (a method value) may pass
 * anything, and proves nothing. Calls in the package's other files are read from their summaries
 * (Op.uncancelled: juicefs' storage self-test, called from its format, mount and config commands).
 */
export function neverCancelledParam(file: FileFacts, view: PackageView, c: CtxVar, depth = 0): boolean {
  if (depth > 3) return false;
  const index = c.fn.params.findIndex((p) => p.node.id === c.node.id);
  const key = c.fn.kind === 'literal' ? undefined : funcKey(c.fn);
  const name = c.fn.name;
  if (index < 0 || !key || !name || !/^[a-z_]/.test(name)) return false;
  // Callers in the package's other files are known by their summaries: each of their calls must
  // pass a context nothing cancels (a use there as a value is not seen).
  let elsewhere = 0;
  for (const caller of view.callers(key)) {
    if (caller.file === file.fileName) continue;
    for (const op of caller.ops) {
      if (op.kind !== 'call' || op.target !== key) continue;
      if (!op.uncancelled?.includes(index)) return false;
      elsewhere++;
    }
  }
  const calls: Node[] = [];
  for (const x of descendants(file.root, new Set(['identifier', 'field_identifier']))) {
    if (x.text !== name || x.parent?.childForFieldName('name')?.id === x.id) continue; // a declaration's name (fn's own, another type's method)
    const sel = x.parent?.type === 'selector_expression' && x.parent.childForFieldName('field')?.id === x.id ? x.parent : undefined;
    const use = sel ?? x;
    const call = use.parent?.type === 'call_expression' && use.parent.childForFieldName('function')?.id === use.id ? use.parent : undefined;
    const callee = call ? calleeKey(file, call) : undefined;
    if (callee === key) calls.push(call!);
    // A call whose callee is not known, or a use as a value, that may name fn: unknown arguments.
    else if (callee === undefined && (sel ? methodValueOf(file, sel, c.fn) : !file.lookup(x.text, x))) return false;
  }
  if (calls.length + elsewhere === 0) return false;
  return calls.every((call) => {
    const arg = callArgs(call)[index];
    return arg !== undefined && (neverCancelled(file, arg) || passedOn(file, view, arg, depth));
  });
}

/**
 * The argument is a context parameter of the calling function (or of a function around the
 * literal that calls), itself never cancelled (argo-rollouts: `ctx := context.TODO()`, handed to
 * `syncEphemeralMetadata`, whose errgroup goroutines hand it to the retry loop).
 */
function passedOn(file: FileFacts, view: PackageView, arg: Node, depth: number): boolean {
  const n = unparen(arg);
  if (n.type !== 'identifier') return false;
  const found = file.lookup(n.text, n);
  if (!found?.param || !found.fn || !isContextType(found.param.type) || valuesAssigned(found.fn.node, n.text)?.length !== 0) return false;
  return neverCancelledParam(file, view, { name: n.text, node: found.param.node, fn: found.fn }, depth + 1);
}

/** `x.m` may name method `m` of `fn`'s receiver type: x has that type, or a type not known. */
function methodValueOf(file: FileFacts, sel: Node, fn: FuncInfo): boolean {
  const operand = sel.childForFieldName('operand');
  const type = operand ? file.typeOf(operand)?.replace(/^\*/, '') : undefined;
  return type === undefined || type === fn.receiver?.typeName;
}

/** True when `n` is or contains `X.Done()` of one of the named contexts (`<-ctx.Done()`, `case <-gctx.Done():`). */
export function watchesDone(n: Node, ctxNames: ReadonlySet<string>): boolean {
  return descendants(n, 'call_expression').some((x) => {
    const parts = callParts(x);
    return parts?.name === 'Done' && ctxNames.has(parts.receiver ?? '');
  });
}

/** `X.Done()` with no arguments: a context's (or a similar object's) cancellation channel. */
export function isDoneCall(node: Node): boolean {
  const n = unparen(node);
  return n.type === 'call_expression' && callParts(n)?.name === 'Done' && callParts(n)?.receiver !== undefined && callArgs(n).length === 0;
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
      const polling = select?.type === 'select_statement' && defaultCase(select) !== undefined;
      (polling ? polls : waits).push(n);
    } else if (n.type === 'call_expression') {
      const parts = callParts(n);
      if (parts?.name === 'Err' && parts.receiver && ctxNames.has(parts.receiver) && callArgs(n).length === 0) polls.push(n);
    }
  });
  return { waits, polls };
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
 * A context that lives as long as the process: a parameter of an unexported function to which
 * every call in the package's own code (tests aside) passes a package-level context variable (minio's `GlobalContext`,
 * cancelled only as the server exits), directly or through a parameter of a caller that is
 * itself such a context. Undefined callers (none in the package, a function value) prove nothing.
 */
export function processLifetime(view: PackageView, c: CtxVar): boolean {
  const index = c.fn.params.findIndex((p) => p.node.id === c.node.id);
  const key = c.fn.kind === 'literal' ? undefined : funcKey(c.fn);
  return index >= 0 && key !== undefined && passedProcessContext(view, key, index, 0);
}

/** Parameter `index` of the function `key` is a context that lives as long as the process (see {@link processLifetime}). */
export function processLifetimeParam(view: PackageView, key: string, index: number): boolean {
  return passedProcessContext(view, key, index, 0);
}

function passedProcessContext(view: PackageView, key: string, index: number, depth: number): boolean {
  const name = key.slice(key.lastIndexOf('.') + 1);
  // An exported function can be called from other packages with any context.
  if (depth > 3 || !/^[a-z_]/.test(name)) return false;
  // What the program passes decides; tests may call with a context of their own.
  const callers = view.callers(key).filter((f) => !/_test\.go$/.test(f.file));
  if (callers.length === 0) return false;
  return callers.every((caller) =>
    caller.ops
      .filter((op) => op.kind === 'call' && op.target === key)
      .every((op) => {
        const arg = op.args?.[index];
        if (!arg) return false;
        if (arg.startsWith('var:')) return isContextType(view.varType(arg.slice(4)));
        const m = /^param(\d+)$/.exec(arg);
        return m !== null && passedProcessContext(view, caller.key, Number(m[1]), depth + 1);
      }),
  );
}

const CANCEL_ONLY = new Set(['WithCancel', 'WithCancelCause']);

/**
 * A context its own function cancels only on the way out: `ctx, cancel :=
 * context.WithCancel(context.Background())` whose `cancel` is used by nothing but `defer cancel()`.
 * While that function runs, nothing can cancel it (nomad's deployment monitor); code the function
 * hands it to (a goroutine) does see it end.
 */
export function cancelledOnlyAtReturn(file: FileFacts, c: CtxVar): boolean {
  const decl = file.locals(c.fn).find((d) => d.node.id === c.node.id);
  const m = decl?.multi;
  if (!m || m.index !== 0 || !isPackageCall(m.call, 'context', CANCEL_ONLY)) return false;
  const parent = callArgs(m.call)[0];
  if (!parent || !neverCancelled(file, parent)) return false;
  const cancel = file.locals(c.fn).find((d) => d.statement.id === decl!.statement.id && d.multi?.index === 1);
  if (!cancel || !c.fn.body) return false;
  const uses = descendants(c.fn.body, 'identifier').filter((id) => id.text === cancel.name && id.id !== cancel.node.id);
  return uses.length > 0 && uses.every((id) => {
    const call = id.parent;
    return call?.type === 'call_expression' && call.childForFieldName('function')?.id === id.id && call.parent?.type === 'defer_statement';
  });
}
