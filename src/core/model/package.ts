/**
 * Package awareness. Many deadlocks cross function boundaries (`Put` locks `s.mu` and calls
 * `evict`, which locks it again, maybe in another file). Each file is reduced to plain-data
 * summaries — per function, the synchronisation operations it performs and the package
 * functions it calls, in source order — and rules read the summaries of every file of the
 * package through a PackageView. Summaries are data, so the editor keeps them for unchanged
 * sibling files without keeping their trees.
 */
import { FileFacts, fieldsObject, funcKey, mergeChannelMakes, parseChanMake, type FuncInfo, type VarDecl } from './facts';

export { funcKey };
import { GoFile, type GoLanguage } from '../syntax/parser';
import { blockStatements, callArgs, callParts, caseReceive, defaultCase, enclosingFunction, FUNCTION_TYPES, isEndlessLoop, lengthGuarded, pathKey, selectCases, unparen, walk } from '../syntax/nodes';
import type { Node } from '../syntax/parser';
import { constantDuration } from './durations';
import { endsTestGoroutine } from './noreturn';
import { surelyReached } from './paths';
import { skeletonOf } from './skeleton';
import { declaredNames } from './undefined';

export { skeletonOf };
import { innermostBreakable, paramRequestUse, rangeRequestUse, requestUse, type RequestUse } from './requests';
import { lastReference, ownedLocal, returnedDecrement, type LastReference } from './ownership';
import { nilResultsOf } from './results';
import { uncancelledArgs } from './uncancelled';

export type OpKind =
  | 'Lock'
  | 'Unlock'
  | 'RLock'
  | 'RUnlock'
  | 'TryLock'
  | 'Wait'
  | 'Add'
  | 'Done'
  | 'Go'
  | 'Signal'
  | 'Broadcast'
  | 'send'
  | 'recv'
  /** `for v := range ch`: receives until the channel is closed. */
  | 'range'
  | 'close'
  | 'call'
  /** `atomic.AddInt64(&s.n, 1)`: an atomic access of the target (`fn` in Op.atomicFn). */
  | 'atomic'
  /** `defer l.getMutex()()`: a call of the function value `target` returned (see FuncSummary.releases). */
  | 'callResult'
  /** `f(k)` where `f` is a function-typed parameter of the summarised function: `target` is `param0`. */
  | 'callParam';

/** The operations that can wait for another goroutine: see {@link PackageView.mayWait}. */
export const WAIT_KINDS: ReadonlySet<OpKind> = new Set<OpKind>(['recv', 'range', 'Wait']);

export interface Op {
  kind: OpKind;
  /**
   * What it acts on, normalised so that summaries of different functions compare:
   * `Store.mu` (field mu of the receiver, of type Store), `var:mu` (package variable),
   * `param0.mu` (through the first parameter), `local:mu` (a local of the function).
   * For calls: the callee, `Store.evict` or `helper`.
   */
  target: string;
  /** One-based line. */
  line: number;
  /** UTF-16 offsets of the operation in its file. */
  start: number;
  end: number;
  /** Run by `defer` (at return), not where it stands. */
  deferred?: boolean;
  /**
   * For a deferred operation: which `defer` statement of the function runs it (1 for the first in
   * the text). The operations of one deferred literal run in their order, the defers last first.
   */
  deferOrder?: number;
  /** Inside a loop of its function: it may run more than once per call. */
  repeated?: boolean;
  /** Inside a function literal: run by a new goroutine (`go`), or at an unknown time (callbacks). */
  context?: 'goroutine' | 'closure';
  /** For calls: the arguments, normalised like targets (undefined when not a path). */
  args?: (string | undefined)[];
  /** For atomic accesses: the function of sync/atomic (`AddInt64`). */
  atomicFn?: string;
  /** For method calls: the receiver, normalised like targets (`s.evict()` in a Store method -> `Store`). */
  recv?: string;
  /**
   * Inside an `if`/`else` branch, a `switch`/`select` case, a loop body or the right operand of
   * `&&`/`||`: the operation does not run on every path through the function.
   */
  guarded?: boolean;
  /**
   * Guarded only because an earlier exit (a `return` under `if r == nil`, a panic) can end the
   * function first: in the syntax it stands on the function's main line, so every path that goes
   * on past it has run it.
   */
  afterExit?: boolean;
  /** A send or receive that is the case of a `select` with a `default`: it never waits. */
  nonBlocking?: boolean;
  /**
   * A send or receive that is one of several cases of a `select` (without `default`): it waits
   * together with the others, and another case may end the wait (nomad's `commit`, which sends on
   * its ops channel or gives up on shutdown).
   */
  alternatives?: boolean;
  /**
   * Values of boolean parameters the operation needs to run, by parameter index: `{ "0": false }`
   * for an operation under `if !stop { ... }` or after `if stop { return }`. A call site passing
   * the other constant skips it.
   */
  when?: Record<string, boolean>;
  /** For calls: the arguments that are the constants `true` or `false`, by position. */
  bools?: (boolean | undefined)[];
  /** For calls: the positions of the arguments that are contexts nothing can cancel (`context.Background()`). */
  uncancelled?: number[];
  /**
   * For calls in a method: the function literals passed as arguments, by position, each summarised
   * as a method of the receiver it captures (its operations on the receiver in the receiver's names).
   */
  funcArgs?: Record<number, FuncSummary>;
  /**
   * For calls: the call runs with the last reference of a reference-counted value (see
   * model/ownership.lastReference), e.g. `if m.d.decr() == 0 { m.d.notify() }`.
   */
  lastRef?: LastReference;
  /** For method calls on a path from a local (`v.Failed.toMetric()`): that path in the names of its type (`SRStatus.Failed`). */
  recvType?: string;
  /** For method calls on a local the function owns (see model/ownership.ownedLocal): `new`, `type:T` or `call:K`. */
  owned?: string;
}

export interface FuncSummary {
  /** `Store.Put` for methods (receiver type name), `helper` for functions. */
  key: string;
  name: string;
  receiverType?: string;
  pointerReceiver?: boolean;
  file: string;
  line: number;
  ops: Op[];
  /** Declared parameter types, whitespace removed, one per parameter. */
  params?: string[];
  /** Declared result types, one per result. */
  results?: string[];
  /** Its body may re-arm or replace a timer (`Reset`, `Stop`, `time.NewTimer`). */
  touchesTimers?: boolean;
  /** Unlock method values it returns for the caller to call: `return l.mu.Unlock` (minio's `getMutex`). */
  releases?: { kind: 'Unlock' | 'RUnlock'; target: string }[];
  /** Its serving loops: `for { select { case r := <-s.reqc: ...; case <-s.stop: return } }`. */
  serves?: ServeLoop[];
  /**
   * What it does with the requests it is handed, by parameter index, for parameters it answers on
   * some path (`func (s *Server) handle(r request) { ...; r.reply <- v }`): see model/requests.
   */
  handles?: Record<string, RequestUse>;
  /**
   * It returns an unbuffered channel it made, on which a goroutine it starts sends one value and
   * that nothing else uses: a caller that stops waiting before it receives strands that goroutine.
   */
  returnsPending?: PendingResult;
  /** It returns an atomic decrement of a reference count held by this value (`return atomic.AddInt32(&d.refs, -1)`): the holder, normalised. */
  decrements?: string;
  /** Positions of the `error` results every `return` gives as `nil` (see results.ts): it never fails. */
  nilResults?: number[];
  /** Its first statement skips the test it runs in (`t.SkipNow()`, `t.Skip("benchmark")`): nothing after it runs. */
  skipsTest?: true;
}

/** See {@link FuncSummary.returnsPending}: where the channel is made and where the goroutine sends. */
export interface PendingResult {
  send: { line: number; start: number; end: number; text: string };
  /** The `chan T` argument of the make, where a buffer size would go (offsets in the function's file). */
  make: { start: number; end: number };
}

/**
 * A loop of a function (not of its closures) that waits in a `select` for work on some channels
 * and leaves the function when a stop case fires: once it has returned, nothing in it receives.
 */
export interface ServeLoop {
  /** One-based line of the `for`. */
  line: number;
  /**
   * Channels its select cases receive from (targets), with the lines of those receives, and for a
   * case that answers the request it receives (`r.reply <- v`), what it does with it.
   */
  receives: { target: string; line: number; request?: RequestUse }[];
  /**
   * Cases that return from the function: `<-s.stop`, `<-ctx.Done()`. For a range loop, the
   * `return` and `break` statements that leave it (with the stop channel when one is a select
   * case's), and none when it only ends with the channel.
   */
  stops: { text: string; line: number; start: number; end: number; target?: string }[];
  /** A `for r := range s.reqc` loop, not a `for { select { ... } }`. */
  range?: true;
  /** Channels its select cases send on (`case s.out <- v:`), with the lines of those sends. */
  sends?: { target: string; line: number }[];
}

export interface FileSummary {
  fileName: string;
  packageName: string;
  functions: FuncSummary[];
  /** Struct types: name -> field -> type text. */
  structs: Record<string, Record<string, string>>;
  /** Package-level variables whose type the file shows: name -> type text. */
  vars?: Record<string, string>;
  /** Struct fields the file stores a new channel in, by `Type.field`, or by field name when the type is not shown (see FileFacts.fieldChannelMakes). */
  channelMakes?: Record<string, 'buffered' | 'unbuffered'>;
  /** Function values the file stores in struct fields, by field (`Watcher.onEvent`): see {@link CallbackBinding}. */
  callbacks?: Record<string, CallbackBinding[]>;
  /** Named function types the file declares (`type HandlerFunc func(Event)`). */
  funcTypes?: string[];
  /** Unexported field names the file reads or aliases, by name whatever the struct: see {@link fieldReadsOf}. */
  fieldReads?: string[];
  /** The names the file declares at package level (functions, types, variables, constants), sorted. */
  names?: string[];
  /** Package-level constants with a value the file alone proves (`retryDelay = 500 * time.Millisecond`, in nanoseconds; `maxRetries = 6`). */
  consts?: Record<string, number>;
}

/**
 * What one assignment stores in a field of a package struct that may hold a function:
 * `w.onEvent = w.handle` (a method of the same value, `method: 'Watcher.handle'`),
 * `w.onEvent = func(e Event) { w.mu.Lock() ... }` (a literal whose operations on `w` are summarised
 * as the receiver's, in `fn`), or anything else (another value's method, a parameter, a call),
 * which leaves the field unresolved.
 */
export type CallbackBinding = { method: string } | { fn: FuncSummary } | { unknown: true };

const SYNC_METHODS = new Set(['Lock', 'Unlock', 'RLock', 'RUnlock', 'TryLock', 'Wait', 'Add', 'Done', 'Go', 'Signal', 'Broadcast']);

/** How many arguments sync's method of that name takes: another count is some other method (tikv's `s.Lock(ts, keys)`). */
export function syncArity(name: string): number {
  return name === 'Add' || name === 'Go' ? 1 : 0;
}

/** The package clause's name, or '' when missing. */
export function packageName(facts: FileFacts): string {
  const clause = facts.root.namedChildren.find((c) => c?.type === 'package_clause');
  return clause?.namedChild(0)?.text ?? '';
}


/**
 * Normalises an expression path as seen from `at` (see {@link Op.target}). Undefined for
 * expressions that are not paths.
 */
export function normaliseTarget(facts: FileFacts, expr: Node, at: Node = expr, depth = 0): string | undefined {
  const key = pathKey(expr);
  if (!key) return undefined;
  const [head, ...rest] = key.split('.');
  const tail = rest.length > 0 ? '.' + rest.join('.') : '';
  const found = facts.lookup(head, at);
  if (!found) return facts.isPackageName(head) ? undefined : `var:${key}`;
  if (found.receiver) return `${found.receiver.receiver!.typeName}${tail}`;
  if (found.param && found.fn) return `param${found.fn.params.indexOf(found.param)}${tail}`;
  if (found.decl && !found.fn) return `var:${key}`;
  // A local pointer that only ever holds a field path (`topic := t.topic`) names what the path
  // names: `topic.mu` is `Handler.topic.mu` (go-libp2p-pubsub locks through one, unlocks through
  // the other). A copy of a struct value is another value and stays local.
  const init = found.decl?.init ? unparen(found.decl.init) : undefined;
  const alias = depth < 2 && tail && init?.type === 'selector_expression' && !found.decl!.multi ? aliasedPath(facts, expr) : undefined;
  if (alias) {
    const base = normaliseTarget(facts, alias, alias, depth + 1);
    if (base && !base.startsWith('local:')) return base + tail;
  }
  return `local:${key}`;
}

/** For `x.f.g` where the local `x` only ever holds a pointer read from a path (`x := t.topic`): that path. */
function aliasedPath(facts: FileFacts, expr: Node): Node | undefined {
  let head = unparen(expr);
  while (head.type === 'selector_expression') head = unparen(head.childForFieldName('operand')!);
  if (head.type !== 'identifier') return undefined;
  const value = facts.onlyValue(head);
  const v = value ? unparen(value) : undefined;
  if (v?.type !== 'selector_expression' || !pathKey(v)) return undefined;
  return facts.typeOf(head)?.startsWith('*') ? v : undefined;
}

/** A call's receiver (for a method call) and arguments, normalised as targets: what mapTarget reads a callee's targets through. */
export function callSite(facts: FileFacts, call: Node): { recv?: string; args: (string | undefined)[] } {
  const fnNode = unparen(call.childForFieldName('function')!);
  const operand = fnNode.type === 'selector_expression' ? fnNode.childForFieldName('operand') : null;
  return { recv: operand ? normaliseTarget(facts, operand, call) : undefined, args: callArgs(call).map((a) => normaliseTarget(facts, a)) };
}

/** The callee key of a call to a package function or method: `helper`, `Store.evict`. */
export function calleeKey(facts: FileFacts, call: Node): string | undefined {
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  const f = unparen(fn);
  if (f.type === 'identifier') return facts.lookup(f.text, f) ? undefined : f.text;
  if (f.type !== 'selector_expression') return undefined;
  const operand = f.childForFieldName('operand');
  const name = f.childForFieldName('field')?.text;
  if (!operand || !name) return undefined;
  if (operand.type === 'identifier' && facts.isPackageName(operand.text) && !facts.lookup(operand.text, operand)) return undefined;
  const type = facts.typeOf(operand);
  if (!type) return undefined;
  const base = type.replace(/^\*/, '');
  if (base.includes('.') || base.includes('[') || base.startsWith('chan') || base.startsWith('func')) return undefined;
  return `${base}.${name}`;
}

/**
 * A target in the names of its type, so that functions of a package compare: `param0.reqc` in
 * `func submit(s *Server)` is `Server.reqc`; receiver targets (`Server.reqc`) and package
 * variables stay as they are. Undefined for locals and for parameters of other types.
 */
export function typedTarget(fn: { params?: readonly string[] } | undefined, target: string): string | undefined {
  if (target.startsWith('local:')) return undefined;
  const m = /^param(\d+)\.(.*)$/.exec(target);
  if (!m) return target.startsWith('param') ? undefined : target;
  const type = fn?.params?.[Number(m[1])]?.replace(/^\*/, '');
  return type && /^[A-Za-z_]\w*$/.test(type) ? `${type}.${m[2]}` : undefined;
}

/** Summarises every named function and method of a parsed file. */
/**
 * Function summaries of one file kept between edits (the editor's per-function cache). A
 * function's summary depends on its own text, on the file's declarations outside function bodies
 * (types, variables, imports, signatures: the "skeleton") and on the package's other files; it
 * is reused while all three are unchanged, moved to where the function now starts.
 */
export class SummaryCache {
  private context = '';
  /** Function summaries, by declaration node. */
  private readonly summaries = new Round<FuncSummary>();
  /** What each top-level declaration adds to the file's summary besides its functions (see declParts). */
  private readonly parts = new Round<DeclParts>();
  /**
   * The last round of the context before the current one: typing a letter into a signature
   * (`errorx`) changes the skeleton, and deleting it brings the old one back, with the summaries
   * that were made for it.
   */
  private aside: { context: string; summaries: Map<Node, Entry<FuncSummary>>; parts: Map<Node, Entry<DeclParts>> } | undefined;
  /** True during a round for a file that does not parse, kept on from a round that did. */
  private broken = false;
  hits = 0;
  misses = 0;
  /** The file-wide lists gathered from the declarations' parts in the last round (see gathered). */
  reads?: Gathered<readonly string[], string[]>;
  names?: Gathered<readonly string[], string[]>;
  makes?: Gathered<readonly (readonly [string, 'buffered' | 'unbuffered'])[], Record<string, 'buffered' | 'unbuffered'>>;

  /**
   * Starts a round for the tree of `root`. When the file's skeleton or the package changed, the
   * last round is set aside, and the one set aside before is taken back if it was made for this
   * context; otherwise the round starts empty.
   */
  begin(context: string, root: Node): void {
    this.broken = root.hasError && this.context !== '';
    if (this.broken || context === this.context) {
      // A file that does not parse keeps the last round whatever its skeleton now says: a
      // keyword typed into a body (`casex`) spills statements to the top level and changes the
      // skeleton for a keystroke, and its reviews are held anyway (see findings/reuse.ts). What
      // such a round makes is not kept: the round after holds only what a parsing file made.
      this.summaries.begin(root.tree, this.summaries.current);
      this.parts.begin(root.tree, this.parts.current);
      return;
    }
    const back = this.aside?.context === context ? this.aside : undefined;
    this.aside = { context: this.context, summaries: this.summaries.current, parts: this.parts.current };
    this.context = context;
    this.summaries.begin(root.tree, back?.summaries);
    this.parts.begin(root.tree, back?.parts);
  }

  /**
   * The summary of the function declared by `node` (at `line` and `start`) from the last round,
   * moved there, or undefined. A declaration the edit did not touch is the same node object as
   * last time (see copyTree); another one with the same text also matches.
   */
  summary(node: Node, line: number, start: number): FuncSummary | undefined {
    const hit = this.summaries.take(node);
    if (!hit) return undefined;
    // Unmoved (before the edit), the summary is shared: summaries are never changed once made.
    const moved = line === hit.line && start === hit.start ? hit.value : relocate(hit.value, line - hit.line, start - hit.start);
    const meaning = meanings.get(hit.value);
    if (meaning !== undefined) meanings.set(moved, meaning);
    return moved;
  }

  /** Keeps a summary for the next round; `made` when this round made it (rather than took it from the last). */
  keep(node: Node, summary: FuncSummary, line: number, start: number, made = false): void {
    if (made && this.broken) return;
    this.summaries.keep(node, summary, line, start);
  }

  /** The parts of a top-level declaration from the last round (moved to `line` and `start`), computed by `make` otherwise. */
  declParts(node: Node, line: number, start: number, make: () => DeclParts): DeclParts {
    const hit = this.parts.take(node);
    let parts: DeclParts;
    if (hit) parts = (line === hit.line && start === hit.start) || !hit.value.callbacks ? hit.value : { ...hit.value, callbacks: relocate(hit.value.callbacks, line - hit.line, start - hit.start) };
    else parts = make();
    if (hit || !this.broken) this.parts.keep(node, parts, line, start);
    return parts;
  }
}

/** One kind of value kept by declaration from one round (one review of a file) to the next. */
class Round<T> {
  private entries = new Map<Node, Entry<T>>();
  private previous = new Map<Node, Entry<T>>();
  private byText?: Map<string, Entry<T>>;
  /** The tree of this round: declarations already in it are found by identity, never by text. */
  private tree: unknown;

  /** The entries kept in this round so far. */
  get current(): Map<Node, Entry<T>> {
    return this.entries;
  }

  /** Starts a round for `tree` that takes its entries from `previous` (a finished round's), or from nothing. */
  begin(tree: unknown, previous: Map<Node, Entry<T>> | undefined): void {
    this.tree = tree;
    this.previous = previous ?? new Map();
    this.byText = undefined;
    this.entries = new Map();
  }

  keep(node: Node, value: T, line: number, start: number): void {
    this.entries.set(node, { node, text: undefined, value, line, start });
  }

  /** The entry of `node` taken out of the last round: by identity, else by equal text (each entry matches once). */
  take(node: Node): Entry<T> | undefined {
    let hit = this.previous.get(node);
    if (!hit && this.previous.size > 0) {
      const same = (this.byText ??= textIndex(this.previous, this.tree)).get(node.text);
      // Each entry serves once: a second declaration with the same text is made afresh.
      if (same && this.previous.get(same.node) === same) hit = same;
    }
    if (hit) this.previous.delete(hit.node);
    return hit;
  }
}

interface Entry<T> {
  node: Node;
  /** The node's text when it was kept (read on first need: the node may have moved since). */
  text: string | undefined;
  value: T;
  line: number;
  start: number;
}

/**
 * The entries of the last round by their text, for declarations copied afresh. An entry whose node
 * was moved into the new tree (`tree`) is found by identity and left out; the others' nodes still
 * read their old text.
 */
function textIndex<T>(previous: Map<Node, Entry<T>>, tree: unknown): Map<string, Entry<T>> {
  const out = new Map<string, Entry<T>>();
  for (const e of previous.values()) {
    if ((e.node.top ?? e.node).tree === tree) continue;
    e.text ??= e.node.text;
    if (!out.has(e.text)) out.set(e.text, e);
  }
  return out;
}

/**
 * What one top-level declaration (or comment) adds to its file's summary besides its functions:
 * its channel makes stored in fields and its callbacks (in document order, merged over the file),
 * the unexported field names its text reads, and whether its text passes each of the quick tests
 * that decide whether the file is searched for makes, callbacks and function types at all.
 */
interface DeclParts {
  /** Read when some declaration of the file passes the quick test (and then kept with the rest). */
  makes?: [string, 'buffered' | 'unbuffered'][];
  callbacks?: [string, CallbackBinding][];
  reads: string[];
  hasMakes: boolean;
  hasCallbacks: boolean;
  hasFuncTypes: boolean;
}

function declPartsOf(node: Node): DeclParts {
  const text = node.text;
  return {
    reads: fieldReadsOf(text),
    hasMakes: /\bmake\(\s*chan\b/.test(text),
    // `\b`: a label or key is tried from the start of a word only (the same matches, half the time)
    hasCallbacks: mayBindCallbacks(text),
    hasFuncTypes: /\btype\b[^\n]*\bfunc\(|^\s+\w+\s+func\(/m.test(text),
  };
}

/**
 * A file summary without its positions, in parts: the file's own part (its structs, variables,
 * channel makes, callbacks and function types), then one per function. Two summaries that say the
 * same of the code have equal parts. The unexported field names the file reads (fieldReads) are
 * left out: the editor compares them by name (see ReviewMemory.plan). A function's part is the
 * same string object while its summary is only moved, so comparing parts is cheap.
 */
export function meaningParts(summary: FileSummary): string[] {
  const parts = [JSON.stringify({ ...summary, functions: undefined, fieldReads: undefined }, withoutPositions)];
  for (const fn of summary.functions) {
    let m = meanings.get(fn);
    if (m === undefined) meanings.set(fn, (m = JSON.stringify(fn, withoutPositions)));
    parts.push(m);
  }
  return parts;
}

/** Each function summary's meaning, once: a moved copy shares it (see summarizeFile). */
const meanings = new WeakMap<FuncSummary, string>();

const withoutPositions = (k: string, v: unknown) => (k === 'line' || k === 'start' || k === 'end' ? undefined : k === 'key' && typeof v === 'string' ? v.replace(/@\d+$/, '') : v);

/**
 * A summary whose positions are moved by the given amounts: its `line`, `start` and `end` fields,
 * and the line that ends the `key` of a function literal (`Store.Range#arg0:f.go@117`). Only the
 * objects and arrays that hold a moved position are copied; the rest is shared (summaries are
 * never changed once made).
 */
function relocate<T>(value: T, lines: number, offset: number): T {
  if (!value || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const moved = relocate(v, lines, offset);
      if (moved !== v) (out ??= value.slice())[i] = moved;
    }
    return (out ?? value) as T;
  }
  let out: Record<string, unknown> | undefined;
  const from = value as Record<string, unknown>;
  for (const k in from) {
    const v = from[k];
    const moved =
      typeof v === 'number'
        ? k === 'line'
          ? v + lines
          : k === 'start' || k === 'end'
            ? v + offset
            : v
        : typeof v === 'string'
          ? k === 'key' && lines !== 0
            ? v.replace(/@(\d+)$/, (_, n: string) => `@${Number(n) + lines}`)
            : v
          : v && typeof v === 'object'
            ? relocate(v, lines, offset)
            : v;
    if (moved !== v) (out ??= { ...from })[k] = moved;
  }
  return (out ?? value) as T;
}

/**
 * The summary of a file: its functions' operations, struct types and package variables. With a
 * cache (the editor's), functions whose text, skeleton and package did not change since the last
 * call are not summarised again. `packageKey` names the state of the package's other files.
 * With `lazyCalls` (and no cache), the details of call operations are worked out when read (see
 * LazyCallOp): for a summary that lives no longer than the file's syntax may.
 */
export function summarizeFile(facts: FileFacts, cache?: SummaryCache, packageKey = '', lazyCalls = false): FileSummary {
  const functions: FuncSummary[] = [];
  cache?.begin(`${facts.fileName}\u0000${facts.importPath ?? ''}\u0000${packageKey}\u0000${skeletonOf(facts)}`, facts.root);
  for (const fn of facts.functions) {
    const key = funcKey(fn);
    if (!key || !fn.body) continue;
    const line = facts.source.lineAt(fn.node.startIndex);
    const start = fn.node.startIndex;
    if (cache) {
      const hit = cache.summary(fn.node, line, start);
      if (hit) {
        cache.keep(fn.node, hit, line, start);
        cache.hits++;
        functions.push(hit);
        continue;
      }
      cache.misses++;
    }
    const seen: Seen = { selects: [], returns: [], ranges: [], timers: false };
    const summary: FuncSummary = {
      key,
      name: fn.name!,
      receiverType: fn.receiver?.typeName,
      pointerReceiver: fn.receiver?.pointer,
      file: facts.fileName,
      line: fn.node.startPosition.row + 1,
      ops: opsOf(facts, fn, seen, lazyCalls && !cache),
      params: fn.params.map((p) => p.type),
      ...(fn.results.length > 0 ? { results: fn.results } : {}),
      ...(seen.timers ? { touchesTimers: true } : {}),
      ...serveLoopsOf(facts, fn, seen.selects, seen.ranges),
      ...handlesOf(facts, fn),
      ...releasesOf(facts, seen.returns),
      ...pendingResultOf(facts, fn, seen.returns),
      ...decrementsOf(facts, fn, seen.returns),
    };
    const nil = nilResultsOf(fn, seen.returns);
    if (nil.length > 0) summary.nilResults = nil;
    if (skipsFirst(facts, fn)) summary.skipsTest = true;
    if (cache) cache.keep(fn.node, summary, line, start, true);
    functions.push(summary);
  }
  const structs: Record<string, Record<string, string>> = {};
  for (const [name, fields] of facts.structs) structs[name] = fieldsObject(fields);
  const vars: Record<string, string> = {};
  for (const v of facts.packageVars) {
    const t = facts.typeOf(v.node);
    if (t) vars[v.name] = t;
  }
  // The rest is gathered declaration by declaration: with a cache, only the edited one is read again.
  const top = facts.root.children;
  const parts = top.map((n) => (cache ? cache.declParts(n, facts.source.lineAt(n.startIndex), n.startIndex, () => declPartsOf(n)) : declPartsOf(n)));
  // Makes and callbacks in document order: a declaration's own, kept with it between keystrokes,
  // or (without a cache) the whole file's at once, which lists the same.
  let makes = {};
  if (parts.some((p) => p.hasMakes)) {
    if (cache) {
      const lists = parts.map((p, i) => (p.makes ??= facts.channelMakesIn(top[i])));
      makes = (cache.makes = gathered(lists, cache.makes, (all) => Object.fromEntries(mergeChannelMakes(all.flat())))).value;
    } else makes = Object.fromEntries(mergeChannelMakes(facts.channelMakesIn(facts.root)));
  }
  const callbacks: Record<string, CallbackBinding[]> = {};
  if (parts.some((p) => p.hasCallbacks)) {
    const list = cache ? parts.flatMap((p, i) => (p.callbacks ??= callbacksOf(facts, top[i]))) : callbacksOf(facts, facts.root);
    for (const [key, b] of list) (callbacks[key] ??= []).push(b);
  }
  const funcTypes = parts.some((p) => p.hasFuncTypes) ? funcTypesOf(facts) : [];
  const readLists = parts.map((p) => p.reads);
  const nameLists = top.map((n) => declaredNames(n));
  const reads = cache ? (cache.reads = gathered(readLists, cache.reads, sortedUnion)).value : sortedUnion(readLists);
  const names = cache ? (cache.names = gathered(nameLists, cache.names, sortedUnion)).value : sortedUnion(nameLists);
  const consts = constantsOf(facts, top);
  return {
    fileName: facts.fileName,
    packageName: packageName(facts),
    functions,
    structs,
    vars,
    ...(Object.keys(makes).length > 0 ? { channelMakes: makes } : {}),
    ...(Object.keys(callbacks).length > 0 ? { callbacks } : {}),
    ...(funcTypes.length > 0 ? { funcTypes } : {}),
    ...(reads.length > 0 ? { fieldReads: reads } : {}),
    ...(names.length > 0 ? { names } : {}),
    ...(consts ? { consts } : {}),
  };
}

/**
 * The values of the file's package-level constants that the file alone proves, one name to one
 * value (`const retryDelay = 500 * time.Millisecond`; not `iota` lists), for the other files of
 * the package (see durations' `otherFileConstant`).
 */
function constantsOf(facts: FileFacts, top: readonly Node[]): Record<string, number> | undefined {
  let out: Record<string, number> | undefined;
  for (const decl of top) {
    if (decl.type !== 'const_declaration') continue;
    for (const spec of decl.namedChildren) {
      if (spec?.type !== 'const_spec') continue;
      const names = spec.childrenForFieldName('name');
      const values = spec.childForFieldName('value')?.namedChildren ?? [];
      if (names.length !== 1 || values.length !== 1 || !names[0]) continue;
      const v = constantDuration(values[0], facts);
      if (v !== undefined) (out ??= {})[names[0].text] = v;
    }
  }
  return out;
}

/** The function's first statement is `t.Skip(...)`, `t.SkipNow()` or `t.Skipf(...)` on a test's `testing` value (see noreturn's endsTestGoroutine). */
function skipsFirst(facts: FileFacts, fn: FuncInfo): boolean {
  const first = fn.body ? blockStatements(fn.body)[0] : undefined;
  const call = first?.type === 'expression_statement' ? unparen(first.namedChild(0)!) : undefined;
  return !!call && call.type === 'call_expression' && /^Skip/.test(callParts(call)?.name ?? '') && endsTestGoroutine(facts, call);
}

/** The distinct strings of some lists, sorted. */
function sortedUnion(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())].sort();
}

/**
 * What `make` builds from the declarations' lists (one per top-level declaration), or what it
 * built last round when every list says the same as then: a keystroke changes one declaration's
 * list, most often into an equal one, and the file's whole list need not be merged and sorted again.
 */
function gathered<L extends readonly unknown[], T>(lists: readonly L[], last: Gathered<L, T> | undefined, make: (lists: readonly L[]) => T): Gathered<L, T> {
  if (last && last.lists.length === lists.length && lists.every((l, i) => l === last.lists[i] || sameItems(l, last.lists[i]))) return { lists, value: last.value };
  return { lists, value: make(lists) };
}

export interface Gathered<L, T> {
  lists: readonly L[];
  value: T;
}

/** Equal lists of strings or of tuples of strings. */
function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length || x.some((v, j) => v !== y[j])) return false;
  }
  return true;
}

/** See {@link FileSummary.funcTypes}. */
function funcTypesOf(facts: FileFacts): string[] {
  const out: string[] = [];
  for (const n of facts.root.descendantsOfType('type_spec')) {
    const name = n?.childForFieldName('name')?.text;
    if (name && n?.childForFieldName('type')?.type === 'function_type') out.push(name);
  }
  return out;
}

/**
 * A field declared with this type may hold a function: a function type, or a named type that is
 * not a struct of this file (a named function type here or in a sibling, which the view checks).
 */
function mayHoldFunc(facts: FileFacts, declared: string): boolean {
  return declared.startsWith('func(') || (/^[A-Za-z_]\w*$/.test(declared) && !facts.structs.has(declared));
}

/**
 * The unexported field names (`doneCh`) whose value the file may read, found in the text: every
 * `.f` except a method call `.f(`, the argument of `close(x.f)` and the left side of
 * `x.f = make(chan T)`; and every `f:` (a keyed element, which may alias a channel someone else
 * holds) except `f: make(chan T)`. Names only, whatever the struct, and comments and strings count
 * too: all of it errs on the side of "someone reads it". Positional struct literals are not seen.
 * Only unexported names: code outside the package cannot touch them, so the package's files show
 * every reader. The text is read rather than the tree because this runs for every file; it is
 * read one top-level declaration at a time (see declPartsOf), so a look around a name stops at
 * the end of its declaration.
 */
function fieldReadsOf(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/\.([a-z_]\w*)/g)) {
    const name = m[1];
    if (out.has(name)) continue;
    const at = m.index!;
    const after = text.slice(at + m[0].length, at + m[0].length + 40);
    if (/^\s*\(/.test(after) || /^\s*=\s*make\(\s*chan\b/.test(after)) continue;
    if (/^\s*\)/.test(after) && /\bclose\(\s*[\w.]*$/.test(text.slice(Math.max(0, at - 80), at))) continue;
    out.add(name);
  }
  for (const name of keyedNamesOf(text)) out.add(name);
  return [...out].sort();
}

/**
 * Each `f:` that is not `:=` nor `f: make(chan`, in order: the names
 * /\b([a-z_]\w*)\s*:(?!=)(?!\s*make\(\s*chan\b)/g finds, found from the colons rather than by
 * trying the pattern at every word (this runs on every declaration).
 */
export function keyedNamesOf(text: string): string[] {
  const out: string[] = [];
  for (let colon = text.indexOf(':'); colon >= 0; colon = text.indexOf(':', colon + 1)) {
    if (text.charCodeAt(colon + 1) === 61 /* = */) continue;
    let end = colon;
    while (end > 0 && isSpace(text.charCodeAt(end - 1))) end--;
    let start = end;
    while (start > 0 && isWordChar(text.charCodeAt(start - 1))) start--;
    if (start === end || !isLowerOrUnderscore(text.charCodeAt(start))) continue;
    MAKE_CHAN.lastIndex = colon + 1;
    if (MAKE_CHAN.test(text)) continue;
    out.push(text.slice(start, end));
  }
  return out;
}

const MAKE_CHAN = /\s*make\(\s*chan\b/y;

/**
 * Whether the text may store a function value in a field (see callbacksOf): an assignment to a
 * selector (`.f = `, not `==`), or a keyed element whose value is a literal function or a selector
 * (`f: func`, `f: s.handle,`). The same answer as
 * /\.\w+\s*=[^=]|\b\w+:\s*(?:func\b|\w+\.\w+\s*[,}\n])/.test(text), found from the dots and
 * colons rather than by trying the pattern at every word (this runs on every declaration).
 */
export function mayBindCallbacks(text: string): boolean {
  const n = text.length;
  for (let dot = text.indexOf('.'); dot >= 0; dot = text.indexOf('.', dot + 1)) {
    let i = dot + 1;
    while (i < n && isWordChar(text.charCodeAt(i))) i++;
    if (i === dot + 1) continue;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) === 61 /* = */ && i + 1 < n && text.charCodeAt(i + 1) !== 61) return true;
  }
  for (let colon = text.indexOf(':'); colon >= 0; colon = text.indexOf(':', colon + 1)) {
    if (colon === 0 || !isWordChar(text.charCodeAt(colon - 1))) continue;
    let i = colon + 1;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (text.startsWith('func', i) && !isWordChar(text.charCodeAt(i + 4))) return true;
    // `\w+\.\w+\s*[,}\n]`
    let j = i;
    while (j < n && isWordChar(text.charCodeAt(j))) j++;
    if (j === i || text.charCodeAt(j) !== 46 /* . */) continue;
    let k = j + 1;
    while (k < n && isWordChar(text.charCodeAt(k))) k++;
    if (k === j + 1) continue;
    for (; k < n; k++) {
      const c = text.charCodeAt(k);
      if (c === 10 /* \n */ || c === 44 /* , */ || c === 125 /* } */) return true;
      if (!isSpace(c)) break;
    }
  }
  return false;
}

/** `\w` of a regular expression without the u flag. */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

function isLowerOrUnderscore(c: number): boolean {
  return (c >= 97 && c <= 122) || c === 95;
}

/** `\s` of a regular expression. */
function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (c < 160) return false;
  return c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * Function values stored in fields of the package's structs (see {@link CallbackBinding}): by
 * assignment `x.f = v` where `x` is a value of a struct type of the package, and by keyed element
 * of a composite literal of such a type (always unresolved: the literal has no value to bind).
 * Only values that may be functions are recorded: literals, method values, identifiers, selectors.
 */
function callbacksOf(facts: FileFacts, under: Node): [string, CallbackBinding][] {
  const out: [string, CallbackBinding][] = [];
  const add = (key: string, b: CallbackBinding) => out.push([key, b]);
  const structOf = (x: Node): string | undefined => {
    const t = facts.typeOf(x)?.replace(/^\*/, '');
    return t && /^[A-Za-z_]\w*$/.test(t) ? t : undefined;
  };
  const mayBeFunc = (v: Node) => ['func_literal', 'selector_expression', 'identifier'].includes(v.type) && v.text !== 'nil';
  for (const stmt of under.descendantsOfType(['assignment_statement', 'composite_literal'])) {
    if (!stmt) continue;
    if (stmt.type === 'composite_literal') {
      const type = stmt.childForFieldName('type');
      if (type?.type !== 'type_identifier') continue;
      for (const el of stmt.childForFieldName('body')?.namedChildren ?? []) {
        if (el?.type !== 'keyed_element') continue;
        const [k, v] = el.namedChildren;
        const key = k?.namedChild(0) ?? k;
        const value = v?.namedChild(0) ?? v;
        if (!key || !value || !/identifier$/.test(key.type) || !mayBeFunc(unparen(value))) continue;
        // A field this file declares with another type than a function's holds no callback.
        const declared = facts.structs.get(type.text)?.get(key.text);
        if (declared === undefined || mayHoldFunc(facts, declared)) add(`${type.text}.${key.text}`, { unknown: true });
      }
      continue;
    }
    if (stmt.childForFieldName('operator')?.text !== '=') continue;
    const left = stmt.childForFieldName('left')?.namedChildren ?? [];
    const right = stmt.childForFieldName('right')?.namedChildren ?? [];
    left.forEach((l, i) => {
      const r = right[i] ? unparen(right[i]!) : undefined;
      if (!l || !r || l.type !== 'selector_expression' || left.length !== right.length || !mayBeFunc(r)) return;
      const owner = l.childForFieldName('operand');
      const field = l.childForFieldName('field')?.text;
      const type = owner ? structOf(owner) : undefined;
      if (!owner || !field || !type) return;
      // A field this file declares with another type than a function's holds no callback.
      const declared = facts.structs.get(type)?.get(field);
      if (declared !== undefined && !mayHoldFunc(facts, declared)) return;
      const key = `${type}.${field}`;
      const base = normaliseTarget(facts, owner, stmt);
      if (r.type === 'selector_expression') {
        const of = r.childForFieldName('operand');
        const name = r.childForFieldName('field')?.text;
        const same = of && base && structOf(of) === type && normaliseTarget(facts, of, stmt) === base;
        add(key, same && name ? { method: `${type}.${name}` } : { unknown: true });
      } else if (r.type === 'func_literal' && base && !base.includes('[')) {
        const fn = literalSummary(facts, r, type, base, key);
        add(key, fn ? { fn } : { unknown: true });
      } else add(key, { unknown: true });
    });
  }
  return out;
}

/**
 * A function literal stored in a field of a value (`base`, as normalised where it is stored) of
 * struct type `type`, summarised as a method of `type` whose receiver is that value: its
 * operations on `base` become the receiver's, and those on other names of the enclosing
 * function (its locals and parameters) are left out.
 */
function literalSummary(facts: FileFacts, lit: Node, type: string, base: string, key: string): FuncSummary | undefined {
  const info = facts.funcInfo(lit);
  if (!info.body) return undefined;
  const own = (t: string | undefined): string | undefined => {
    if (t === undefined) return undefined;
    if (t === base || t.startsWith(base + '.')) return type + t.slice(base.length);
    return /^(param|local:)/.test(t) ? undefined : t;
  };
  const ops: Op[] = [];
  for (const op of opsOf(facts, info)) {
    const target = op.kind === 'call' || op.kind === 'callResult' ? op.target : own(op.target);
    if (target === undefined) continue;
    ops.push({ ...op, target, ...(op.recv !== undefined ? { recv: own(op.recv) } : {}), ...(op.args ? { args: op.args.map(own) } : {}) });
  }
  return { key: `${key}@${lit.startPosition.row + 1}`, name: key.slice(type.length + 1), receiverType: type, pointerReceiver: true, file: facts.fileName, line: lit.startPosition.row + 1, ops, params: info.params.map((p) => p.type) };
}

/**
 * `ch := make(chan T); go func() { ...; ch <- v }(); return ch`: the channel returned on every
 * return, unbuffered, whose every other use is one send (not a select case, not in a loop) by a
 * goroutine literal the function starts once, or a close.
 */
function pendingResultOf(facts: FileFacts, fn: FuncInfo, returns: readonly Node[]): Pick<FuncSummary, 'returnsPending'> {
  if (returns.length === 0 || !fn.results.some((r) => /^(<-)?chan/.test(r))) return {};
  let decl: VarDecl | undefined;
  for (const ret of returns) {
    const values = ret.namedChild(0)?.namedChildren ?? [];
    const ids = values.map((v) => (v ? unparen(v) : undefined)).filter((v): v is Node => v?.type === 'identifier');
    const found = ids.map((id) => facts.lookup(id.text, id)?.decl).find((d) => d?.init && parseChanMake(d.init));
    if (!found || (decl && found !== decl)) return {};
    decl = found;
  }
  const made = decl?.init ? parseChanMake(decl.init) : undefined;
  const elem = made?.make.childForFieldName('arguments')?.namedChildren[0];
  if (!decl || !made || made.capacity || !elem) return {};
  let send: Node | undefined;
  let ok = true;
  walk(fn.body!, (n) => {
    if (!ok) return false;
    if (n.type !== 'identifier' || n.text !== decl!.name || n.id === decl!.node.id || facts.lookup(n.text, n)?.decl !== decl) return;
    let e: Node = n;
    while (e.parent?.type === 'parenthesized_expression') e = e.parent;
    const p = e.parent;
    if (p?.type === 'expression_list' && p.parent?.type === 'return_statement' && enclosingFunction(p)?.id === fn.node.id) return;
    if (p?.type === 'argument_list' && p.parent && callParts(p.parent)?.name === 'close' && !callParts(p.parent)?.receiver) return;
    const lit = enclosingFunction(n);
    const go = lit && lit.id !== fn.node.id ? facts.goStatements.find((g) => g.target?.node.id === lit.id && g.target.kind === 'literal') : undefined;
    const inLoop = (from: Node, to: Node) => {
      for (let x = from.parent; x && x.id !== to.id; x = x.parent) if (x.type === 'for_statement') return true;
      return false;
    };
    if (p?.type === 'send_statement' && p.childForFieldName('channel')?.id === e.id && !send && go?.spawner?.node.id === fn.node.id && p.parent?.type !== 'communication_case' && !inLoop(p, lit!) && !inLoop(go.node, fn.node)) {
      send = p;
      return;
    }
    ok = false;
  });
  if (!ok || !send) return {};
  return { returnsPending: { send: { ...where(send), text: send.text }, make: { start: elem.endIndex, end: elem.endIndex } } };
}

function releasesOf(facts: FileFacts, returns: readonly Node[]): Pick<FuncSummary, 'releases'> {
  const releases: NonNullable<FuncSummary['releases']> = [];
  for (const ret of returns) {
    for (const e of ret.namedChild(0)?.namedChildren ?? []) {
      const sel = e ? unlockValue(unparen(e)) : undefined;
      const name = sel?.type === 'selector_expression' ? sel.childForFieldName('field')?.text : undefined;
      const operand = sel?.childForFieldName('operand');
      if ((name !== 'Unlock' && name !== 'RUnlock') || !operand) continue;
      const target = normaliseTarget(facts, operand, ret);
      if (target) releases.push({ kind: name, target });
    }
  }
  return releases.length > 0 ? { releases } : {};
}

/**
 * The method value a returned function unlocks through: `l.Unlock` itself, or in a literal whose
 * one statement calls it, directly or through a `sync.Once` (`func() { once.Do(l.Unlock) }`,
 * miekg/dns's `unlockOnce`; `func() { l.mu.Unlock() }`).
 */
function unlockValue(e: Node): Node | undefined {
  if (e.type !== 'func_literal') return e;
  const stmts = blockStatements(e.childForFieldName('body'));
  const call = stmts.length === 1 && stmts[0].type === 'expression_statement' ? unparen(stmts[0].namedChildren[0]) : undefined;
  if (call?.type !== 'call_expression' || callArgs(call).length > 1) return undefined;
  const fn = unparen(call.childForFieldName('function')!);
  if (callArgs(call).length === 0) return fn;
  const parts = callParts(call);
  return parts?.name === 'Do' && parts.receiver ? unparen(callArgs(call)[0]) : undefined;
}

function serveLoopsOf(facts: FileFacts, fn: FuncInfo, selects: readonly Node[], ranges: readonly Node[]): Pick<FuncSummary, 'serves'> {
  const serves: ServeLoop[] = [];
  for (const select of selects) {
    let loop: Node | undefined;
    for (let p = select.parent; p && p.id !== fn.node.id; p = p.parent) {
      if (p.type === 'for_statement') {
        loop = p;
        break;
      }
    }
    if (!loop || defaultCase(select)) continue;
    const receives: ServeLoop['receives'] = [];
    const stops: ServeLoop['stops'] = [];
    const sends: NonNullable<ServeLoop['sends']> = [];
    for (const c of selectCases(select)) {
      const comm = c.childForFieldName('communication');
      const sent = comm?.type === 'send_statement' ? comm.childForFieldName('channel') : undefined;
      const sentTarget = sent ? normaliseTarget(facts, sent, c) : undefined;
      if (comm && sentTarget) sends.push({ target: sentTarget, line: comm.startPosition.row + 1 });
      const operand = caseReceive(c)?.channel;
      const recv = operand?.parent;
      if (!operand || !recv) continue;
      // A stop case returns whatever it received; a work case may return too (`if !ok { return }`), but not always.
      const returns = blockStatements(c).some((x) => x.type === 'return_statement');
      if (returns) {
        const done = unparen(operand);
        const doneCall = done.type === 'call_expression' && callParts(done)?.name === 'Done' ? callParts(done) : undefined;
        const target = doneCall?.receiverNode ? normaliseTarget(facts, doneCall.receiverNode, c) : normaliseTarget(facts, operand, c);
        stops.push({ text: recv.text, ...where(recv), ...(target ? { target: doneCall ? `${target}.Done()` : target } : {}) });
      } else {
        const target = normaliseTarget(facts, operand, c);
        const request = target ? requestUse(facts, fn, select, c, (call) => calleeKey(facts, call)) : undefined;
        if (target) receives.push({ target, line: recv.startPosition.row + 1, ...(answersSomehow(request) ? { request } : {}) });
      }
    }
    if ((receives.length > 0 || sends.length > 0) && stops.length > 0) serves.push({ line: loop.startPosition.row + 1, receives, stops, ...(sends.length > 0 ? { sends } : {}) });
  }
  for (const range of ranges) {
    const served = rangeServeLoop(facts, fn, range);
    if (served) serves.push(served);
  }
  return serves.length > 0 ? { serves } : {};
}

/** A request some path answers, itself or through a helper it is passed to. */
function answersSomehow(request: RequestUse | undefined): request is RequestUse {
  return !!request && (request.answers.length > 0 || (request.delegates?.length ?? 0) > 0);
}

/**
 * See {@link FuncSummary.handles}: parameters of a struct or channel type that the function sends
 * on (a field of) or closes.
 */
function handlesOf(facts: FileFacts, fn: FuncInfo): Pick<FuncSummary, 'handles'> {
  if (!fn.body || !/<-|\bclose\(/.test(fn.body.text)) return {};
  const handles: Record<string, RequestUse> = {};
  fn.params.forEach((p, i) => {
    if (!/^(\*?[A-Za-z_]\w*|(<-)?chan.*)$/.test(p.type) || /^\*?(string|bool|int|error|any)$/.test(p.type)) return;
    const use = paramRequestUse(facts, fn, i);
    if (use) handles[i] = use;
  });
  return Object.keys(handles).length > 0 ? { handles } : {};
}

/**
 * `for r := range s.reqc { ... }` over a channel field: a serving loop whose stops are the
 * `return`s and `break`s that leave it before the channel is closed (none: it only ends with the
 * channel, and is recorded for what it does with each request).
 */
function rangeServeLoop(facts: FileFacts, fn: FuncInfo, range: Node): ServeLoop | undefined {
  const loop = range.parent;
  const right = range.childForFieldName('right');
  const body = loop?.childForFieldName('body');
  if (!loop || loop.type !== 'for_statement' || !right || !body) return undefined;
  const operand = unparen(right);
  if (operand.type !== 'selector_expression' || !/^(<-)?chan/.test(facts.typeOf(operand) ?? '')) return undefined;
  const target = normaliseTarget(facts, operand, range);
  if (!target) return undefined;
  // A loop inside another loop of the function may be entered again after a `break`.
  let nested = false;
  for (let p = loop.parent; p && p.id !== fn.node.id; p = p.parent) if (p.type === 'for_statement') nested = true;
  const stops: ServeLoop['stops'] = [];
  walk(body, (n) => {
    if (FUNCTION_TYPES.has(n.type)) return false;
    const label = n.type === 'break_statement' ? n.namedChild(0)?.text : undefined;
    const breaksLoop = label ? loop.parent?.type === 'labeled_statement' && loop.parent.namedChild(0)?.text === label : innermostBreakable(n)?.id === loop.id;
    const leaves = n.type === 'return_statement' || (n.type === 'break_statement' && !nested && breaksLoop);
    if (!leaves) return;
    // Inside `case <-s.stop:` (or `<-ctx.Done()`) of a select: that channel is the stop signal.
    let c: Node | null = n.parent;
    while (c && c.id !== loop.id && c.type !== 'communication_case') c = c.parent;
    const recv = c?.type === 'communication_case' ? caseReceive(c)?.channel : undefined;
    const done = recv ? unparen(recv) : undefined;
    const doneCall = done?.type === 'call_expression' && callParts(done)?.name === 'Done' ? callParts(done) : undefined;
    const stopTarget = !recv ? undefined : doneCall?.receiverNode ? normaliseTarget(facts, doneCall.receiverNode, n) : normaliseTarget(facts, recv, n);
    stops.push({ text: n.text, ...where(n), ...(stopTarget ? { target: doneCall ? `${stopTarget}.Done()` : stopTarget } : {}) });
  });
  const request = rangeRequestUse(facts, fn, loop, range, (call) => calleeKey(facts, call));
  const receives: ServeLoop['receives'] = [{ target, line: range.startPosition.row + 1, ...(answersSomehow(request) ? { request } : {}) }];
  return { line: loop.startPosition.row + 1, range: true, receives, stops };
}

/** What the walk over a function's body notices on the way, for the summary's other facts. */
interface Seen {
  /** `select` statements of the function itself (not of its closures). */
  selects: Node[];
  /** Its own `return` statements. */
  returns: Node[];
  /** Range clauses of its own loops. */
  ranges: Node[];
  /** A call that may re-arm, stop or make a timer. */
  timers: boolean;
}

/** Calls that may re-arm, stop or make a timer (what FuncSummary.touchesTimers records). */
const TIMER_METHODS = /^(Reset|Stop|NewTimer|NewTicker|AfterFunc)$/;

/** True when `call` may re-arm, stop or make a timer. */
export function isTimerCall(call: Node): boolean {
  return call.type === 'call_expression' && isTimerMethod(callParts(call)?.name);
}

function isTimerMethod(name: string | undefined): boolean {
  return name !== undefined && TIMER_METHODS.test(name);
}

/**
 * The operations of a function, in document order. With `lazyCalls`, what a call operation
 * carries beside its callee and place is worked out when first read (see LazyCallOp).
 */
function opsOf(facts: FileFacts, fn: FuncInfo, seen?: Seen, lazyCalls = false): Op[] {
  const ops: Op[] = [];
  const atomicName = facts.importName('sync/atomic');
  // The nodes below are the only ones looked at: read from the tree's index by type, in document
  // order, rather than by a walk over every node of the body.
  for (const n of fn.body!.descendantsOfType(OPS_NODE_TYPES)) opOf(n);
  return ops;
  function opOf(n: Node): void {
    // A call's parts, read once: the timer test and the operation below both need them.
    const parts = n.type === 'call_expression' ? callParts(n) : undefined;
    if (seen) {
      if (n.type === 'select_statement' || n.type === 'return_statement') {
        if (enclosingFunction(n)?.id === fn.node.id) (n.type === 'select_statement' ? seen.selects : seen.returns).push(n);
      } else if (n.type === 'range_clause') {
        if (enclosingFunction(n)?.id === fn.node.id) seen.ranges.push(n);
      } else if (!seen.timers && isTimerMethod(parts?.name)) seen.timers = true;
    }
    let kind: OpKind | undefined;
    let targetNode: Node | undefined;
    let unlocked: Node | undefined;
    if (n.type === 'call_expression') {
      const inner = unparen(n.childForFieldName('function')!);
      const innerKey = inner.type === 'call_expression' ? calleeKey(facts, inner) : undefined;
      if (innerKey) {
        const recvNode = callParts(inner)?.receiverNode;
        const recv = recvNode ? normaliseTarget(facts, recvNode, n) : undefined;
        const args = callArgs(inner).map((a) => normaliseTarget(facts, a));
        ops.push({ kind: 'callResult', target: innerKey, ...where(n), ...placement(fn, n), args, ...(recv ? { recv } : {}), ...guard(fn, n) });
      }
      if (inner.type === 'identifier' && fn.params.some((p) => p.name === inner.text)) {
        // A call of a function the caller passed in (`fn(k)`): what it runs is the caller's to say.
        const found = facts.lookup(inner.text, inner);
        if (found?.param && found.fn?.node.id === fn.node.id) {
          ops.push({ kind: 'callParam', target: `param${fn.params.indexOf(found.param)}`, ...where(n), ...placement(fn, n), ...guard(fn, n) });
          return;
        }
      }
      if (!parts) return;
      if (atomicName !== undefined && parts.receiver === atomicName && parts.receiverNode?.type === 'identifier') {
        const first = callArgs(n)[0];
        const addr = first ? unparen(first) : undefined;
        const operand = addr?.type === 'unary_expression' && addr.childForFieldName('operator')?.text === '&' ? addr.childForFieldName('operand') : undefined;
        const target = operand ? normaliseTarget(facts, operand, n) : undefined;
        if (target) ops.push({ kind: 'atomic', target, atomicFn: parts.name, ...where(n), ...placement(fn, n) });
        return;
      }
      if (!parts.receiver && parts.name === 'close' && callArgs(n).length === 1 && !facts.lookup('close', n)) {
        kind = 'close';
        targetNode = callArgs(n)[0];
      } else if (parts.receiverNode && SYNC_METHODS.has(parts.name) && callArgs(n).length === syncArity(parts.name)) {
        kind = parts.name as OpKind;
        targetNode = parts.receiverNode;
        // A mutex taken out of a map or slice field (`k.locks[key].Unlock()`, `l := k.locks[key]`): one
        // of its elements, `KeyLocks.locks[]`. Not a single mutex: lock rules leave such targets alone.
        const element = LOCK_KINDS.has(kind) ? elementTarget(facts, parts.receiverNode, n) : undefined;
        if (element) {
          ops.push({ kind, target: element, ...where(n), ...placement(fn, n), ...guard(fn, n) });
          return;
        }
      } else if (parts.name === 'Do' && (unlocked = onceUnlock(n, parts.receiverNode))) {
        // `once.Do(m.Unlock)`: the Once runs the method value, once (lnd's `unlockOnce.Do(m.Unlock)`).
        kind = unlocked.childForFieldName('field')!.text as OpKind;
        targetNode = unlocked.childForFieldName('operand')!;
      } else {
        const callee = calleeKey(facts, n);
        if (callee) {
          const recvNode = parts.receiverNode;
          const details = (): CallDetails => {
            const recv = recvNode ? normaliseTarget(facts, recvNode, n) : undefined;
            return {
              args: callArgs(n).map((a) => normaliseTarget(facts, a)),
              ...(recv ? { recv } : {}),
              ...guard(fn, n),
              ...boolArgs(n),
              ...uncancelledArgs(facts, n),
              ...paramConditions(facts, fn, n),
              ...funcArgsOf(facts, fn, n, callee),
              ...ownershipOf(facts, fn, n, recvNode, recv),
            };
          };
          const head: CallHead = { kind: 'call', target: callee, ...where(n), ...placement(fn, n) };
          ops.push(lazyCalls ? new LazyCallOp(head, details) : { ...head, ...details() });
        }
        return;
      }
    } else if (n.type === 'send_statement') {
      kind = 'send';
      targetNode = n.childForFieldName('channel') ?? undefined;
    } else if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '<-') {
      kind = 'recv';
      targetNode = n.childForFieldName('operand') ?? undefined;
    } else if (n.type === 'range_clause') {
      kind = 'range';
      targetNode = n.childForFieldName('right') ?? undefined;
    }
    if (!kind || !targetNode) return;
    const target = normaliseTarget(facts, targetNode, n);
    if (!target) return;
    const cases = kind === 'send' || kind === 'recv' ? selectCasesAround(n) : undefined;
    const nonBlocking = cases?.default || (kind === 'recv' && lengthGuarded(n)) ? { nonBlocking: true } : cases && cases.comms > 1 ? { alternatives: true } : {};
    ops.push({ kind, target, ...where(n), ...placement(fn, n), ...guard(fn, n), ...nonBlocking, ...paramConditions(facts, fn, n) });
  }
}

/**
 * The method value `m.Unlock` (or `m.RUnlock`) that `once.Do(m.Unlock)` runs: a `sync.Once`, or a
 * once-like type of the program's own (cadence's `doOnce`, whose `Do(cb func())` runs `cb` the
 * first time). A `Do` handed an unlock method value runs it; nothing else would be the point.
 */
function onceUnlock(call: Node, recv: Node | undefined): Node | undefined {
  const args = callArgs(call);
  const arg = args.length === 1 ? unparen(args[0]) : undefined;
  if (!recv || arg?.type !== 'selector_expression' || !/^R?Unlock$/.test(arg.childForFieldName('field')?.text ?? '')) return undefined;
  return arg;
}

/** A call operation's callee and place: what a summary needs of every call at once. */
type CallHead = Pick<Op, 'kind' | 'target' | 'line' | 'start' | 'end' | 'deferred' | 'deferOrder' | 'repeated' | 'context'>;

/** The rest of a call operation: its arguments, guard, conditions and receiver's ownership. */
const CALL_DETAILS = ['args', 'recv', 'guarded', 'afterExit', 'bools', 'uncancelled', 'when', 'funcArgs', 'lastRef', 'recvType', 'owned'] as const;
type CallDetails = Pick<Op, (typeof CALL_DETAILS)[number]>;

/**
 * A call operation whose details (CALL_DETAILS) are worked out the first time one is read. Most
 * calls of a package are never looked at beyond their callee (a builtin, a conversion, a helper
 * no rule asks about), and their details cost the graph questions of `guard` and the scope
 * lookups of the arguments. The details read the file's syntax, which the operation keeps alive
 * until it is read or dropped, so only summaries that live no longer than their package's
 * analysis are made so (analyzePackage); those the editor keeps between keystrokes are not.
 * Each detail is a getter on the prototype (defined below), so a spread, which copies own
 * properties only, leaves them out: copy one with {@link plainOp}.
 */
class LazyCallOp implements Op {
  kind: OpKind;
  target: string;
  line: number;
  start: number;
  end: number;
  declare deferred?: boolean;
  declare deferOrder?: number;
  declare repeated?: boolean;
  declare context?: 'goroutine' | 'closure';
  #details: CallDetails | undefined;
  #make: (() => CallDetails) | undefined;

  constructor(head: CallHead, make: () => CallDetails) {
    this.kind = head.kind;
    this.target = head.target;
    this.line = head.line;
    this.start = head.start;
    this.end = head.end;
    if (head.deferred !== undefined) this.deferred = head.deferred;
    if (head.deferOrder !== undefined) this.deferOrder = head.deferOrder;
    if (head.repeated !== undefined) this.repeated = head.repeated;
    if (head.context !== undefined) this.context = head.context;
    this.#make = make;
  }

  /** The details, worked out on the first read. */
  get details(): CallDetails {
    if (!this.#details) {
      this.#details = this.#make!();
      this.#make = undefined; // the syntax it read can go once nothing else holds it
    }
    return this.#details;
  }
}

for (const name of CALL_DETAILS) {
  Object.defineProperty(LazyCallOp.prototype, name, {
    get(this: LazyCallOp) {
      return this.details[name];
    },
  });
}

/** An operation as a plain object with every property it has (a LazyCallOp's details included): safe to spread. */
export function plainOp(op: Op): Op {
  if (!(op instanceof LazyCallOp)) return op;
  const head: CallHead = { kind: op.kind, target: op.target, line: op.line, start: op.start, end: op.end };
  if (op.deferred !== undefined) head.deferred = op.deferred;
  if (op.deferOrder !== undefined) head.deferOrder = op.deferOrder;
  if (op.repeated !== undefined) head.repeated = op.repeated;
  if (op.context !== undefined) head.context = op.context;
  return { ...head, ...op.details };
}

/** The node types opsOf reads operations from. */
const OPS_NODE_TYPES = ['call_expression', 'send_statement', 'unary_expression', 'range_clause', 'select_statement', 'return_statement'];

const LOCK_KINDS = new Set<OpKind>(['Lock', 'Unlock', 'RLock', 'RUnlock']);

/** See {@link FuncSummary.decrements}. */
function decrementsOf(facts: FileFacts, fn: FuncInfo, returns: readonly Node[]): Pick<FuncSummary, 'decrements'> {
  if (returns.length === 0 || !fn.results.length || !/\bAdd(Int|Uint)(32|64)\b/.test(fn.body!.text)) return {};
  const holder = returnedDecrement(facts, fn, returns);
  const target = holder ? normaliseTarget(facts, holder) : undefined;
  return target ? { decrements: target } : {};
}

/** What a method call knows of the value it is made on: {@link Op.lastRef}, {@link Op.recvType}, {@link Op.owned}. */
function ownershipOf(facts: FileFacts, fn: FuncInfo, call: Node, recvNode: Node | undefined, recv: string | undefined): Pick<Op, 'lastRef' | 'recvType' | 'owned'> {
  if (!recvNode || !recv) return {};
  const out: Pick<Op, 'lastRef' | 'recvType' | 'owned'> = {};
  const callee = (c: Node) => calleeKey(facts, c);
  if (zeroTests(fn)) {
    const ref = lastReference(facts, fn, call, (e, at) => normaliseTarget(facts, e, at), callee);
    if (ref) out.lastRef = ref;
  }
  if (recv.startsWith('local:')) {
    const owned = ownedLocal(facts, fn, recvNode, callee);
    if (owned) out.owned = owned;
    const dot = recv.indexOf('.');
    let head: Node = unparen(recvNode);
    while (head.type === 'selector_expression') head = unparen(head.childForFieldName('operand')!);
    const type = dot > 0 && head.type === 'identifier' ? facts.typeOf(head)?.replace(/^\*/, '') : undefined;
    if (type && /^[A-Za-z_]\w*$/.test(type)) out.recvType = type + recv.slice(dot);
  }
  return out;
}

const zeroTestCache = new WeakMap<FuncInfo, boolean>();

/** The function compares something with 0 (or 1): the only functions where a call may hold a last reference. */
function zeroTests(fn: FuncInfo): boolean {
  let v = zeroTestCache.get(fn);
  if (v === undefined) zeroTestCache.set(fn, (v = /(==|!=|<=|>)\s*0\b|<\s*1\b/.test(fn.body!.text)));
  return v;
}

/**
 * `T.locks[]` for an element of a map or slice field: `k.locks[key]`, or a local that only ever
 * holds one (`l := k.locks[key]`, `l, ok := k.locks[key]`, later maybe `l = &sync.Mutex{}` that is
 * stored back). Undefined for anything else.
 */
export function elementTarget(facts: FileFacts, recv: Node, at: Node): string | undefined {
  let r = unparen(recv);
  if (r.type === 'unary_expression' && r.childForFieldName('operator')?.text === '&') r = unparen(r.childForFieldName('operand')!);
  if (r.type === 'identifier') {
    const decl = facts.lookup(r.text, r)?.decl;
    const source = decl?.init ? unparen(decl.init) : indexSource(decl?.statement, r.text);
    if (!source || source.type !== 'index_expression') return undefined;
    r = source;
  }
  if (r.type !== 'index_expression') return undefined;
  const operand = r.childForFieldName('operand');
  const base = operand && operand.type === 'selector_expression' ? normaliseTarget(facts, operand, at) : undefined;
  return base && !base.startsWith('local:') ? `${base}[]` : undefined;
}

/** For `l, ok := m[k]`: the index expression that gives `name` its value. */
function indexSource(stmt: Node | undefined, name: string): Node | undefined {
  if (stmt?.type !== 'short_var_declaration') return undefined;
  const left = stmt.childForFieldName('left')?.namedChildren ?? [];
  const right = stmt.childForFieldName('right')?.namedChildren ?? [];
  if (right.length !== 1 || left[0]?.text !== name) return undefined;
  const v = unparen(right[0]!);
  return v.type === 'index_expression' ? v : undefined;
}

/** See {@link Op.funcArgs}. */
function funcArgsOf(facts: FileFacts, fn: FuncInfo, call: Node, callee: string): Pick<Op, 'funcArgs'> {
  const type = fn.receiver?.typeName;
  if (!type || fn.kind !== 'method') return {};
  const out: Record<number, FuncSummary> = {};
  callArgs(call).forEach((a, i) => {
    const lit = unparen(a);
    if (lit.type !== 'func_literal') return;
    const summary = literalSummary(facts, lit, type, type, `${callee}#arg${i}:${facts.fileName}`);
    if (summary) out[i] = summary;
  });
  return Object.keys(out).length > 0 ? { funcArgs: out } : {};
}

/** `{ bools: [true] }` for `commit(true)`; nothing when no argument is a boolean constant. */
export function boolArgs(call: Node): Pick<Op, 'bools'> {
  const bools = callArgs(call).map((a) => {
    const t = unparen(a).type;
    return t === 'true' ? true : t === 'false' ? false : undefined;
  });
  return bools.some((b) => b !== undefined) ? { bools } : {};
}

/**
 * The values of `fn`'s boolean parameters that `n` needs in order to run: it stands in the branch
 * of an `if p`/`if !p` (or its `else`), or after an `if p { return }` of an enclosing block.
 */
function paramConditions(facts: FileFacts, fn: FuncInfo, n: Node): Pick<Op, 'when'> {
  if (!fn.params.some((p) => p.type === 'bool')) return {};
  const when: Record<string, boolean> = {};
  const need = (cond: Node | null | undefined, value: boolean) => {
    const c = cond ? unparen(cond) : undefined;
    if (!c) return;
    let id = c;
    let v = value;
    if (c.type === 'unary_expression' && c.childForFieldName('operator')?.text === '!') {
      id = unparen(c.childForFieldName('operand')!);
      v = !value;
    }
    if (id.type !== 'identifier') return;
    const found = facts.lookup(id.text, id);
    if (!found?.param || found.fn?.node.id !== fn.node.id || found.param.type !== 'bool') return;
    const i = String(fn.params.indexOf(found.param));
    if (when[i] === undefined) when[i] = v;
  };
  let child = n;
  for (let p = n.parent; p && p.id !== fn.node.id; child = p, p = p.parent) {
    if (p.type === 'func_literal') return {};
    if (p.type === 'if_statement') {
      if (child.id === p.childForFieldName('consequence')?.id) need(p.childForFieldName('condition'), true);
      else if (child.id === p.childForFieldName('alternative')?.id) need(p.childForFieldName('condition'), false);
    } else if (p.type === 'block' || p.type === 'statement_list') {
      // `if stop { return }` before n in this block.
      for (const s of p.namedChildren) {
        if (s.startIndex >= child.startIndex) break;
        if (s.type !== 'if_statement' || s.childForFieldName('alternative') || s.childForFieldName('initializer')) continue;
        const body = s.childForFieldName('consequence')?.namedChildren.filter((x) => x.type !== 'comment') ?? [];
        const inner = body.length === 1 && body[0].type === 'statement_list' ? body[0].namedChildren.filter((x) => x.type !== 'comment') : body;
        if (inner.length === 1 && inner[0].type === 'return_statement') need(s.childForFieldName('condition'), false);
      }
    }
  }
  return Object.keys(when).length ? { when } : {};
}

function where(n: Node): Pick<Op, 'line' | 'start' | 'end'> {
  return { line: n.startPosition.row + 1, start: n.startIndex, end: n.endIndex };
}

/** Words one of which comes before an operation that some path can skip: the graph is asked only then. */
const EARLY_EXIT = /\b(return|goto|break|continue|panic|Fatal\w*|Exit|Goexit|FailNow|Skip\w*|Panic\w*)\b/;

const earlyExits = new WeakMap<Node, number>();

/** Offset in `body` of the first early-exit word, Infinity without one; searched once per body. */
function firstEarlyExit(body: Node): number {
  let at = earlyExits.get(body);
  if (at === undefined) {
    const i = body.text.search(EARLY_EXIT);
    earlyExits.set(body, (at = i < 0 ? Infinity : i));
  }
  return at;
}

/** `{ guarded: true }` when `n` does not run on every path through `fn` (see {@link Op.guarded}). */
function guard(fn: FuncInfo, n: Node): Pick<Op, 'guarded' | 'afterExit'> {
  if (isGuarded(n, fn.node)) return { guarded: true };
  // The syntax puts it on every path; the function's graph also knows early returns, jumps, panics
  // and calls that never return. An operation in a closure, a go or a defer statement is placed
  // where that statement is.
  let anchor = n;
  for (let p = n.parent; p && p.id !== fn.node.id; p = p.parent) {
    if (p.type === 'func_literal' || p.type === 'go_statement' || p.type === 'defer_statement') anchor = p;
  }
  if (!fn.body || anchor.startIndex - fn.body.startIndex <= firstEarlyExit(fn.body)) return {};
  return !surelyReached(anchor, fn.body) ? { guarded: true, ...(anchor === n ? { afterExit: true } : {}) } : {};
}

/** True when a send or receive is the communication of a select case, and the select has a `default`. */
export function inSelectWithDefault(op: Node): boolean {
  return selectCasesAround(op)?.default ?? false;
}

/** For the communication of a `select` case: whether the select has a `default`, and how many communication cases it has. */
function selectCasesAround(op: Node): { default: boolean; comms: number } | undefined {
  let n: Node = op;
  while (n.parent && (n.parent.type === 'parenthesized_expression' || n.parent.type === 'expression_list' || n.parent.type === 'receive_statement')) n = n.parent;
  const c = n.parent;
  if (c?.type !== 'communication_case' || c.childForFieldName('communication')?.id !== n.id || !c.parent) return undefined;
  const body = c.parent;
  const comms = body.namedChildren.filter((x) => x?.type === 'communication_case').length;
  return { default: defaultCase(body) !== undefined, comms };
}

const CASES = new Set(['expression_case', 'default_case', 'type_case', 'communication_case']);

/**
 * True when `n` sits, below `top`, in a branch of an `if`, a case, a loop body or the right
 * operand of `&&`/`||`: code that some paths through `top` skip.
 */
export function isGuarded(n: Node, top: Node): boolean {
  let child = n;
  for (let p = n.parent; p && p.id !== top.id; child = p, p = p.parent) {
    if (CASES.has(p.type)) return true;
    if (p.type === 'if_statement' && child.id !== p.childForFieldName('condition')?.id && child.id !== p.childForFieldName('initializer')?.id) return true;
    // The body of `for {}` runs at least once; other loops may not run it at all.
    if (p.type === 'for_statement' && child.id === p.childForFieldName('body')?.id && !isEndlessLoop(p)) return true;
    if (p.type === 'binary_expression' && child.id === p.childForFieldName('right')?.id && /^(&&|\|\|)$/.test(p.childForFieldName('operator')?.text ?? '')) return true;
  }
  return false;
}

/** Whether an operation runs deferred, in another goroutine, or in a callback of `fn`. */
function placement(fn: FuncInfo, n: Node): Pick<Op, 'deferred' | 'deferOrder' | 'context' | 'repeated'> {
  const out: Pick<Op, 'deferred' | 'deferOrder' | 'context' | 'repeated'> = {};
  for (let p = n.parent; p && p.id !== fn.node.id; p = p.parent) {
    // `defer f(args)` evaluates f and args where it stands; only the call itself runs at return.
    if (p.type === 'defer_statement' && p.namedChildren.some((c) => c?.id === n.id)) {
      out.deferred = true;
      out.deferOrder = deferOrder(fn, p);
    }
    if (p.type === 'for_statement') out.repeated = true;
    if (p.type === 'go_statement') out.context = 'goroutine';
    if (p.type === 'func_literal' && !out.context) {
      const call = p.parent?.type === 'call_expression' ? p.parent : undefined;
      const stmt = call?.parent;
      if (stmt?.type === 'go_statement') out.context = 'goroutine';
      else if (stmt?.type === 'defer_statement') {
        out.deferred = true;
        out.deferOrder = deferOrder(fn, stmt);
      } else if (!call) out.context = 'closure';
    }
    if (FUNCTION_TYPES.has(p.type) && p.type !== 'func_literal') break;
  }
  return out;
}

/**
 * Which defer statement of the function `stmt` is, in the text's order from 1. Worked out each
 * time (a function has few): node ids and moved nodes change between reviews, a count does not.
 */
function deferOrder(fn: FuncInfo, stmt: Node): number {
  const body = fn.node.childForFieldName('body');
  const defers = body ? body.descendantsOfType('defer_statement') : [];
  return defers.findIndex((d) => d.startIndex === stmt.startIndex) + 1;
}

/** A summary's struct fields as a map, made once per fields object (summaries are never changed). */
const fieldMaps = new WeakMap<Record<string, string>, ReadonlyMap<string, string>>();

/** The summaries of one package, as rules see them. */
export class PackageView {
  private readonly byKey = new Map<string, FuncSummary>();
  private callerIndex?: Map<string, FuncSummary[]>;

  constructor(readonly files: readonly FileSummary[]) {
    for (const f of files) for (const fn of f.functions) if (!this.byKey.has(fn.key)) this.byKey.set(fn.key, fn);
  }

  /** A function or method of the package by key (`Store.evict`, `helper`), or a literal stored as a callback (see {@link callback}). */
  func(key: string): FuncSummary | undefined {
    return this.byKey.get(key) ?? this.callbackFns?.get(key) ?? this.promoted(key);
  }

  private promotedCache?: Map<string, FuncSummary | null>;

  /**
   * A method promoted from a struct of the package embedded in `T` (`T.lock` where `T` embeds
   * `batchTx`, which declares `lock`), as a method of `T`: the operations on the embedded value's
   * receiver are named through the embedded field (`batchTx.Mutex` -> `T.batchTx.Mutex`). Undefined
   * when `T` has its own field of that name, or when more than one embedded struct provides it.
   */
  private promoted(key: string, depth = 0): FuncSummary | undefined {
    const dot = key.indexOf('.');
    const type = key.slice(0, dot);
    const name = key.slice(dot + 1);
    if (dot <= 0 || !/^\w+$/.test(name) || depth > 2) return undefined;
    const cached = (this.promotedCache ??= new Map()).get(key);
    if (cached !== undefined) return cached ?? undefined;
    this.promotedCache.set(key, null);
    const fields = this.struct(type);
    if (!fields || fields[name] !== undefined) return undefined;
    let found: FuncSummary | undefined;
    for (const [field, ftype] of Object.entries(fields)) {
      if (ftype.replace(/^\*/, '') !== field) continue;
      const m = this.byKey.get(`${field}.${name}`) ?? this.promoted(`${field}.${name}`, depth + 1);
      if (!m) continue;
      if (found) return undefined;
      found = rebase(m, type, field);
    }
    if (found) this.promotedCache.set(key, found);
    return found;
  }

  /**
   * The one function every call of `fn` passes as its parameter `i` (a call of that parameter runs
   * it): a literal of a method of the same type, or a method value, on the receiver that is also
   * `fn`'s receiver. Undefined when some call passes anything else, or nothing calls `fn`.
   */
  passedFunction(fn: FuncSummary, i: number): FuncSummary | undefined {
    let one: FuncSummary | undefined;
    let calls = 0;
    for (const c of this.callers(fn.key)) {
      for (const op of c.ops) {
        if (op.kind !== 'call' || op.target !== fn.key) continue;
        calls++;
        if (!fn.receiverType || c.receiverType !== fn.receiverType || op.recv !== fn.receiverType) return undefined;
        const arg = op.args?.[i];
        const f = op.funcArgs?.[i] ?? (arg?.startsWith(fn.receiverType + '.') ? this.byKey.get(arg) : undefined);
        if (!f || (one && one.key !== f.key)) return undefined;
        one = f;
      }
    }
    if (!one || calls === 0) return undefined;
    if (!this.byKey.has(one.key)) (this.callbackFns ??= new Map()).set(one.key, one);
    return one;
  }

  private callbackIndex?: Map<string, FuncSummary | null>;
  private callbackFns?: Map<string, FuncSummary>;

  /**
   * The one function a call of the field `key` (`Watcher.onEvent`) runs, when every value the
   * package stores in that field is the same method of the same value or one function literal,
   * and the field is declared with a function type. Undefined when anything else is stored, or
   * nothing is.
   */
  callback(key: string): FuncSummary | undefined {
    if (!this.callbackIndex) {
      const all = new Map<string, CallbackBinding[]>();
      for (const f of this.files) for (const [k, list] of Object.entries(f.callbacks ?? {})) all.set(k, [...(all.get(k) ?? []), ...list]);
      this.callbackIndex = new Map();
      this.callbackFns ??= new Map();
      for (const [k, list] of all) {
        const dot = k.lastIndexOf('.');
        const declared = this.structField(k.slice(0, dot), k.slice(dot + 1));
        let one: FuncSummary | undefined;
        let ok = declared !== undefined && (declared.startsWith('func(') || this.isFuncType(declared));
        for (const b of list) {
          if (!ok) break;
          const fn = 'method' in b ? this.byKey.get(b.method) : 'fn' in b ? b.fn : undefined;
          if (!fn || (one && one !== fn)) ok = false;
          else one = fn;
        }
        this.callbackIndex.set(k, ok && one ? one : null);
        if (ok && one && !this.byKey.has(one.key)) this.callbackFns.set(one.key, one);
      }
    }
    return this.callbackIndex.get(key) ?? undefined;
  }

  private funcTypeNames?: Set<string>;

  /** The package declares `name` as a function type (`type HandlerFunc func(Event)`). */
  isFuncType(name: string): boolean {
    this.funcTypeNames ??= new Set(this.files.flatMap((f) => f.funcTypes ?? []));
    return this.funcTypeNames.has(name);
  }

  get functions(): IterableIterator<FuncSummary> {
    return this.byKey.values();
  }

  /**
   * Every call of `key` in the package comes from a test that skips itself first, directly or
   * through callers that are themselves only called so (netbird's relay benchmarks, run only from
   * tests that open with `t.SkipNow()`): its code never runs. False without callers.
   */
  onlyInSkippedTests(key: string, depth = 3): boolean {
    const callers = this.callers(key);
    return callers.length > 0 && callers.every((c) => c.skipsTest || (depth > 0 && c.key !== key && this.onlyInSkippedTests(c.key, depth - 1)));
  }

  /** The package's functions that call the function `key` (each once), from an index built on first use. */
  callers(key: string): readonly FuncSummary[] {
    if (!this.callerIndex) {
      const index = new Map<string, FuncSummary[]>();
      for (const fn of this.byKey.values()) {
        for (const target of new Set(fn.ops.filter((op) => op.kind === 'call').map((op) => op.target))) {
          const list = index.get(target);
          if (list) list.push(fn);
          else index.set(target, [fn]);
        }
      }
      this.callerIndex = index;
    }
    return this.callerIndex.get(key) ?? [];
  }

  /** A struct type's fields (name -> type text; embedded fields keyed by type name), from any file of the package. */
  struct(typeName: string): Record<string, string> | undefined {
    if (!this.structIndex) {
      // The first file that declares a struct of the name wins, as a search in file order finds it.
      this.structIndex = new Map();
      for (const f of this.files) for (const [name, s] of Object.entries(f.structs)) if (s && !this.structIndex.has(name)) this.structIndex.set(name, s);
    }
    return this.structIndex.get(typeName);
  }

  private structIndex?: Map<string, Record<string, string>>;

  /**
   * True when a file of the program (not a `_test.go` file: the build leaves those out) reads the
   * unexported field `name` of some struct, or aliases it (see {@link FileSummary.fieldReads}).
   * `close(x.doneCh)` on a field nothing reads signals no one: only a test waits for it.
   */
  fieldReadInProgram(name: string): boolean {
    return this.files.some((f) => !/_test\.go$/.test(f.fileName) && f.fieldReads?.includes(name));
  }

  /**
   * The value of a package-level constant, from the file that declares it (see
   * {@link FileSummary.consts}); undefined when no file proves one, or two files give different
   * ones (a constant per build tag).
   */
  constant(name: string): number | undefined {
    let found: number | undefined;
    for (const f of this.files) {
      const v = f.consts?.[name];
      if (v === undefined) continue;
      if (found !== undefined && found !== v) return undefined;
      found = v;
    }
    return found;
  }

  /** The type of a package-level variable, from any file of the package. */
  varType(name: string): string | undefined {
    for (const f of this.files) {
      const t = f.vars?.[name];
      if (t) return t;
    }
    return undefined;
  }

  /** Result types of the package function `name`. */
  funcResults(name: string): string[] | undefined {
    const fn = this.func(name);
    return fn && !fn.receiverType ? fn.results ?? [] : undefined;
  }

  /** A struct field's type, from any file of the package. */
  structField(typeName: string, field: string, depth = 0): string | undefined {
    for (const f of this.files) {
      const t = f.structs[typeName]?.[field];
      if (t) return t;
    }
    // A field promoted from an embedded struct of the package (`tw.s` where `storeTxnCommon` holds `s`).
    if (depth >= 3) return undefined;
    for (const f of this.files) {
      for (const [name, type] of Object.entries(f.structs[typeName] ?? {})) {
        const base = type.replace(/^\*/, '');
        if (base !== name) continue;
        const t = this.structField(base, field, depth + 1);
        if (t) return t;
      }
    }
    return undefined;
  }

  /**
   * The operations a call to `key` performs, following calls to package functions (not into
   * goroutines or callbacks), breadth-first up to `depth` calls deep, each function once.
   * Each op comes with the chain of calls that leads to it.
   */
  reachableOps(key: string, depth = 4): { op: Op; via: FuncSummary[] }[] {
    const out: { op: Op; via: FuncSummary[] }[] = [];
    const seen = new Set<string>([key]);
    let frontier: { fn: FuncSummary; via: FuncSummary[] }[] = [];
    const start = this.func(key);
    if (start) frontier.push({ fn: start, via: [start] });
    for (let d = 0; d < depth && frontier.length > 0; d++) {
      const next: typeof frontier = [];
      for (const { fn, via } of frontier) {
        for (const op of fn.ops) {
          if (op.context) continue;
          out.push({ op, via });
          if (op.kind === 'call' && !op.deferred && !seen.has(op.target)) {
            seen.add(op.target);
            const callee = this.func(op.target);
            if (callee) next.push({ fn: callee, via: [...via, callee] });
          }
        }
      }
      frontier = next;
    }
    return out;
  }

  /**
   * True when a call of `key` may wait for another goroutine: one of `kinds` (by default a
   * receive, a range over a channel or a `Wait`) is reachable through package calls. A `select`
   * case next to a `default` never waits and counts only with `countNonBlocking`.
   */
  mayWait(key: string, kinds: ReadonlySet<OpKind> = WAIT_KINDS, countNonBlocking = false): boolean {
    return this.reachableOps(key).some(({ op }) => kinds.has(op.kind) && (countNonBlocking || !op.nonBlocking));
  }
}

/** The method `m` of an embedded struct as a method of the embedding type `type`, through its field `field`. */
function rebase(m: FuncSummary, type: string, field: string): FuncSummary {
  const rt = m.receiverType!;
  const map = (t: string | undefined): string | undefined => (t !== undefined && (t === rt || t.startsWith(rt + '.')) ? `${type}.${field}${t.slice(rt.length)}` : t);
  const ops = m.ops.map((op): Op => {
    const out: Op = { ...plainOp(op), target: op.kind === 'call' || op.kind === 'callResult' ? op.target : map(op.target)! };
    if (op.recv !== undefined) out.recv = map(op.recv);
    if (op.args) out.args = op.args.map(map);
    delete out.funcArgs;
    return out;
  });
  const { serves: _s, returnsPending: _p, releases, ...rest } = m;
  return { ...rest, key: `${type}.${m.name}`, receiverType: type, ops, ...(releases ? { releases: releases.map((r) => ({ ...r, target: map(r.target)! })) } : {}) };
}

/**
 * Summaries of the files of one directory, kept by the editor between keystrokes. A file's
 * summary is recomputed only when its text changes; sibling files are parsed only for that and
 * their trees freed at once.
 */
export class PackageIndex {
  private readonly entries = new Map<string, { text: string; summary?: FileSummary; generation: number }>();
  private readonly caches = new Map<string, SummaryCache>();
  private generation = 0;

  constructor(private readonly go: GoLanguage) {}

  /** Sets a file's text (from disk or an unsaved editor); unchanged text keeps its summary. */
  setText(fileName: string, text: string): void {
    const e = this.entries.get(fileName);
    if (e && e.text === text) return;
    this.entries.set(fileName, { text, generation: ++this.generation });
  }

  remove(fileName: string): void {
    this.entries.delete(fileName);
    this.caches.delete(fileName);
    this.generation++;
  }

  /** The function summaries of `fileName` kept between its edits. */
  summaryCache(fileName: string): SummaryCache {
    let c = this.caches.get(fileName);
    if (!c) this.caches.set(fileName, (c = new SummaryCache()));
    return c;
  }

  /** Names the texts of the package's files other than `fileName`: it changes when one of them does. */
  othersKey(fileName: string): string {
    const parts: string[] = [];
    for (const [name, e] of this.entries) if (name !== fileName) parts.push(`${name}@${e.generation}`);
    return parts.sort().join(',');
  }

  has(fileName: string): boolean {
    return this.entries.has(fileName);
  }

  /** Stores a summary computed from an already parsed file (no second parse). */
  put(fileName: string, text: string, summary: FileSummary): void {
    const e = this.entries.get(fileName);
    this.entries.set(fileName, { text, summary, generation: e && e.text === text ? e.generation : ++this.generation });
  }

  /** A struct field's type declared in a file other than `except`. */
  structField(typeName: string, field: string, except: string): string | undefined {
    for (const [name] of this.entries) {
      if (name === except) continue;
      const t = this.summary(name)?.structs[typeName]?.[field];
      if (t) return t;
    }
    return undefined;
  }

  /** Every field of a struct declared in a file other than `except`. */
  structFields(typeName: string, except: string): ReadonlyMap<string, string> | undefined {
    for (const [name] of this.entries) {
      if (name === except) continue;
      const fields = this.summary(name)?.structs[typeName];
      if (!fields) continue;
      let map = fieldMaps.get(fields);
      if (!map) fieldMaps.set(fields, (map = new Map(Object.entries(fields))));
      return map;
    }
    return undefined;
  }

  /** Result types of the package function `name` declared in a file other than `except`. */
  funcResults(name: string, except: string): string[] | undefined {
    for (const [file] of this.entries) {
      if (file === except) continue;
      const fn = this.summary(file)?.functions.find((f) => f.key === name && !f.receiverType);
      if (fn) return fn.results ?? [];
    }
    return undefined;
  }

  /** A file's summary, parsing it if its text changed since the last one. */
  private summary(fileName: string): FileSummary | undefined {
    const e = this.entries.get(fileName);
    if (!e) return undefined;
    if (!e.summary) {
      const file = new GoFile(this.go, e.text, fileName, 1000);
      try {
        e.summary = file.root ? summarizeFile(new FileFacts(file.root, file.source, fileName)) : undefined;
      } finally {
        file.dispose();
      }
    }
    return e.summary;
  }

  /** The view for `current`: its fresh summary plus the summaries of same-package siblings. */
  view(current: FileSummary): PackageView {
    const files: FileSummary[] = [current];
    for (const name of this.entries.keys()) {
      if (name === current.fileName) continue;
      const summary = this.summary(name);
      if (summary && summary.packageName === current.packageName) files.push(summary);
    }
    return new PackageView(files);
  }
}

/**
 * A function of package main that runs once per process: `main` itself, or a function that only
 * `main` calls (directly or through functions so called, or in a goroutine it starts), at one
 * place outside any loop. It runs at most once, and what
 * it leaves behind cannot pile up (nsq_to_file's `discoverer.run()`, tailscale's `run()` in
 * `if err := run(); err != nil { log.Fatal(err) }`).
 */
export function runsOncePerProcess(facts: FileFacts, view: PackageView, fn: FuncInfo): boolean {
  if (packageName(facts) !== 'main' || fn.kind === 'literal') return false;
  const key = funcKey(fn);
  return key !== undefined && calledOnceFromMain(view, key, 0);
}

function calledOnceFromMain(view: PackageView, key: string, depth: number): boolean {
  if (key === 'main') return true;
  const callers = view.callers(key);
  return depth <= 3 && callers.length === 1 && callsOnce(callers[0], key) && calledOnceFromMain(view, callers[0].key, depth + 1);
}

/**
 * `fn`, of package main, is a command the package reaches only through an interface or a table
 * (nothing calls it by name: rocketmq's benchmark commands, each `run` picked by name from the
 * command line), or is called only by such commands, once each (the stable test both of
 * rocketmq's stable commands run): in the review of real code such commands ran once per process.
 */
export function runsOncePerCommand(facts: FileFacts, view: PackageView, fn: FuncInfo): boolean {
  const key = fn.kind === 'literal' ? undefined : funcKey(fn);
  return key !== undefined && packageName(facts) === 'main' && reachedOnceFromCommands(view, key, 0);
}

function reachedOnceFromCommands(view: PackageView, key: string, depth: number): boolean {
  if (key === 'main' || key === 'init') return false;
  const callers = view.callers(key);
  if (callers.length === 0) return true;
  return depth < 3 && callers.every((c) => c.key !== key && callsOnce(c, key) && reachedOnceFromCommands(view, c.key, depth + 1));
}

/**
 * `caller` calls `key` once, not in a loop or a callback (a condition or an earlier exit may skip
 * it). A call in a goroutine that `caller` starts there counts (`go monitor()` in `main`): the
 * goroutine is started once per run of `caller`.
 */
function callsOnce(caller: FuncSummary, key: string): boolean {
  const calls = caller.ops.filter((op) => op.kind === 'call' && op.target === key);
  return calls.length === 1 && !calls[0].repeated && calls[0].context !== 'closure';
}
