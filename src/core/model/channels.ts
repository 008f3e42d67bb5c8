/**
 * Where a value made in view goes, for the channel rules: which functions and goroutines send
 * on a channel, receive from it or close it (and which call `Done` on a WaitGroup), followed
 * through the calls and go statements the file resolves. Plus a few questions about control
 * flow inside one function body: its returns, whether a loop can end, what surely runs before
 * what.
 *
 * Syntax only, like facts.ts: wherever the value goes somewhere the file does not show
 * (returned, stored, passed to a function declared elsewhere, captured by a closure that is
 * not called in place) the trace records an escape, and rules that need the whole picture stay
 * silent.
 */
import { factsOf, hasBuffer, parseChanMake, type FileFacts, type FuncInfo } from './facts';
import type { PackageView } from './package';
import type { Node } from '../syntax/parser';
import { EVERYWHERE, FUNCTION_TYPES, focusRoots, callArgs, callParts, contains, descendants, isEndlessLoop, loopExits, pathKey, unparen, walk } from '../syntax/nodes';
import { runsBefore, surelyReached } from './paths';

export { runsBefore };

export type UseKind = 'send' | 'recv' | 'range' | 'close' | 'len' | 'method';

/** A function body the value reaches, and how it runs relative to the body that reached it. */
export interface Body {
  fn: FuncInfo;
  /** The path the value has in this body: `ch`, a parameter name `out`, `p.out`. */
  key: string;
  /** `root`: where the trace starts; `goroutine`: started by a go statement; `call`/`defer`: run on the parent's goroutine. */
  how: 'root' | 'goroutine' | 'call' | 'defer';
  /** The go statement, call or defer statement that runs this body (undefined for the root). */
  via?: Node;
  parent?: Body;
  /** Started or called inside a loop (here or in a parent), or reached from several places. */
  repeated: boolean;
  /** What the key's first name resolves to here (a VarDecl, a Param, or the FuncInfo of a method's receiver). */
  identity: unknown;
}

export interface Use {
  kind: UseKind;
  /** The expression naming the value (`ch`, `&wg`, `s.out`). */
  ref: Node;
  /** The operation: send_statement, `<-ch` unary_expression, ranging for_statement, close/len call, method call. */
  op: Node;
  body: Body;
  /** For `method`: the method name (`Done`, `Wait`). */
  name?: string;
}

export interface Trace {
  root: Body;
  bodies: Body[];
  uses: Use[];
  /** Where the value goes out of sight. Empty when the file shows every use. */
  escapes: Node[];
}

/** A channel made by a `make(chan ...)` the file shows, with the trace of where it goes. */
export interface ChannelFlow {
  /** The path in the function that makes it: `ch` or `p.out`. */
  key: string;
  make: Node;
  capacity?: Node;
  owner: FuncInfo;
  /** The statement that makes it (`ch := make(...)`, `var ch = ...`, `p.out = make(...)`). */
  statement: Node;
  trace: Trace;
  /** For a struct field (`p.out`): the struct type declared in this file, and the field. */
  field?: { typeName: string; name: string };
}

const MAX_BODIES = 40;
const LEAVES_GOROUTINE = /^(Goexit|Exit|Fatal|Fatalf|Fatalln|FailNow|SkipNow|Skip|Skipf)$/;

/** The first identifier of a path expression: `s` in `s.out`, `wg` in `&wg`. */
export function headIdent(node: Node): Node | undefined {
  let n: Node | null = unparen(node);
  while (n) {
    if (n.type === 'identifier') return n;
    if (n.type === 'selector_expression') n = n.childForFieldName('operand');
    else if (n.type === 'unary_expression') n = n.childForFieldName('operand');
    else if (n.type === 'parenthesized_expression') n = n.namedChild(0);
    else return undefined;
  }
  return undefined;
}

/** What an identifier resolves to, as an object comparable with `===`. */
export function identityOf(file: FileFacts, ident: Node): unknown {
  const found = file.lookup(ident.text, ident);
  return found?.decl ?? found?.param ?? found?.receiver;
}

/** `ch` climbs to `&ch` or `(ch)` when it is wrapped, so the parent is the real context. */
function outer(n: Node): Node {
  let o = n;
  for (let p = o.parent; p; p = o.parent) {
    const op = p.type === 'unary_expression' ? p.childForFieldName('operator')?.text : undefined;
    if (p.type === 'parenthesized_expression' || op === '&' || op === '*') o = p;
    else break;
  }
  return o;
}

function same(a: Node | null | undefined, b: Node | null | undefined): boolean {
  return !!a && !!b && a.id === b.id;
}

/** True when `node` sits inside a for statement of `fnNode`'s own body. */
export function inLoop(node: Node, fnNode: Node): boolean {
  for (let p = node.parent; p && p.id !== fnNode.id; p = p.parent) {
    if (p.type === 'for_statement') return true;
    if (FUNCTION_TYPES.has(p.type)) return false;
  }
  return false;
}

/**
 * Follows the value named `key` from the body of `fn`. `identity` is what the key's first name
 * resolves to there (see {@link identityOf}); `skip` is a reference that is not a use (the
 * declaration itself).
 */
export function trace(file: FileFacts, fn: FuncInfo, key: string, identity: unknown, skip?: Node): Trace {
  const root: Body = { fn, key, how: 'root', repeated: false, identity };
  const t: Trace = { root, bodies: [root], uses: [], escapes: [] };
  const byId = new Map<string, Body>([[`${fn.node.id}:${key}`, root]]);
  const handled = new Set<number>();
  if (skip) handled.add(skip.id);
  const queue: Body[] = [root];

  const add = (parent: Body, target: FuncInfo, k: string, ident: unknown, how: Body['how'], via: Node) => {
    const id = `${target.node.id}:${k}`;
    const known = byId.get(id);
    if (known) {
      known.repeated = true;
      return;
    }
    if (!target.body || t.bodies.length >= MAX_BODIES) {
      t.escapes.push(via);
      return;
    }
    const b: Body = { fn: target, key: k, how, via, parent, identity: ident, repeated: parent.repeated || inLoop(via, parent.fn.node) };
    byId.set(id, b);
    t.bodies.push(b);
    queue.push(b);
  };

  for (let b = queue.shift(); b; b = queue.shift()) {
    const body = b;
    const isRef = (n: Node) => {
      const k = pathKey(n);
      if (k !== body.key && !(k && body.key.startsWith(k + '.'))) return undefined;
      const h = headIdent(n);
      if (!h || identityOf(file, h) !== body.identity) return undefined;
      return k === body.key ? 'whole' : 'prefix';
    };
    // `pathKey(n) === body.key`, cheaply refused first: an identifier's text is its key, and a
    // selector's text is never shorter than its key and ends with the key's last name.
    const last = body.key.slice(body.key.lastIndexOf('.') + 1);
    const named = (n: Node) =>
      n.type === 'identifier'
        ? n.endIndex - n.startIndex === body.key.length && n.text === body.key
        : n.type === 'selector_expression' && n.endIndex - n.startIndex >= body.key.length && n.childForFieldName('field')?.text === last && pathKey(n) === body.key;
    walk(body.fn.body!, (n) => {
      if (n.type === 'func_literal') {
        literal(body, n, isRef);
        return false;
      }
      if (n.type === 'call_expression') call(body, n, isRef);
      if (named(n) && isRef(n) === 'whole') {
        const o = outer(n);
        if (!handled.has(o.id) && !handled.has(n.id)) classify(body, o);
        return false;
      }
    });
  }

  function literal(parent: Body, lit: Node, isRef: (n: Node) => string | undefined) {
    let callee: Node = lit;
    while (callee.parent?.type === 'parenthesized_expression') callee = callee.parent;
    const c = callee.parent;
    if (c?.type === 'call_expression' && same(c.childForFieldName('function'), callee)) {
      const how = c.parent?.type === 'go_statement' ? 'goroutine' : c.parent?.type === 'defer_statement' ? 'defer' : 'call';
      add(parent, file.funcInfo(lit), parent.key, parent.identity, how, how === 'call' ? c : c.parent!);
      return;
    }
    const leak = descendants(lit, new Set(['identifier', 'selector_expression'])).find((n) => isRef(n) === 'whole');
    if (leak) t.escapes.push(lit);
  }

  function call(parent: Body, c: Node, isRef: (n: Node) => string | undefined) {
    const fnNode = c.childForFieldName('function');
    const f = fnNode ? unparen(fnNode) : undefined;
    const operand = f?.type === 'selector_expression' ? f.childForFieldName('operand') : null;
    const args = c.childForFieldName('arguments')?.namedChildren.filter((x): x is Node => !!x && x.type !== 'comment') ?? [];
    const candidates = [...args, ...(operand ? [operand] : [])].filter((x) => isRef(x));
    if (candidates.length === 0) return;
    const parts = callParts(c);
    if (parts && !parts.receiver && ['close', 'len', 'cap'].includes(parts.name)) return;
    const resolved = file.resolveCall(c);
    const how = c.parent?.type === 'go_statement' ? 'goroutine' : c.parent?.type === 'defer_statement' ? 'defer' : 'call';
    const via = how === 'call' ? c : c.parent!;
    for (const x of candidates) {
      const k = pathKey(x)!;
      const bound = resolved ? [...resolved.bindings].find(([, v]) => same(v, x))?.[0] : undefined;
      const target = resolved?.target;
      const param = target?.params.find((p) => p.name === bound);
      const ident = param ?? (bound && target?.receiver?.name === bound ? target : undefined);
      if (target && bound && ident && !param?.type.startsWith('...')) {
        add(parent, target, bound + parent.key.slice(k.length), ident, how, via);
        handled.add(x.id);
      } else if (isRef(x) === 'prefix') {
        // The struct holding the value goes somewhere the file does not show.
        t.escapes.push(x);
        handled.add(x.id);
      }
      // A whole reference left unbound is classified where it stands (a method call, or an escape).
    }
  }

  function classify(b: Body, o: Node) {
    handled.add(o.id);
    const p = o.parent;
    if (!p) return;
    const use = (kind: UseKind, op: Node, name?: string) => t.uses.push({ kind, ref: o, op, body: b, name });
    if (p.type === 'send_statement' && same(p.childForFieldName('channel'), o)) return use('send', p);
    if (p.type === 'unary_expression' && p.childForFieldName('operator')?.text === '<-') return use('recv', p);
    if (p.type === 'range_clause' && same(p.childForFieldName('right'), o) && p.parent) return use('range', p.parent);
    if (p.type === 'argument_list' && p.parent?.type === 'call_expression') {
      const parts = callParts(p.parent);
      if (parts && !parts.receiver && parts.name === 'close') return use('close', p.parent);
      if (parts && !parts.receiver && (parts.name === 'len' || parts.name === 'cap')) return use('len', p.parent);
    }
    if (p.type === 'selector_expression' && same(p.childForFieldName('operand'), o) && p.parent?.type === 'call_expression') {
      if (same(p.parent.childForFieldName('function'), p)) return use('method', p.parent, p.childForFieldName('field')?.text);
    }
    t.escapes.push(o);
  }

  return t;
}

/**
 * Every channel the file makes inside a function (`ch := make(chan T)`, `p.out = make(chan T)`),
 * traced. Cached per file. With `inFocus` (a rule's, see RuleContext.inFocus), the local channels
 * of functions in focus and every field channel (whose trace reads the whole file).
 */
export function channelFlows(file: FileFacts, inFocus: (node: Node) => boolean = EVERYWHERE): ChannelFlow[] {
  const whole = inFocus === EVERYWHERE;
  let flows = flowCache.get(file);
  if (flows) return whole ? flows : flows.filter((f) => f.field || inFocus(f.owner.node));
  const partial = partialFlows.get(file);
  if (partial?.inFocus === inFocus) return partial.flows;
  flows = [];
  // Most files make no channel: skip the walks.
  if (!/\bmake\(\s*chan\b/.test(file.text)) {
    flowCache.set(file, flows);
    return flows;
  }
  for (const fn of file.functions) {
    for (const d of whole || inFocus(fn.node) ? file.locals(fn) : []) {
      const made = d.init ? parseChanMake(d.init) : undefined;
      if (!made) continue;
      const t = trace(file, fn, d.name, d, d.node);
      flows.push({ key: d.name, make: made.make, capacity: made.capacity, owner: fn, statement: d.statement, trace: t });
    }
    if (!fn.body) continue;
    for (const a of fieldMakes(fn.body)) {
      const left = a.childForFieldName('left')!.namedChildren;
      const right = a.childForFieldName('right')!.namedChildren;
      const made = parseChanMake(right[0]!);
      const key = pathKey(left[0]);
      const head = headIdent(left[0]);
      const operand = left[0].childForFieldName('operand');
      const typeName = operand ? file.typeOf(operand)?.replace(/^\*/, '') : undefined;
      const name = left[0].childForFieldName('field')?.text;
      // Fields of structs declared elsewhere are used by code we do not see.
      if (!made || !key || !head || !typeName || !name || !file.structs.has(typeName)) continue;
      const t = trace(file, fn, key, identityOf(file, head), left[0]);
      fieldEscapes(file, left[0], t);
      flows.push({ key, make: made.make, capacity: made.capacity, owner: fn, statement: a, trace: t, field: { typeName, name } });
    }
  }
  if (whole) flowCache.set(file, flows);
  else partialFlows.set(file, { inFocus, flows });
  return flows;
}

/**
 * The assignments of a body that store a new channel in a field (`p.out = make(chan T)`), read
 * from the syntax alone and kept with the body's node, which outlives a keystroke elsewhere.
 */
function fieldMakes(body: Node): Node[] {
  let out = fieldMakesOf.get(body);
  if (out) return out;
  out = descendants(body, 'assignment_statement', true).filter((a) => {
    const left = a.childForFieldName('left')?.namedChildren ?? [];
    const right = a.childForFieldName('right')?.namedChildren ?? [];
    return left.length === 1 && right.length === 1 && left[0]?.type === 'selector_expression' && parseChanMake(right[0]!) !== undefined;
  });
  fieldMakesOf.set(body, out);
  return out;
}

const fieldMakesOf = new WeakMap<Node, Node[]>();

const flowCache = new WeakMap<FileFacts, ChannelFlow[]>();
/** The flows of one review's focus (its rules share one inFocus function). */
const partialFlows = new WeakMap<FileFacts, { inFocus: (node: Node) => boolean; flows: ChannelFlow[] }>();

/**
 * A struct field can be reached from anywhere its struct goes. Every mention of the field
 * outside the traced bodies counts as an escape, unless the file shows it belongs to a
 * different struct type. Exported fields always escape (other packages see them).
 */
function fieldEscapes(file: FileFacts, lhs: Node, t: Trace): void {
  const field = lhs.childForFieldName('field')?.text ?? '';
  if (/^[A-Z]/.test(field)) {
    t.escapes.push(lhs);
    return;
  }
  const operand = lhs.childForFieldName('operand');
  const ownerType = operand ? file.typeOf(operand) : undefined;
  const seen = new Set<number>([lhs.id, ...t.uses.map((u) => u.ref.id), ...t.escapes.map((e) => e.id)]);
  for (const n of fieldMentionsOf(file, field)) {
    if (n.type === 'keyed_element') {
      t.escapes.push(n);
      continue;
    }
    if (seen.has(n.id) || seen.has(outer(n).id)) continue;
    const op = n.childForFieldName('operand');
    const type = op ? file.typeOf(op) : undefined;
    if (type && ownerType && type.replace(/^\*/, '') !== ownerType.replace(/^\*/, '')) continue;
    t.escapes.push(n);
  }
}

const mentionCache = new WeakMap<FileFacts, Map<string, Node[]>>();

/**
 * Selector expressions and composite-literal keys of the file naming a field, in document order.
 * Gathered per top-level declaration, whose node objects (and so this list) outlive a keystroke
 * that does not touch it (see copyTree).
 */
function fieldMentionsOf(file: FileFacts, field: string): Node[] {
  let byName = mentionCache.get(file);
  if (!byName) mentionCache.set(file, (byName = new Map()));
  let list = byName.get(field);
  if (!list) {
    list = [];
    for (const c of file.root.children) for (const n of declMentions(c).get(field) ?? []) list.push(n);
    byName.set(field, list);
  }
  return list;
}

const mentionsByDecl = new WeakMap<Node, Map<string, Node[]>>();

function declMentions(decl: Node): Map<string, Node[]> {
  let out = mentionsByDecl.get(decl);
  if (out) return out;
  out = new Map<string, Node[]>();
  const put = (name: string | undefined, n: Node) => {
    if (!name) return;
    const list = out!.get(name);
    if (list) list.push(n);
    else out!.set(name, [n]);
  };
  for (const n of decl.descendantsOfType(['keyed_element', 'selector_expression'])) {
    if (n.type === 'keyed_element') put(n.namedChild(0)?.text, n);
    else put(n.childForFieldName('field')?.text, n);
  }
  mentionsByDecl.set(decl, out);
  return out;
}

/** Every mention in the file of a struct's channel field, by what it does with the channel. */
export interface FieldChannelMentions {
  /** The `make(chan ...)` calls assigned to the field (`T{f: make(...)}`, `x.f = make(...)`). */
  makes: Node[];
  /** Send statements on the field. */
  sends: Node[];
  /** `<-x.f` receive expressions and `for ... range x.f` statements. */
  recvs: Node[];
  closes: Node[];
  /** Any other mention (assigned something else, passed, returned, stored, of a type syntax cannot tell): the channel goes out of sight. */
  others: Node[];
}

/**
 * The mentions of field `field` of struct `typeName` (declared in this file) in this file: a
 * selector whose operand the file shows to be a `typeName` or `*typeName`, or a key of a
 * `typeName{...}` literal. Selectors on other types are left out; selectors on values of
 * unknown type count as `others`, so callers that need every use stay silent.
 */
export function fieldChannelMentions(file: FileFacts, typeName: string, field: string): FieldChannelMentions {
  const out: FieldChannelMentions = { makes: [], sends: [], recvs: [], closes: [], others: [] };
  for (const n of fieldMentionsOf(file, field)) {
    if (n.type === 'keyed_element') {
      const lit = n.parent?.parent;
      const litType = lit?.type === 'composite_literal' ? lit.childForFieldName('type')?.text : undefined;
      if (litType !== undefined && litType !== typeName) continue;
      const value = n.namedChild(1);
      const v = value?.type === 'literal_element' ? value.namedChild(0) : value;
      if (litType === typeName && v && parseChanMake(v)) out.makes.push(v);
      else out.others.push(n);
      continue;
    }
    const operand = n.childForFieldName('operand');
    const type = operand ? file.typeOf(operand) : undefined;
    if (type !== undefined && type.replace(/^\*/, '') !== typeName) continue;
    if (type === undefined) {
      out.others.push(n);
      continue;
    }
    const o = outer(n);
    const p = o.parent;
    if (p?.type === 'send_statement' && same(p.childForFieldName('channel'), o)) out.sends.push(p);
    else if (p?.type === 'unary_expression' && p.childForFieldName('operator')?.text === '<-') out.recvs.push(p);
    else if (p?.type === 'range_clause' && same(p.childForFieldName('right'), o) && p.parent) out.recvs.push(p.parent);
    else if (p?.type === 'argument_list' && p.parent?.type === 'call_expression' && callParts(p.parent)?.name === 'close' && !callParts(p.parent)?.receiver) {
      out.closes.push(p.parent);
    } else if (p?.type === 'argument_list' && p.parent?.type === 'call_expression' && ['len', 'cap'].includes(callParts(p.parent)?.name ?? '') && !callParts(p.parent)?.receiver) {
      // Neither sends nor receives.
    } else if (p?.type === 'expression_list' && p.parent?.type === 'assignment_statement' && same(p.parent.childForFieldName('left'), p)) {
      const i = p.namedChildren.findIndex((x) => same(x, o));
      const value = p.parent.childForFieldName('right')?.namedChildren[i];
      if (p.namedChildCount === 1 && value && parseChanMake(value)) out.makes.push(value);
      else out.others.push(n);
    } else out.others.push(n);
  }
  return out;
}

/**
 * True when another file of the package sends on, receives from, closes or passes around the
 * field `typeName.field` (as the package summaries record it, through a receiver).
 */
export function fieldUsedElsewhere(pkg: PackageView, fileName: string, typeName: string, field: string): boolean {
  const target = `${typeName}.${field}`;
  for (const f of pkg.files) {
    if (f.fileName === fileName) continue;
    for (const fn of f.functions) {
      if (fn.ops.some((op) => op.target === target || op.args?.includes(target))) return true;
    }
  }
  return false;
}

/** Where a use (or any node of a body) stands on its goroutine: the thread body and the node in it that leads there. */
export interface Lifted {
  /** The root or goroutine body whose goroutine runs the node. */
  thread: Body;
  /** The node itself, or the call / defer statement in `thread` through which it runs. */
  at: Node;
  /** Runs when the thread's function returns (`defer close(ch)`, or inside a deferred call). */
  deferred: boolean;
  /** Inside a loop of the thread, of a called body, or of the call leading there. */
  looped: boolean;
}

export function lift(body: Body, node: Node): Lifted {
  let b = body;
  let at = node;
  let deferred = node.parent?.type === 'defer_statement';
  let looped = inLoop(node, b.fn.node);
  while ((b.how === 'call' || b.how === 'defer') && b.parent && b.via) {
    // A callee's own defers have run when the call returns: seen from the caller, the node runs
    // at the call (cometbft's writeLots defers wg.Done(), called in place before wg.Wait()). A
    // deferred call runs when its caller returns.
    deferred = b.how === 'defer';
    at = b.via;
    b = b.parent;
    looped ||= inLoop(at, b.fn.node);
  }
  return { thread: b, at, deferred, looped };
}

/** The go statement that starts a goroutine body, placed on the goroutine that runs it. */
export function startOf(thread: Body): Lifted | undefined {
  return thread.how === 'goroutine' && thread.parent && thread.via ? lift(thread.parent, thread.via) : undefined;
}

/** Return statements of a function's own body (not those of nested literals), in order. */
export function ownReturns(fn: FuncInfo): Node[] {
  return fn.body ? descendants(fn.body, 'return_statement', true) : [];
}

/**
 * True when a loop's body can leave it (or end the goroutine): a return, a break or jump out of
 * it, or a call such as `runtime.Goexit()`, `os.Exit`, `log.Fatal`, `t.Fatal`.
 */
export function loopCanEnd(loop: Node): boolean {
  const exits = loopExits(loop);
  if (exits.jumps || exits.returns) return true;
  const body = loop.childForFieldName('body');
  return !!body && descendants(body, 'call_expression', true).some((c) => {
    const parts = callParts(c);
    return !!parts?.receiver && LEAVES_GOROUTINE.test(parts.name);
  });
}

/**
 * True when `node` runs inside a loop of its function that nothing leaves: a `for { ... }`, or a
 * range over a ticker's channel, which is never closed (go-metrics' `for range time.Tick(freq)`).
 * The function never finishes there.
 */
export function inEndlessLoop(node: Node, fnNode: Node): boolean {
  for (let p = node.parent; p && p.id !== fnNode.id; p = p.parent) {
    if (p.type === 'for_statement' && neverEnds(p)) return true;
  }
  return false;
}

/**
 * What a loop's own syntax says, kept per loop node (every operation inside a loop asks about it
 * again, and a node is reused by the next copy only with its subtree unchanged): it can end (0),
 * it cannot (1), or it cannot if what it ranges over is a ticker's channel (2), which depends on
 * the file's imports and types and is asked each time.
 */
const loopShapes = new WeakMap<Node, 0 | 1 | 2>();

function neverEnds(loop: Node): boolean {
  let shape = loopShapes.get(loop);
  if (shape === undefined) {
    shape = isEndlessLoop(loop) ? 1 : tickRange(loop) ? 2 : 0;
    if (shape !== 0 && loopCanEnd(loop)) shape = 0;
    loopShapes.set(loop, shape);
  }
  return shape === 1 || (shape === 2 && rangesOverTicks(tickRange(loop)!));
}

/** The range expression of `for range x.Tick(d)` or `for range x.C`, shapes a ticker's channel takes. */
function tickRange(loop: Node): Node | undefined {
  const right = loop.namedChildren.find((c) => c.type === 'range_clause')?.childForFieldName('right');
  const r = right ? unparen(right) : undefined;
  if (r?.type === 'call_expression') return callParts(r)?.name === 'Tick' ? r : undefined;
  return r?.type === 'selector_expression' && r.childForFieldName('field')?.text === 'C' ? r : undefined;
}

/** `time.Tick(d)`, or the `C` of a `*time.Ticker`: channels the runtime never closes. */
function rangesOverTicks(r: Node): boolean {
  if (r.type === 'call_expression') return !!factsOf(r)?.isImportCall(r, 'time', 'Tick');
  return /^\*?time\.Ticker$/.test(factsOf(r)?.typeOf(r.childForFieldName('operand')!) ?? '');
}

/** True when `node`, run from `body`, sits in an endless loop of its function or of any call leading to it on its goroutine. */
export function neverFinishes(body: Body, node: Node): boolean {
  let b = body;
  let at = node;
  for (;;) {
    if (inEndlessLoop(at, b.fn.node)) return true;
    if ((b.how !== 'call' && b.how !== 'defer') || !b.parent || !b.via) return false;
    at = b.via;
    b = b.parent;
  }
}

/**
 * True when a receive `<-ch` blocks until the channel delivers: a plain receive, or a select
 * with no default whose only case is this receive.
 */
export function isBlockingReceive(recv: Node): boolean {
  let p = recv.parent;
  while (p?.type === 'parenthesized_expression') p = p.parent;
  if (p?.type !== 'receive_statement' || p.parent?.type !== 'communication_case') return true;
  const select = p.parent.parent;
  if (!select) return false;
  const cases = select.namedChildren.filter((c) => c && (c.type === 'communication_case' || c.type === 'default_case'));
  return cases.length === 1;
}

/** The header of a loop as written: `for v := range ch`. */
export function loopHeader(loop: Node): string {
  const body = loop.childForFieldName('body');
  const text = body ? loop.text.slice(0, body.startIndex - loop.startIndex) : loop.text;
  return text.replace(/\s+/g, ' ').trim();
}

// Closes: shared by double-close, send-after-close and close-by-receiver.

/**
 * The focus a channel rule can keep (see RuleContext.inFocus): the traces of field channels count
 * every mention of the field in the file, so when a declaration in focus mentions one, every
 * function must be looked at again.
 */
export function channelFocus(file: FileFacts, inFocus: (node: Node) => boolean): (node: Node) => boolean {
  if (inFocus === EVERYWHERE) return inFocus;
  const fields = channelFlows(file, inFocus).filter((f) => f.field);
  if (fields.length === 0) return inFocus;
  const focus = focusRoots(file.root, inFocus);
  return fields.some((f) => focus.some((c) => c.text.includes(`.${f.field!.name}`))) ? EVERYWHERE : inFocus;
}

const closedCache = new WeakMap<FileFacts, Trace[]>();
const partialClosed = new WeakMap<FileFacts, { inFocus: (node: Node) => boolean; traces: Trace[] }>();

/**
 * The traces of every channel the file closes: channels it makes, and parameters, receivers and
 * locals that reach a `close`. With `inFocus` (see channelFocus), those of the functions in focus.
 */
export function closedChannelTraces(file: FileFacts, inFocus: (node: Node) => boolean = EVERYWHERE): Trace[] {
  const whole = inFocus === EVERYWHERE;
  const hit = whole ? closedCache.get(file) : partialClosed.get(file)?.inFocus === inFocus ? partialClosed.get(file)!.traces : undefined;
  if (hit) return hit;
  const out: Trace[] = [];
  const seen = new Set<string>();
  for (const f of channelFlows(file, inFocus)) {
    seen.add(`${f.owner.node.id}:${f.key}`);
    out.push(f.trace);
  }
  const calls = focusRoots(file.root, inFocus).flatMap((c) => descendants(c, 'call_expression'));
  for (const call of calls) {
    const arg = closeArg(file, call);
    const key = arg ? pathKey(arg) : undefined;
    const head = arg ? headIdent(arg) : undefined;
    if (!key || !head) continue;
    const found = file.lookup(head.text, head);
    if (!found?.fn) continue;
    const id = `${found.fn.node.id}:${key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(trace(file, found.fn, key, identityOf(file, head), found.decl?.node));
  }
  if (whole) closedCache.set(file, out);
  else partialClosed.set(file, { inFocus, traces: out });
  return out;
}

/** For `close(x)` with the builtin close: `x`. */
export function closeArg(file: FileFacts, call: Node): Node | undefined {
  const parts = callParts(call);
  const args = callArgs(call);
  if (!parts || parts.receiver || parts.name !== 'close' || args.length !== 1 || file.lookup('close', call)) return undefined;
  return args[0];
}

const ASSIGNS: ReadonlySet<string> = new Set(['assignment_statement', 'receive_statement']);

/** True when some traced body assigns the channel (or the value holding it): a close may then act on a new channel. */
export function reassigned(file: FileFacts, t: Trace): boolean {
  for (const b of t.bodies) {
    // `ch = make(...)`, and `case ch = <-chans:` in a select (lnd's gossiper test takes each new
    // channel from a notification).
    for (const a of descendants(b.fn.body!, ASSIGNS, true)) {
      for (const l of a.childForFieldName('left')?.namedChildren ?? []) {
        const k = l ? pathKey(l) : undefined;
        const h = l ? headIdent(l) : undefined;
        if (k && h && (k === b.key || b.key.startsWith(k + '.')) && identityOf(file, h) === b.identity) return true;
      }
    }
  }
  return false;
}

/** A traced body that calls `recover()` may survive the panic on purpose. */
export function recovers(t: Trace): boolean {
  return t.bodies.some((b) => descendants(b.fn.body!, 'call_expression').some((c) => callParts(c)?.name === 'recover' && !callParts(c)?.receiver));
}

/** The `defer` statement a lifted close stands in, or the close itself. */
export function deferStatement(l: Lifted): Node {
  for (let n: Node | null = l.at; n; n = n.parent) if (n.type === 'defer_statement') return n;
  return l.at;
}

/** The calls from a use up to its thread are all reached on every path (the last step, in the thread itself, is checked by the caller). */
export function certainUpTo(c: { use: Pick<Use, 'body' | 'op'>; l: Lifted }): boolean {
  let b: Body = c.use.body;
  let node: Node = c.use.op;
  while (b !== c.l.thread) {
    const stmt = node.parent?.type === 'defer_statement' ? node.parent : node;
    if (!surelyReached(stmt, b.fn.body!) || !b.parent || !b.via) return false;
    node = b.via;
    b = b.parent;
  }
  return true;
}

/**
 * For a field (`s.done`), a call between the two closes that is handed the struct (or calls a
 * method on it) may put a new channel in the field.
 */
export function resetBetween(t: Trace, a: { l: Lifted }, b: { l: Lifted }): boolean {
  const key = t.root.key;
  if (!key.includes('.') || a.l.thread !== b.l.thread) return false;
  const head = key.split('.')[0];
  const from = Math.min(a.l.at.endIndex, b.l.at.endIndex);
  const to = Math.max(a.l.at.startIndex, b.l.at.startIndex);
  return descendants(a.l.thread.fn.body!, 'call_expression').some((c) => {
    if (c.startIndex < from || c.endIndex > to) return false;
    const recv = callParts(c)?.receiver;
    if (recv !== undefined && (recv === head || key.startsWith(recv + '.')) && recv !== key) return true;
    return callArgs(c).some((x) => {
      const k = pathKey(x);
      return !!k && (k === head || key.startsWith(k + '.'));
    });
  });
}

/**
 * `ch` is a local of `body` made with `make(chan T)`, no buffer, used only as an argument of
 * calls inside `lit` (a goroutine's literal) and of `close`: nothing ever receives from it.
 */
export function unreadChannel(file: FileFacts, body: Node, lit: Node, ch: Node): boolean {
  const decl = file.lookup(ch.text, ch)?.decl;
  const made = decl?.init ? parseChanMake(decl.init) : undefined;
  if (!decl || !made || hasBuffer(made) || !contains(body, decl.node)) return false;
  return descendants(body, 'identifier').every((id) => {
    if (id.text !== ch.text || id.id === decl.node.id || file.lookup(id.text, id)?.decl !== decl) return true;
    const call = id.parent?.type === 'argument_list' ? id.parent.parent : undefined;
    if (!call) return false;
    const parts = callParts(call);
    return (parts?.name === 'close' && !parts.receiver) || contains(lit, call);
  });
}
