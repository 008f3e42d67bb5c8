/**
 * Calls that never return to their caller: `panic`, `os.Exit`, `log.Fatal*` and `log.Panic*`,
 * `runtime.Goexit`, the `Fatal*`/`FailNow`/`Skip*` methods of `*testing.T`, `B`, `F` and
 * `testing.TB`, the fatal functions of common logging packages, test helpers of other packages
 * named like them and handed the test (`testutil.FatalStack(t, msg)`), and functions of the package
 * that end in one of those on every path (test helpers such as `func fail(t *testing.T, ...)`).
 */
import type { FileFacts, FuncInfo } from './facts';
import type { Node } from '../syntax/parser';
import { FUNCTION_TYPES, ancestor, blockStatements, callArgs, callParts, contains, statementOf, unparen } from '../syntax/nodes';
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
 * ...)`, `errors.New(...)`) under an `if` of its own function: the way a test's goroutine reports
 * a failed check to the test, so the statement runs only on a run that is already failing.
 */
export function recordsFailedCheck(file: FileFacts, stmt: Node): boolean {
  if (!file.isTest || stmt.type !== 'assignment_statement' || stmt.childForFieldName('operator')?.text !== '=') return false;
  const right = stmt.childForFieldName('right')?.namedChildren ?? [];
  const value = right.length === 1 ? unparen(right[0]) : undefined;
  if (value?.type !== 'call_expression' || !ERROR_BUILDERS.some(([path, names]) => file.isImportCall(value, path, names))) return false;
  for (let x: Node = stmt, p = stmt.parent; p && !FUNCTION_TYPES.has(p.type); x = p, p = p.parent) {
    if (p.type === 'if_statement' && p.childForFieldName('condition')?.id !== x.id && p.childForFieldName('initializer')?.id !== x.id) return true;
  }
  return false;
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
  } else if (TESTING_STOPS.has(parts.name) && parts.receiverNode && isTestingValue(file, parts.receiverNode)) {
    return true;
  }
  // A function or method of this file that never returns normally.
  const target = file.resolveCall(call)?.target;
  return !!target && helperStops(target, pred, helpers);
}

/** True when every path through the helper ends in a call that never returns. */
function helperStops(fn: FuncInfo, pred: NoReturn, helpers: Map<number, boolean | 'pending'>): boolean {
  const known = helpers.get(fn.node.id);
  if (known !== undefined) return known === true;
  helpers.set(fn.node.id, 'pending'); // recursion: assume it returns
  const cfg = buildCfg(fn.node, pred);
  const result = !!cfg && !cfg.returns && cfg.reachable(cfg.abort);
  helpers.set(fn.node.id, result);
  return result;
}

/** Text a function must hold to be able to stop the goroutine by itself: a call that never returns. */
const MAY_STOP = /\b(panic|Exit\w*|Fatal\w*|Panic\w*|Goexit|FailNow|Skip\w*)\s*\(/;

/**
 * The declared functions and methods of the file that never return normally (`func die() {
 * os.Exit(1) }`, and helpers that end in one). Rules read this through paths of other functions,
 * so a review that carries findings compares it: typing `os.Exitx(1)` in `die` changes what its
 * callers' paths are. Only functions whose text mentions a stopping call, or calls such a
 * function by name, are asked (most of a file cannot stop by itself).
 */
export function neverReturning(file: FileFacts): string[] {
  const declared = file.functions.filter((f) => f.kind !== 'literal' && f.name && f.body);
  const candidates = new Set(declared.filter((f) => MAY_STOP.test(f.body!.text)));
  for (let grew = candidates.size > 0; grew; ) {
    grew = false;
    const names = [...candidates].map((f) => f.name!);
    const calls = new RegExp(`\\b(${names.map((n) => n.replace(/[$]/g, '\\$&')).join('|')})\\s*\\(`);
    for (const f of declared) {
      if (candidates.has(f) || !calls.test(f.body!.text)) continue;
      candidates.add(f);
      grew = true;
    }
  }
  if (candidates.size === 0) return [];
  const pred = noReturn(file);
  const helpers = memo.get(file)!.helpers;
  return [...candidates].filter((f) => helperStops(f, pred, helpers)).map((f) => `${f.receiver?.typeName ?? ''}.${f.name}`).sort();
}
