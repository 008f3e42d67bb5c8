/**
 * Calls that never return to their caller: `panic`, `os.Exit`, `log.Fatal*` and `log.Panic*`,
 * `runtime.Goexit`, the `Fatal*`/`FailNow`/`Skip*` methods of `*testing.T`, `B`, `F` and
 * `testing.TB`, the fatal functions of common logging packages, test helpers of other packages
 * named like them and handed the test (`testutil.FatalStack(t, msg)`), and functions of the package
 * that end in one of those on every path (test helpers such as `func fail(t *testing.T, ...)`).
 */
import { funcKey, type FileFacts, type FuncInfo } from './facts';
import type { Node } from '../syntax/parser';
import { FUNCTION_TYPES, ancestor, blockStatements, callArgs, callParts, contains, statementOf, unparen, walk } from '../syntax/nodes';
import { skeletonOf } from './skeleton';
import { buildCfg, type NoReturn } from './cfg';

const TESTING_TYPES = /^\*?testing\.(T|B|F|TB)$/;
const TESTING_STOPS = new Set(['Fatal', 'Fatalf', 'FailNow', 'Skip', 'Skipf', 'SkipNow']);

/** Names of test helpers that end the test as `t.Fatal` does: `Fatal`, `Fatalf`, `FatalStack`. */
const HELPER_FATAL = /^(Fatal|Fatalf|Fatalln|FatalStack|FailNow)$/;

const FATAL_OR_PANIC = new Set(['Fatal', 'Fatalf', 'Fatalln', 'Panic', 'Panicf', 'Panicln']);
const FATAL_OR_EXIT = new Set(['Fatal', 'Fatalf', 'Fatalln', 'Exit', 'Exitf', 'Exitln']);

/** Package functions that stop the program or the goroutine, by import path. */
const PACKAGE_STOPS: [string, ReadonlySet<string>][] = [
  ['os', new Set(['Exit'])],
  ['log', FATAL_OR_PANIC],
  ['runtime', new Set(['Goexit'])],
  ['github.com/sirupsen/logrus', FATAL_OR_PANIC],
  ['k8s.io/klog', FATAL_OR_EXIT],
  ['k8s.io/klog/v2', FATAL_OR_EXIT],
  ['github.com/golang/glog', FATAL_OR_EXIT],
];

/** True when `expr` is a `*testing.T`, `B`, `F` or `testing.TB` value (as far as the file shows its type). */
export function isTestingValue(file: FileFacts, expr: Node): boolean {
  const type = file.typeOf(unparen(expr));
  return type !== undefined && TESTING_TYPES.test(type.replace(/\s+/g, ''));
}

/**
 * A value of a struct that embeds testify's `suite.Suite` (`s.FailNow(msg)` in a suite method ends
 * the test as `t.FailNow` does: temporal's SDK tests).
 */
function isTestifySuite(file: FileFacts, expr: Node): boolean {
  const alias = [...file.imports].find(([, path]) => path === 'github.com/stretchr/testify/suite')?.[0];
  const type = alias ? file.typeOf(unparen(expr))?.replace(/^\*/, '') : undefined;
  const fields = type ? file.structs.get(type) ?? file.pkg?.structFields?.(type) : undefined;
  return !!fields && [...fields.values()].some((t) => t.replace(/^\*/, '') === `${alias}.Suite`);
}

const TEST_FAILURES = new Set(['Error', 'Errorf', 'Fail']);

/** `t.Error(...)`, `t.Errorf(...)` or `t.Fail()` on a testing value: the test has failed, and goes on. */
export function recordsTestFailure(file: FileFacts, call: Node): boolean {
  const parts = call.type === 'call_expression' ? callParts(call) : undefined;
  return !!parts?.receiverNode && TEST_FAILURES.has(parts.name) && isTestingValue(file, parts.receiverNode);
}

const ERROR_BUILDERS: [string, ReadonlySet<string>][] = [
  ['fmt', new Set(['Errorf'])],
  ['errors', new Set(['New'])],
];

/**
 * True in a test when `stmt` stores a freshly built error (`err = fmt.Errorf("want %d, got %d",
 * ...)`, `errors.New(...)`) under an `if` of its own function, or stores the very value an
 * enclosing `if` found failed (`if st != 0 { errno = st }`, juicefs' metadata tests; `if err !=
 * nil { failed = err }`): the way a test's goroutine reports a failed check to the test, so the
 * statement runs only on a run that is already failing.
 */
export function recordsFailedCheck(file: FileFacts, stmt: Node): boolean {
  if (!file.isTest || stmt.type !== 'assignment_statement' || stmt.childForFieldName('operator')?.text !== '=') return false;
  const right = stmt.childForFieldName('right')?.namedChildren ?? [];
  const value = right.length === 1 ? unparen(right[0]) : undefined;
  const built = value?.type === 'call_expression' && ERROR_BUILDERS.some(([path, names]) => file.isImportCall(value, path, names));
  if (!built && value?.type !== 'identifier') return false;
  for (let x: Node = stmt, p = stmt.parent; p && !FUNCTION_TYPES.has(p.type); x = p, p = p.parent) {
    if (p.type !== 'if_statement' || p.childForFieldName('condition')?.id === x.id || p.childForFieldName('initializer')?.id === x.id) continue;
    if (built) return true;
    if (p.childForFieldName('alternative')?.id !== x.id && isFailureCheck(p.childForFieldName('condition'), value!.text)) return true;
  }
  return false;
}

/** `v != nil`, `v != 0` (either side): the condition holds when `v` reports a failure. */
function isFailureCheck(cond: Node | null, name: string): boolean {
  const c = cond ? unparen(cond) : undefined;
  if (c?.type !== 'binary_expression' || c.childForFieldName('operator')?.text !== '!=') return false;
  const [l, r] = [c.childForFieldName('left'), c.childForFieldName('right')];
  const zero = (n: Node | null) => n?.type === 'nil' || (n?.type === 'int_literal' && n.text === '0');
  return (l?.text === name && zero(r)) || (r?.text === name && zero(l));
}

/** `t.Fatal(...)`, `t.FailNow()`, `t.Skip(...)` and the like on a testing value: the test's goroutine ends there. */
export function endsTestGoroutine(file: FileFacts, call: Node): boolean {
  const parts = call.type === 'call_expression' ? callParts(call) : undefined;
  return !!parts?.receiverNode && TESTING_STOPS.has(parts.name) && isTestingValue(file, parts.receiverNode);
}

/**
 * True in a test when what runs after `node` in its block is `t.Fatal(...)`, `t.Error(...)` or
 * the like: it runs only on a path where the test has already failed (a timeout branch that cleans
 * up and then calls `t.Fatal`). For the receive of a select case, what follows is the case's body
 * (`case <-timer.C: t.Error("timeout")`).
 */
export function onFailingTestPath(file: FileFacts, node: Node): boolean {
  if (!file.isTest) return false;
  const c = ancestor(node, 'communication_case');
  const comm = c?.childForFieldName('communication');
  let after: Node[];
  if (c && comm && contains(comm, node)) after = blockStatements(c);
  else {
    const stmt = statementOf(node);
    after = [];
    for (let next = stmt?.nextNamedSibling; next; next = next.nextNamedSibling) after.push(next);
  }
  return after.some((s) => {
    const call = s.type === 'expression_statement' ? s.namedChild(0) : null;
    return call?.type === 'call_expression' && (endsTestGoroutine(file, call) || recordsTestFailure(file, call));
  });
}

const memo = new WeakMap<FileFacts, { pred: NoReturn; helpers: Map<number, boolean | 'pending'> }>();

/** The never-returns predicate of a file, memoised: helpers are decided once per function. */
export function noReturn(file: FileFacts): NoReturn {
  let m = memo.get(file);
  if (!m) {
    const helpers = new Map<number, boolean | 'pending'>();
    const pred: NoReturn = (call) => stops(file, call, pred, helpers);
    m = { pred, helpers };
    memo.set(file, m);
  }
  return m.pred;
}

function stops(file: FileFacts, call: Node, pred: NoReturn, helpers: Map<number, boolean | 'pending'>): boolean {
  const parts = callParts(call);
  if (!parts) return false;
  if (parts.receiver === undefined) {
    if (parts.name === 'panic') return !file.lookup('panic', call) && !file.declarations.has('panic');
  } else if (parts.receiverNode?.type === 'identifier' && file.isPackageName(parts.receiver) && !file.lookup(parts.receiver, call)) {
    if (PACKAGE_STOPS.some(([path, names]) => file.isImportCall(call, path, names))) return true;
    // A test helper of another package named like t.Fatal and handed the test: `testutil.FatalStack(t, msg)`.
    // Conditional helpers (`FatalIf`, `FatalOnErr`) are named otherwise.
    return HELPER_FATAL.test(parts.name) && callArgs(call).some((a) => isTestingValue(file, a));
  } else if (TESTING_STOPS.has(parts.name) && parts.receiverNode && (isTestingValue(file, parts.receiverNode) || isTestifySuite(file, parts.receiverNode))) {
    return true;
  }
  // A function or method of this file that never returns normally.
  const target = file.resolveCall(call)?.target;
  return !!target && helperStops(file, target, pred, helpers);
}

/**
 * What earlier reviews learnt, by declaration node: an untouched declaration is the same node in
 * the next tree (see copyTree). The functions its statements call (by key) hold while the file's
 * skeleton (imports, types, names that shadow `panic` or `log`) does; its verdict holds while,
 * besides, the verdicts of those functions are the same.
 */
interface Learnt {
  skeleton: object;
  /** Keys (`T.m`, `f`) of the file's functions the statements call, in order; undefined when one is not a declared function. */
  callees: string[] | undefined;
  /** The body names a call that may stop by itself (`panic(`, `os.Exit(`, `t.Fatal(`). */
  mayStop: boolean;
  /** The verdict, and the callees' verdicts it was reached with. */
  verdict?: { callees: string; stops: boolean };
}
/** What was learnt about a declaration, for each of the file's last two skeletons (see skeletonToken). */
const learnt = new WeakMap<Node, Learnt[]>();

function learntFor(node: Node, skeleton: object): Learnt | undefined {
  return learnt.get(node)?.find((l) => l.skeleton === skeleton);
}

function remember(node: Node, l: Learnt): void {
  const list = (learnt.get(node) ?? []).filter((x) => x.skeleton !== l.skeleton);
  list.push(l);
  learnt.set(node, list.slice(-SKELETONS_PER_FILE));
}

/**
 * A token per distinct skeleton of a file: the same object for two reviews whose skeletons are
 * equal, so what was learnt compares it by identity (a skeleton is compared as text once per review).
 */
function skeletonToken(file: FileFacts): object {
  let token = tokens.get(file);
  if (!token) {
    const skeleton = skeletonOf(file);
    // A file's last two skeletons: typing a letter into a signature and deleting it goes back to
    // the one before.
    const kept = lastSkeleton.get(file.fileName) ?? [];
    token = kept.find((s) => s.skeleton === skeleton)?.token ?? {};
    // The files seen last, most recent at the end: the editor's open files fit, and a CLI run
    // over thousands of files does not keep every skeleton alive.
    lastSkeleton.delete(file.fileName);
    lastSkeleton.set(file.fileName, [...kept.filter((s) => s.token !== token), { skeleton, token }].slice(-SKELETONS_PER_FILE));
    if (lastSkeleton.size > FILES_KEPT) lastSkeleton.delete(lastSkeleton.keys().next().value!);
    tokens.set(file, token);
  }
  return token;
}
const tokens = new WeakMap<FileFacts, object>();
const lastSkeleton = new Map<string, { skeleton: string; token: object }[]>();
const FILES_KEPT = 64;
const SKELETONS_PER_FILE = 2;

/** The file's declared functions by key; a key declared twice (`init`) is left out. */
function declaredByKey(file: FileFacts): Map<string, FuncInfo> {
  let map = byKeyMemo.get(file);
  if (!map) {
    map = new Map();
    const twice = new Set<string>();
    for (const f of file.functions) {
      if (f.kind === 'literal' || !f.name) continue;
      const k = funcKey(f)!;
      if (map.has(k)) twice.add(k);
      map.set(k, f);
    }
    for (const k of twice) map.delete(k);
    byKeyMemo.set(file, map);
  }
  return map;
}
const byKeyMemo = new WeakMap<FileFacts, Map<string, FuncInfo>>();

/**
 * True when every path through the helper ends in a call that never returns. The helpers its
 * statements call are decided first, in the same order on every review, so that a verdict kept
 * from an earlier review is the one this review would reach (recursion included).
 */
function helperStops(file: FileFacts, fn: FuncInfo, pred: NoReturn, helpers: Map<number, boolean | 'pending'>): boolean {
  const known = helpers.get(fn.node.id);
  if (known !== undefined) return known === true;
  helpers.set(fn.node.id, 'pending'); // recursion: assume it returns
  const skeleton = skeletonToken(file);
  const byKey = declaredByKey(file);
  // Kept with a declaration's node, which an edit elsewhere leaves alone; a function literal's
  // callees depend on the function around it, whose edits may move the literal's node unchanged.
  const keep = fn.node.top === fn.node;
  let seen = keep ? learntFor(fn.node, skeleton) : undefined;
  let targets = seen?.callees ? seen.callees.map((k) => byKey.get(k)) : undefined;
  if (!seen || !targets || targets.some((t) => !t)) {
    const found = statementCallees(file, fn);
    const keys = found.every((t) => t.kind !== 'literal' && byKey.get(funcKey(t) ?? '') === t) ? found.map((t) => funcKey(t)!) : undefined;
    // Whether the body names a stopping call depends on its text alone: any skeleton's answer does.
    const mayStop = (keep ? learnt.get(fn.node)?.[0]?.mayStop : undefined) ?? MAY_STOP.test(fn.body?.text ?? '');
    seen = { skeleton, callees: keys, mayStop, verdict: seen?.verdict };
    if (keep) remember(fn.node, seen);
    targets = found;
  }
  let callees = '';
  for (const target of targets) callees += helperStops(file, target!, pred, helpers) ? '1' : '0';
  let result: boolean;
  if (!seen.mayStop && !callees.includes('1')) result = false; // nothing on any of its paths can stop it
  else if (seen.verdict?.callees === callees) result = seen.verdict.stops;
  else {
    const cfg = buildCfg(fn.node, pred);
    result = !!cfg && !cfg.returns && cfg.reachable(cfg.abort);
    seen.verdict = { callees, stops: result };
  }
  helpers.set(fn.node.id, result);
  return result;
}

/** The functions of the file that the helper's own statements call (`die()`, `s.fail(err)`), in order. */
function statementCallees(file: FileFacts, fn: FuncInfo): FuncInfo[] {
  const out: FuncInfo[] = [];
  if (!fn.body) return out;
  walk(fn.body, (n) => {
    if (n.type === 'func_literal') return false;
    if (n.type !== 'expression_statement') return;
    const e = n.namedChildren[0] ? unparen(n.namedChildren[0]) : undefined;
    const target = e?.type === 'call_expression' ? file.resolveCall(e)?.target : undefined;
    if (target && target.node.id !== fn.node.id) out.push(target);
    return false;
  });
  return out;
}

/** Text a function must hold to be able to stop the goroutine by itself: a call that never returns. */
const MAY_STOP = /\b(panic|Exit\w*|Fatal\w*|Panic\w*|Goexit|FailNow|Skip\w*)\s*\(/;

/**
 * The declared functions and methods of the file that never return normally (`func die() {
 * os.Exit(1) }`, and helpers that end in one). Rules read this through paths of other functions,
 * so a review that carries findings compares it: typing `os.Exitx(1)` in `die` changes what its
 * callers' paths are. A function whose text names no stopping call and that calls none of the
 * file's functions that stop cannot stop by itself, and is decided without a graph; an untouched
 * declaration keeps what an earlier review learnt (see `learnt`).
 */
export function neverReturning(file: FileFacts): string[] {
  const pred = noReturn(file);
  const helpers = memo.get(file)!.helpers;
  const out: string[] = [];
  for (const f of file.functions) if (f.kind !== 'literal' && f.name && f.body && helperStops(file, f, pred, helpers)) out.push(funcKey(f)!);
  return out.sort();
}
