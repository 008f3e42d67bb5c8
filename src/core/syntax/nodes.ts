/**
 * Small helpers over tree-sitter-go nodes. Traversals are iterative (a TreeCursor and an
 * explicit loop), never recursive on tree depth: generated files nest thousands deep.
 */
import type { Node } from './parser';

export const FUNCTION_TYPES = new Set(['function_declaration', 'method_declaration', 'func_literal']);

/**
 * Visits `root` and its descendants in document order. `visit` returns false to skip a node's
 * children. Named nodes only.
 */
export function walk(root: Node, visit: (node: Node) => boolean | void): void {
  if (!root) return; // half-typed code: callers may hold a function without a body yet
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!node.isNamed || visit(node) !== false) {
      const children = node.nodeChildren; // the anonymous leaves not made yet would not be visited
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }
}

/**
 * Calls `visit` on each named node of the given types under `root` (itself included), in
 * document order. Answered from the tree's index by type: far cheaper than a walk over every
 * node when a rule looks at one kind of node.
 */
export function eachOfType(root: Node | null | undefined, types: string | readonly string[], visit: (n: Node) => unknown): void {
  if (!root) return;
  for (const n of root.descendantsOfType(types)) visit(n);
}

/**
 * Whether the text of `node` holds `needle`: a string, or a constant regexp without the g and y
 * flags (each needle keeps its own memo; past a few hundred needles, new ones are not kept). A
 * top-level node is searched once per needle: a declaration an edit did not touch is the same
 * node, with the same text, in the next copy of the tree (see copyTree), so a review after a
 * keystroke searches the declarations the keystroke changed, not the whole file again.
 */
export function textHas(node: Node, needle: string | RegExp): boolean {
  if (node.top !== node) return has(node.text, needle);
  let seen = searched.get(needle);
  if (!seen) {
    if (searched.size >= NEEDLES_KEPT) return has(node.text, needle);
    searched.set(needle, (seen = new WeakMap()));
  }
  let found = seen.get(node);
  if (found === undefined) seen.set(node, (found = has(node.text, needle)));
  return found;
}

const searched = new Map<string | RegExp, WeakMap<Node, boolean>>();
const NEEDLES_KEPT = 256;

function has(text: string, needle: string | RegExp): boolean {
  return typeof needle === 'string' ? text.includes(needle) : needle.test(text);
}

/**
 * The nodes of the given types in the top-level declarations of `root` whose text holds `needle`
 * (see textHas), in document order: a rule's search for one call (`time.Sleep`) without a walk of
 * the declarations that cannot hold it.
 */
export function descendantsNaming(root: Node, needle: string | RegExp, types: ReadonlySet<string> | string): Node[] {
  const out: Node[] = [];
  for (const d of root.children) if (textHas(d, needle)) for (const n of descendants(d, types)) out.push(n);
  return out;
}

/**
 * Descendants of the given types (and `root` itself when it matches), in document order. With
 * `ownBody`, nothing inside a nested function literal is returned.
 */
export function descendants(root: Node, types: ReadonlySet<string> | string, ownBody = false): Node[] {
  if (!root) return []; // as in walk: tolerate a missing body in half-typed code
  const list = typeof types === 'string' ? [types] : [...types];
  const found = root.descendantsOfType(list);
  if (!ownBody) return found;
  const literals = outermost(root.descendantsOfType('func_literal').filter((n) => n.id !== root.id));
  if (literals.length === 0) return found;
  const out: Node[] = [];
  let i = 0;
  for (const n of found) {
    while (i < literals.length && literals[i].endIndex <= n.startIndex) i++;
    const lit = literals[i];
    if (lit && n.startIndex >= lit.startIndex && n.endIndex <= lit.endIndex) continue;
    out.push(n);
  }
  return out;
}

/** Drops nodes nested in an earlier node of the (document-ordered) list. */
function outermost(nodes: Node[]): Node[] {
  const out: Node[] = [];
  for (const n of nodes) {
    const last = out[out.length - 1];
    if (last && n.startIndex >= last.startIndex && n.endIndex <= last.endIndex) continue;
    out.push(n);
  }
  return out;
}

/** Strips parentheses: `((x))` -> `x`. */
export function unparen(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
  return n;
}

/**
 * A stable key for an addressable expression: `wg`, `s.mu`, `&wg` (-> `wg`), `(*p).mu` (-> `p.mu`).
 * Undefined for anything else (calls, index expressions, literals).
 */
export function pathKey(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  const n = unparen(node);
  switch (n.type) {
    case 'identifier':
    case 'field_identifier':
      return n.text;
    case 'selector_expression': {
      const left = pathKey(n.childForFieldName('operand'));
      const field = n.childForFieldName('field');
      return left && field ? `${left}.${field.text}` : undefined;
    }
    case 'unary_expression': {
      const op = n.childForFieldName('operator')?.text;
      if (op === '&' || op === '*') return pathKey(n.childForFieldName('operand'));
      return undefined;
    }
    default:
      return undefined;
  }
}

/** For a call `a.b.Method(args)`: the receiver key `a.b` and `Method`; for `f(args)`: key undefined, name `f`. */
export function callParts(call: Node): CallParts | undefined {
  if (call.type !== 'call_expression') return undefined;
  let parts = callPartsOf.get(call);
  if (parts === undefined) callPartsOf.set(call, (parts = readCallParts(call) ?? null));
  return parts ?? undefined;
}

export interface CallParts {
  readonly receiver?: string;
  readonly receiverNode?: Node;
  readonly name: string;
}

/**
 * Each call's parts, read once: rules ask for them thousands of times per review, and a
 * declaration an edit did not touch keeps its node objects in the next copy of the tree (see
 * copyTree), so its calls are not read again on the next keystroke either.
 */
const callPartsOf = new WeakMap<Node, CallParts | null>();

function readCallParts(call: Node): CallParts | undefined {
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  const f = unparen(fn);
  if (f.type === 'identifier') return { name: f.text };
  if (f.type === 'selector_expression') {
    const operand = f.childForFieldName('operand');
    const field = f.childForFieldName('field');
    if (!operand || !field) return undefined;
    return { receiver: pathKey(operand), receiverNode: operand, name: field.text };
  }
  return undefined;
}

/** The argument expressions of a call. */
export function callArgs(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  return args ? args.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment') : [];
}

/** True when `node` is a call of `recv.name(...)` with a receiver whose key is `recv` (any receiver when omitted). */
export function isMethodCall(node: Node, name: string | ReadonlySet<string>, recv?: string): boolean {
  const parts = callParts(node);
  if (!parts || parts.receiver === undefined) return false;
  const ok = typeof name === 'string' ? parts.name === name : name.has(parts.name);
  return ok && (recv === undefined || parts.receiver === recv);
}

/** True when `node` calls the package function `pkg.name` (e.g. `context.WithCancel`). */
export function isPackageCall(node: Node, pkg: string, names: string | ReadonlySet<string>): boolean {
  const parts = callParts(node);
  if (!parts || parts.receiver !== pkg || parts.receiverNode?.type !== 'identifier') return false;
  return typeof names === 'string' ? parts.name === names : names.has(parts.name);
}

/** The innermost function (declaration, method or literal) containing `node`, or undefined at top level. */
export function enclosingFunction(node: Node): Node | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (FUNCTION_TYPES.has(n.type)) return n;
  }
  return undefined;
}

/**
 * The type parameters in scope at `node`: those of the function or generic type declared around
 * it (`func ChangeExec[Main any]`, `type Registry[K comparable, V any] struct`), and those a
 * method names in its receiver (`func (r *Registry[K, V])`). Inside, `Main` is the type argument,
 * not the package's type of that name.
 */
export function typeParamsAt(node: Node): Set<string> {
  const out = new Set<string>();
  for (let n: Node | null = node; n; n = n.parent) {
    if (n.type === 'function_declaration' || n.type === 'type_spec') {
      for (const d of n.childForFieldName('type_parameters')?.namedChildren ?? []) {
        for (const id of d?.type === 'type_parameter_declaration' ? d.childrenForFieldName('name') : []) if (id) out.add(id.text);
      }
    } else if (n.type === 'method_declaration') {
      const recv = n.childForFieldName('receiver')?.namedChildren.find((c) => c?.type === 'parameter_declaration')?.childForFieldName('type');
      const generic = recv ? (recv.type === 'pointer_type' ? recv.namedChild(0) : recv) : null;
      const args = generic?.type === 'generic_type' ? generic.childForFieldName('type_arguments') : null;
      for (const id of args ? descendants(args, 'type_identifier') : []) out.add(id.text);
    }
  }
  return out;
}

/** True when `inner` lies within `outer` (or is it). */
export function contains(outer: Node, inner: Node): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/** Nearest ancestor of one of the types, stopping (returning undefined) at `stop` types. */
export function ancestor(node: Node, types: ReadonlySet<string> | string, stop: ReadonlySet<string> = FUNCTION_TYPES): Node | undefined {
  const set = typeof types === 'string' ? new Set([types]) : types;
  for (let n = node.parent; n; n = n.parent) {
    if (set.has(n.type)) return n;
    if (stop.has(n.type)) return undefined;
  }
  return undefined;
}

/** The statement that directly holds `node` in a statement_list (the node itself when it is one). */
export function statementOf(node: Node): Node | undefined {
  let n: Node | null = node;
  while (n && n.parent && n.parent.type !== 'statement_list') n = n.parent;
  return n && n.parent ? n : undefined;
}

/** The statements of a block (tree-sitter-go 0.25 wraps them in a statement_list). */
export function blockStatements(block: Node | null | undefined): Node[] {
  if (!block) return [];
  const list = block.type === 'statement_list' ? block : block.namedChildren.find((c) => c?.type === 'statement_list');
  if (!list) return [];
  return list.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment');
}

/** The statement (or other named sibling) right after `n`, comments skipped. */
export function nextStatement(n: Node | null | undefined): Node | null {
  let s = n?.nextNamedSibling ?? null;
  while (s?.type === 'comment') s = s.nextNamedSibling;
  return s;
}

/** The statement (or other named sibling) right before `n`, comments skipped. */
export function previousStatement(n: Node | null | undefined): Node | null {
  let s = n?.previousNamedSibling ?? null;
  while (s?.type === 'comment') s = s.previousNamedSibling;
  return s;
}

/** A one-line excerpt of a node's text for messages: whitespace collapsed, long text shortened. */
export function quote(node: Node, max = 48): string {
  return excerpt(node.text, max);
}

export function excerpt(text: string, max = 48): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : flat.slice(0, max - 3).trimEnd() + '...';
}

/** The text with its first letter upper-cased, for a message step that starts with a phrase ("the goroutine ..."). */
export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** One-based line number of a node, for messages. */
export function lineOf(node: Node): number {
  return node.startPosition.row + 1;
}

/** Statements a plain `break` leaves: the innermost of these around it. */
const BREAK_TARGETS = new Set(['for_statement', 'expression_switch_statement', 'type_switch_statement', 'select_statement']);

/**
 * The statement a `break` or `continue` transfers control out of: the labelled statement for
 * `break L` / `continue L`, else the innermost loop (continue) or loop, switch or select (break).
 * Undefined when it is not visible inside the enclosing function.
 */
export function jumpTarget(stmt: Node): Node | undefined {
  const label = stmt.namedChildren.find((c) => c?.type === 'label_name')?.text;
  for (let p = stmt.parent; p && !FUNCTION_TYPES.has(p.type); p = p.parent) {
    if (label) {
      if (p.type === 'labeled_statement' && p.childForFieldName('label')?.text === label) {
        return p.namedChildren.find((c) => c !== null && c.type !== 'label_name' && c.type !== 'comment') ?? undefined;
      }
    } else if (stmt.type === 'continue_statement' ? p.type === 'for_statement' : BREAK_TARGETS.has(p.type)) {
      return p;
    }
  }
  return undefined;
}

/**
 * How control can leave a loop from inside its body (nested function literals do not count):
 * `jumps` for a `break`, `continue` or `goto` aimed outside it, `returns` for a `return`.
 */
export function loopExits(loop: Node): { jumps: boolean; returns: boolean } {
  const out = { jumps: false, returns: false };
  const body = loop.childForFieldName('body');
  if (!body) return out;
  walk(body, (n) => {
    if (FUNCTION_TYPES.has(n.type)) return false;
    if (n.type === 'return_statement') out.returns = true;
    else if (n.type === 'goto_statement') out.jumps = true;
    else if (n.type === 'break_statement' || n.type === 'continue_statement') {
      const target = jumpTarget(n);
      if (!target) out.jumps = true;
      else if (target.id === loop.id) out.jumps ||= n.type === 'break_statement';
      else if (!contains(loop, target)) out.jumps = true;
    }
  });
  return out;
}

/** `for {}` or `for init; ; post {}`: a loop with no condition and no range, which only its body can end. */
export function isEndlessLoop(loop: Node): boolean {
  for (const c of loop.namedChildren) {
    if (!c || c.type === 'comment' || c.type === 'block') continue;
    if (c.type === 'for_clause' && !c.childForFieldName('condition')) continue;
    return false;
  }
  return true;
}

/** The innermost `for` around `n` in its function (not through function literals), below `top` when given. */
export function enclosingLoop(n: Node, top?: Node): Node | undefined {
  for (let p = n.parent; p && p.id !== top?.id && !FUNCTION_TYPES.has(p.type); p = p.parent) if (p.type === 'for_statement') return p;
  return undefined;
}

/**
 * The statements in `scope` (itself included) that set the variable `name`: `name = v`, `name
 * op= v`, `name++`, `name--`, and with `declarations` also `name := v`. Function literals inside
 * count too.
 */
export function settersOf(scope: Node, name: string, declarations = false): Node[] {
  const kinds = new Set(['assignment_statement', 'inc_statement', 'dec_statement', ...(declarations ? ['short_var_declaration'] : [])]);
  return [scope, ...descendants(scope, kinds)].filter(
    (a) => kinds.has(a.type) && (a.type === 'inc_statement' || a.type === 'dec_statement' ? a.namedChildren : a.childForFieldName('left')?.namedChildren ?? []).some((t) => t?.type === 'identifier' && t.text === name),
  );
}

/** The operands of a chain of `op` (`a && b && c` -> a, b, c; parentheses looked through); a lone expression is its own. */
export function operandsOf(expr: Node, op: '&&' | '||'): Node[] {
  const out: Node[] = [];
  const split = (x: Node) => {
    const e = unparen(x);
    if (e.type === 'binary_expression' && e.childForFieldName('operator')?.text === op) {
      split(e.childForFieldName('left')!);
      split(e.childForFieldName('right')!);
    } else out.push(e);
  };
  split(expr);
  return out;
}

/** The condition of a `for cond {}` loop (the while form); undefined for other loops. */
export function whileCondition(loop: Node): Node | undefined {
  return loop.namedChildren.find((c) => c !== null && !['comment', 'block', 'for_clause', 'range_clause'].includes(c.type)) ?? undefined;
}

/** The doc comment of a declaration: the `//` or block comments directly above it, joined. */
export function docComment(decl: Node): string {
  const lines: string[] = [];
  let row = decl.startPosition.row;
  for (let c = decl.previousSibling; c && c.type === 'comment' && c.endPosition.row === row - 1; c = c.previousSibling) {
    lines.unshift(c.text);
    row = c.startPosition.row;
  }
  return lines.join('\n');
}

/**
 * True when evaluating `parent` always evaluates its child `child`: false for an if/switch arm
 * (its initializer, condition and tag do run), a loop body, a select or switch case, a closure,
 * a `go` or `defer` statement, and the right operand of `&&` / `||`.
 */
export function alwaysRunsChild(parent: Node, child: Node): boolean {
  switch (parent.type) {
    case 'if_statement':
    case 'expression_switch_statement':
    case 'type_switch_statement':
      return [parent.childForFieldName('initializer'), parent.childForFieldName('condition'), parent.childForFieldName('value')].some((x) => x?.id === child.id);
    case 'for_statement':
    case 'select_statement':
    case 'communication_case':
    case 'expression_case':
    case 'type_case':
    case 'default_case':
    case 'func_literal':
    case 'go_statement':
    case 'defer_statement':
      return false;
    case 'binary_expression': {
      const op = parent.childForFieldName('operator')?.text;
      return !((op === '&&' || op === '||') && parent.childForFieldName('right')?.id === child.id);
    }
    default:
      return true;
  }
}

/** The cases of a select statement (communication and default cases). */
export function selectCases(select: Node): Node[] {
  return select.namedChildren.filter((c) => c.type === 'communication_case' || c.type === 'default_case');
}

/**
 * The `default` case of a select or switch statement, if it has one. A select with a default never
 * blocks; a switch without one may run no case.
 */
export function defaultCase(stmt: Node): Node | undefined {
  return stmt.namedChildren.find((c) => c.type === 'default_case');
}

/** The channel operand of a receive expression `<-ch`, or undefined when `node` is not one. */
export function receivedChannel(node: Node | null | undefined): Node | undefined {
  if (!node) return undefined;
  const n = unparen(node);
  if (n.type !== 'unary_expression' || n.childForFieldName('operator')?.text !== '<-') return undefined;
  return n.childForFieldName('operand') ?? undefined;
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

/** A review's focus when it looks at the whole file (see RuleContext.inFocus): every node. */
export const EVERYWHERE = (_node: Node): boolean => true;

/** The parts of a file a focus covers: the root itself for EVERYWHERE, else the top-level declarations in focus. */
export function focusRoots(root: Node, inFocus: (node: Node) => boolean): Node[] {
  return inFocus === EVERYWHERE ? [root] : root.children.filter((c) => inFocus(c));
}

/**
 * True when the receive `<-x` runs only while `len(x) > 0` holds: it stands in the body of the
 * nearest `if` or `for` around it, whose condition is `len(x) > 0` (or `!= 0`, `>= 1`, `0 <`), or
 * after an `if len(x) == 0 { ... }` in its block that returns or panics (VictoriaMetrics'
 * `mustReadInMemoryBlockLocked`), with no other loop, `select` or function between (sarama's
 * mock: `for len(pc.suppressed) > 0 { msg := <-pc.suppressed; ... }`). The buffer holds a value,
 * so the receive takes it without waiting unless another receiver races for it.
 */
export function lengthGuarded(recv: Node): boolean {
  const operand = recv.type === 'unary_expression' ? recv.childForFieldName('operand') : null;
  const key = pathKey(operand);
  if (!key) return false;
  for (let n: Node = recv, p = recv.parent; p; n = p, p = p.parent) {
    if (FUNCTION_TYPES.has(p.type) || p.type === 'select_statement') return false;
    if (p.type === 'statement_list' && exitsWhenEmptyBefore(n, key)) return true;
    if (p.type !== 'if_statement' && p.type !== 'for_statement') continue;
    const body = p.childForFieldName(p.type === 'if_statement' ? 'consequence' : 'body');
    if (body?.id !== n.id) return false;
    const cond = p.type === 'if_statement' ? p.childForFieldName('condition') : whileCondition(p);
    return !!cond && lengthTest(cond, key) === 'non-empty';
  }
  return false;
}

/** An `if len(x) == 0 { ...; return }` (or ending in a panic) among the statements before `stmt` in its list. */
function exitsWhenEmptyBefore(stmt: Node, key: string): boolean {
  for (let s = stmt.previousNamedSibling; s; s = s.previousNamedSibling) {
    if (s.type !== 'if_statement' || s.childForFieldName('alternative') || s.childForFieldName('initializer')) continue;
    const cond = s.childForFieldName('condition');
    if (!cond || lengthTest(cond, key) !== 'empty') continue;
    const last = blockStatements(s.childForFieldName('consequence')).at(-1);
    if (last?.type === 'return_statement') return true;
    const call = last?.type === 'expression_statement' ? unparen(last.namedChild(0)!) : undefined;
    const name = call?.type === 'call_expression' ? callParts(call)?.name : undefined;
    if (name && /^(panic|Panic\w*|Fatal\w*)$/.test(name)) return true;
  }
  return false;
}

/** The argument of a call of the builtin `len`: `len(x)` -> `x`. */
export function lenArg(e: Node): Node | undefined {
  const call = unparen(e);
  const parts = call.type === 'call_expression' ? callParts(call) : undefined;
  const args = parts && !parts.receiver && parts.name === 'len' ? callArgs(call) : [];
  return args.length === 1 ? args[0] : undefined;
}

/**
 * What a condition says about the length of the path `key`: `non-empty` for `len(x) > 0`,
 * `len(x) != 0`, `len(x) >= 1`, `0 < len(x)`, `len(x) == 1` (a buffer of one), and `len(x) > max`
 * for any bound (lengths and bounds are not negative); `empty` for `len(x) == 0`, `len(x) < 1`,
 * `len(x) <= 0`, `0 == len(x)`.
 */
export function lengthTest(cond: Node, key: string): 'empty' | 'non-empty' | undefined {
  const c = unparen(cond);
  if (c.type !== 'binary_expression') return undefined;
  let op = c.childForFieldName('operator')?.text;
  let [l, r] = [c.childForFieldName('left'), c.childForFieldName('right')];
  if (!l || !r || !op) return undefined;
  const isLen = (x: Node) => {
    const arg = lenArg(x);
    return arg !== undefined && pathKey(arg) === key;
  };
  // `0 < len(x)` as `len(x) > 0`.
  if (isLen(r) && !isLen(l)) {
    [l, r] = [r, l];
    op = ({ '<': '>', '>': '<', '<=': '>=', '>=': '<=' } as Record<string, string>)[op] ?? op;
  }
  if (!isLen(l)) return undefined;
  const v = unparen(r).type === 'int_literal' ? unparen(r).text : undefined;
  const n = v !== undefined && /^[0-9]+$/.test(v) ? Number(v) : NaN;
  // `len(ch) == 1` on a channel with a buffer of one (fabric's election drains its interrupt so).
  if (op === '>' || (op === '!=' && n === 0) || ((op === '>=' || op === '==') && n >= 1)) return 'non-empty';
  if ((op === '==' || op === '<=') && v === '0') return 'empty';
  if (op === '<' && v === '1') return 'empty';
  return undefined;
}
