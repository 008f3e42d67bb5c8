import { replaceNode } from '../findings/edits';
import { rangeValueCopies, type FileFacts, type FuncInfo, type Param } from '../model/facts';
import { localTypeName, structFields } from '../model/locks';
import type { PackageView } from '../model/package';
import type { Node } from '../syntax/parser';
import type { Fix, Rule, RuleContext, TextEdit } from '../findings/rule';
import { callArgs, callParts, descendants, lineOf, quote, unparen, walk } from '../syntax/nodes';
import { eachInFocus } from './support/focus';

export const rule: Rule = {
  id: 'waitgroup-copied',
  title: 'sync.WaitGroup copied',
  severity: 'error',
  category: 'waitgroup',
  overlaps: ['copylocks'],
  docs: {
    summary:
      'A `sync.WaitGroup` is copied: passed or received by value (a parameter, a value receiver of a struct that holds one, a range variable) or assigned to another variable, so `Add`, `Done` and `Wait` no longer act on the same counter.',
    why:
      'A WaitGroup is a counter that `Add` and `Done` change and `Wait` watches. Copying it copies the counter: a goroutine that calls ' +
      '`Done` on its copy never lowers the counter the parent waits on, so `Wait` blocks forever; an `Add` on a copy is invisible to ' +
      'the original, so `Wait` returns too early. A copy taken while goroutines are running also copies a half-updated state, which ' +
      '`go vet` reports as "passes lock by value". Share a WaitGroup only through a pointer: `*sync.WaitGroup` parameters, pointer ' +
      'receivers, `&wg` arguments.',
    interleaving: [
      'The parent calls `wg.Add(1)` and starts `go worker(wg)`: the worker receives a copy of the counter, already at 1.',
      'The worker finishes and calls `wg.Done()` on its copy; the parent\'s counter is still 1.',
      'The parent\'s `wg.Wait()` never returns: the program hangs (or reports "all goroutines are asleep").',
    ],
    bad: `func worker(id int, wg sync.WaitGroup) {
	defer wg.Done() // lowers the copy's counter
	process(id)
}

func run(ids []int) {
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go worker(id, wg)
	}
	wg.Wait() // never returns
}`,
    good: `func worker(id int, wg *sync.WaitGroup) {
	defer wg.Done()
	process(id)
}

func run(ids []int) {
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go worker(id, &wg)
	}
	wg.Wait()
}`,
    fixes:
      '**Take a pointer** changes a `sync.WaitGroup` parameter to `*sync.WaitGroup` and every call in the file to pass `&wg`; it is ' +
      'offered when the function is unexported, no other file of the package calls it, and its body only calls methods on the ' +
      'parameter. **Use a pointer receiver** turns `func (p Pool)` into `func (p *Pool)`; it is not applied by fix-all because it ' +
      'changes the method set of the type.',
  },
  check(ctx) {
    const file = ctx.file;
    if (!/\bWaitGroup\b/.test(file.text)) return;
    const sync = file.importName('sync');
    const view = ctx.package;
    const held = (t: string | undefined) => heldWaitGroup(file, view, sync, t);
    receiversAndParams(ctx, held);
    valueCopies(ctx, held);
    rangeCopies(ctx, held);
  },
};

type Held = (type: string | undefined) => string | undefined;

/**
 * Where a value of `type` holds a WaitGroup by value: "a `sync.WaitGroup`" or "`Pool.wg` (a
 * sync.WaitGroup)", following struct fields of the package held by value; undefined otherwise.
 */
function heldWaitGroup(facts: FileFacts, view: PackageView, sync: string | undefined, type: string | undefined): string | undefined {
  if (!type || !sync || type.startsWith('*')) return undefined;
  const wg = `${sync}.WaitGroup`;
  if (type === wg) return `a \`${wg}\``;
  const start = localTypeName(type);
  if (!start) return undefined;
  const queue: { name: string; path: string }[] = [{ name: start, path: start }];
  const seen = new Set<string>([start]);
  while (queue.length > 0) {
    const { name, path } = queue.shift()!;
    for (const [field, ft] of Object.entries(structFields(facts, view, name) ?? {})) {
      const t = ft.replace(/^\[\d+\]/, '');
      if (t === wg) return `\`${path}.${field}\` (a \`${wg}\`)`;
      const sub = t.startsWith('*') ? undefined : localTypeName(t);
      if (sub && !seen.has(sub) && structFields(facts, view, sub)) {
        seen.add(sub);
        queue.push({ name: sub, path: `${path}.${field}` });
      }
    }
  }
  return undefined;
}

function span(n: Node) {
  return { start: n.startIndex, end: n.endIndex };
}

function receiversAndParams(ctx: RuleContext, held: Held): void {
  const file = ctx.file;
  for (const fn of file.functions) {
    if (!ctx.inFocus(fn.node)) continue;
    const recvDecl = fn.node.childForFieldName('receiver')?.namedChildren.find((c) => c?.type === 'parameter_declaration');
    if (fn.receiver && !fn.receiver.pointer && recvDecl) {
      const where = held(fn.receiver.type);
      const typeNode = recvDecl.childForFieldName('type');
      if (where && typeNode) {
        ctx.report({
          node: recvDecl,
          message:
            `value receiver \`${quote(recvDecl, 24)}\` copies ${where} on every call: the method counts on the copy`,
          steps: [
            `Each call of \`${fn.name}\` (line ${lineOf(fn.node)}) copies the receiver, and ${where} with it.`,
            'The method counts or waits on the copy; the original counter that other goroutines use does not change.',
            'A `Wait` on one of them blocks forever or returns before the goroutines are done.',
          ],
          fixes: [{ title: `Use a pointer receiver: \`func (${fn.receiver.name ?? '_'} *${typeNode.text})\``, edits: [replaceNode(typeNode, '*' + typeNode.text)], safe: false }],
        });
      }
    }
    for (const p of fn.params) {
      if (!p.name || p.name === '_' || p.type.startsWith('...')) continue;
      const where = held(p.type);
      if (!where) continue;
      const decl = p.node.parent ?? p.node;
      const who = fn.name ? `\`${fn.name}\`` : `the function literal at line ${lineOf(fn.node)}`;
      ctx.report({
        node: decl,
        message:
          `parameter \`${quote(decl, 24)}\` gets a copy of ${where}: its \`Done\` never reaches the caller's \`Wait\``,
        related: fnCallSites(file, fn).map((c) => ({ span: span(c), message: 'the WaitGroup is copied here' })),
        steps: [
          `A caller passes its WaitGroup to ${who}; Go copies the value, counter included.`,
          `${who.charAt(0).toUpperCase() + who.slice(1)} calls methods on \`${p.name}\`, its private copy (line ${lineOf(p.node)}).`,
          'The caller\'s counter never changes: its `Wait` blocks forever after a `Done` on the copy, or returns early after an `Add` on it.',
        ],
        fixes: pointerParamFix(ctx, fn, p),
      });
    }
  }
}

/** The calls of a function literal (called in place) or of a top-level function, in this file. */
function fnCallSites(file: FileFacts, fn: FuncInfo): Node[] {
  if (fn.kind === 'literal') {
    let callee: Node = fn.node;
    while (callee.parent?.type === 'parenthesized_expression') callee = callee.parent;
    const call = callee.parent;
    return call?.type === 'call_expression' && call.childForFieldName('function')?.id === callee.id ? [call] : [];
  }
  if (fn.kind !== 'function' || !fn.name) return [];
  return descendants(file.root, 'call_expression').filter((c) => {
    const f = c.childForFieldName('function');
    return f?.type === 'identifier' && f.text === fn.name && !file.lookup(fn.name, f);
  });
}

/**
 * `wg sync.WaitGroup` -> `wg *sync.WaitGroup`, with `&x` at every call site. Only when every use
 * is in view: a literal called in place or an unexported function that no other file of the
 * package calls and that this file names only in calls; the parameter has its own declaration;
 * the body only calls methods on it (or takes its address, which becomes the pointer itself).
 */
function pointerParamFix(ctx: RuleContext, fn: FuncInfo, p: Param): Fix[] {
  const file = ctx.file;
  const sync = file.importName('sync');
  const decl = p.node.parent;
  const typeNode = decl?.childForFieldName('type');
  if (!decl || !typeNode || p.type !== `${sync}.WaitGroup` || decl.childrenForFieldName('name').length !== 1) return [];
  const index = fn.params.indexOf(p);
  const calls = fnCallSites(file, fn);
  if (calls.length === 0) return [];
  if (fn.kind === 'function') {
    if (!fn.name || /^[A-Z]/.test(fn.name) || fn.name === 'main' || fn.name === 'init') return [];
    let refs = 0;
    for (const n of file.root.descendantsOfType('identifier')) {
      if (n.text === fn.name && n.parent?.type !== 'function_declaration' && !file.lookup(n.text, n)) refs++;
    }
    if (refs !== calls.length) return [];
    for (const f of ctx.package.files) {
      if (f.fileName !== file.fileName && f.functions.some((s) => s.ops.some((op) => op.kind === 'call' && op.target === fn.name))) return [];
    }
  }
  const edits: TextEdit[] = [replaceNode(typeNode, '*' + typeNode.text)];
  for (const call of calls) {
    const arg = callArgs(call)[index];
    const a = arg ? unparen(arg) : undefined;
    if (!a) return [];
    if (a.type === 'identifier' || a.type === 'selector_expression') edits.push(replaceNode(arg, '&' + arg.text));
    else if (a.type === 'unary_expression' && a.childForFieldName('operator')?.text === '*') edits.push(replaceNode(arg, a.childForFieldName('operand')!.text));
    else return [];
  }
  if (!fn.body) return []; // half-typed code: a declaration without a body yet
  let ok = true;
  walk(fn.body, (n) => {
    if (!ok || n.type !== 'identifier' || n.text !== p.name || file.lookup(n.text, n)?.param !== p) return;
    let ref = n;
    while (ref.parent?.type === 'parenthesized_expression') ref = ref.parent;
    const parent = ref.parent!;
    if (parent.type === 'selector_expression' && parent.parent?.type === 'call_expression' && parent.parent.childForFieldName('function')?.id === parent.id) return;
    if (parent.type === 'unary_expression' && parent.childForFieldName('operator')?.text === '&') {
      edits.push(replaceNode(parent, p.name));
      return;
    }
    ok = false;
  });
  if (!ok) return [];
  return [{ title: `Take a pointer: \`${p.name} *${typeNode.text}\``, edits, safe: true }];
}

/**
 * Reads that copy a WaitGroup-holding value: the right side of an assignment or declaration, a
 * call argument, a returned value, a composite-literal element or a value sent on a channel, when
 * the expression is a variable, a field or `*p` of a type that holds a WaitGroup by value.
 */
function valueCopies(ctx: RuleContext, held: Held): void {
  const file = ctx.file;
  // Each candidate is looked at on its own: the identifiers inside a reported `x.wg` or `*p` are
  // not copies themselves (copyPlace finds no copying place for them).
  eachInFocus(ctx, ['identifier', 'selector_expression', 'unary_expression'], (n) => {
    if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text !== '*') return;
    const place = copyPlace(n);
    if (!place) return;
    const deref = n.type === 'unary_expression' ? n.childForFieldName('operand') : null;
    const type = deref ? file.typeOf(deref)?.replace(/^\*/, '') : file.typeOf(n);
    const where = held(type);
    if (!where) return;
    if (place.kind === 'argument') {
      // Builtins that do not keep a copy, and package functions whose parameter is reported itself.
      const parts = callParts(place.call);
      if (parts && !parts.receiver && ['len', 'cap', 'new', 'make', 'delete'].includes(parts.name)) return false;
      const target = file.resolveCall(place.call)?.target;
      const index = callArgs(place.call).findIndex((a) => a.id === place.expr.id);
      if (target && held(target.params[index]?.type)) return false;
    }
    ctx.report({
      node: place.expr,
      message: `\`${quote(place.expr, 28)}\` ${place.verb}, copying ${where}: the copy counts on its own`,
      steps: [
        `Line ${lineOf(place.expr)}: \`${quote(place.expr)}\` is copied ${place.where}.`,
        'The copy starts with the counter the original had at that moment and then changes on its own.',
        'Goroutines that call `Done` on one and a `Wait` on the other never meet: `Wait` blocks forever or returns early.',
      ],
      fixes: [],
    });
    return false;
  });
}

interface CopyPlace {
  kind: 'assign' | 'argument' | 'return' | 'element' | 'send';
  /** The expression as it stands in the place (parentheses included). */
  expr: Node;
  call: Node;
  verb: string;
  where: string;
}

/** Where an expression is used as a value that gets copied, if it is. */
function copyPlace(n: Node): CopyPlace | undefined {
  let expr = n;
  while (expr.parent?.type === 'parenthesized_expression') expr = expr.parent;
  const p = expr.parent;
  if (!p) return undefined;
  const base = { expr, call: p };
  if (p.type === 'expression_list') {
    const stmt = p.parent;
    if (!stmt) return undefined;
    if ((stmt.type === 'assignment_statement' || stmt.type === 'short_var_declaration') && stmt.childForFieldName('right')?.id === p.id) {
      return { ...base, kind: 'assign', verb: 'is assigned to another variable', where: 'into the variable on the left' };
    }
    if (stmt.type === 'var_spec' && stmt.childForFieldName('value')?.id === p.id) {
      return { ...base, kind: 'assign', verb: 'initialises another variable', where: 'into the new variable' };
    }
    if (stmt.type === 'return_statement') return { ...base, kind: 'return', verb: 'is returned by value', where: 'into the caller' };
    return undefined;
  }
  if (p.type === 'return_statement') return { ...base, kind: 'return', verb: 'is returned by value', where: 'into the caller' };
  if (p.type === 'argument_list' && p.parent?.type === 'call_expression') {
    const call = p.parent;
    // A conversion or method value is not a call we can judge.
    if (call.childForFieldName('function')?.type === 'parenthesized_expression') return undefined;
    return { expr, call, kind: 'argument', verb: `is passed by value to \`${quote(call.childForFieldName('function')!)}\``, where: 'into the callee\'s parameter' };
  }
  // The key of a keyed element names a field (`wg: &wg`): it is not a value.
  if (p.type === 'literal_element' && p.parent?.type === 'keyed_element' && p.parent.namedChild(0)?.id === p.id) return undefined;
  if (p.type === 'literal_element' || (p.type === 'keyed_element' && p.namedChild(1)?.id === expr.id)) {
    return { ...base, kind: 'element', verb: 'is stored by value in a literal', where: 'into the new value' };
  }
  if (p.type === 'send_statement' && p.childForFieldName('value')?.id === expr.id) {
    return { ...base, kind: 'send', verb: 'is sent by value on a channel', where: 'to the receiver' };
  }
  return undefined;
}

function rangeCopies(ctx: RuleContext, held: Held): void {
  const file = ctx.file;
  for (const { value, range: right, elem } of rangeValueCopies(file, ctx.inFocus)) {
    const where = held(elem);
    if (!where) continue;
    ctx.report({
      node: value,
      message:
        `\`${value.text}\` gets a copy of each \`${elem}\` in \`${quote(right, 24)}\`, with ${where}: the copy counts on its own`,
      steps: [
        `Each iteration copies one element of \`${quote(right)}\` into \`${value.text}\` (line ${lineOf(value)}).`,
        `The copy has its own counter (${where}); calls on it do not change the element's.`,
        'Goroutines counted on the element are not waited for by a `Wait` on the copy, or the reverse.',
      ],
    });
  }
}
