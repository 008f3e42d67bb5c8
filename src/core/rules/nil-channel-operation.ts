import { loopHeader } from '../model/channels';
import type { FileFacts, FuncInfo, VarDecl } from '../model/facts';
import { isWriteTarget } from '../model/facts';
import type { Node } from '../syntax/parser';
import type { Rule } from '../findings/rule';
import { blockStatements, callArgs, callParts, excerpt, lineOf, quote, unparen, walk } from '../syntax/nodes';
import { packageName } from '../model/package';

export const rule: Rule = {
  id: 'nil-channel-operation',
  title: 'Operation on a channel that is never made',
  severity: 'error',
  category: 'channel',
  docs: {
    summary:
      'A channel declared with `var ch chan T` is never made or assigned, yet the code sends on it, receives from it, ranges over it or closes it: the operation blocks forever (or, for `close`, panics).',
    why:
      'The zero value of a channel type is `nil`, and a nil channel is not an empty channel: a send on it or a receive from it waits ' +
      'forever, `for range` over it never starts, and `close` on it panics. `var ch chan T` only declares the variable; without ' +
      '`ch = make(chan T)` somewhere, every operation on it hangs the goroutine that runs it, often silently (a leak) and sometimes ' +
      'as "all goroutines are asleep - deadlock!". Inside a `select` a nil channel is a deliberate way to switch a case off, so ' +
      'select cases are not reported.',
    interleaving: [
      'The function declares `var ch chan T`; `ch` is nil.',
      'A goroutine reaches `ch <- v`, `<-ch` or `for range ch`: an operation on a nil channel never proceeds.',
      'The goroutine is stuck for the life of the program; if it was the only one left, the runtime stops with a deadlock.',
    ],
    bad: `func collect(n int) []int {
	var results chan int // never made
	for i := 0; i < n; i++ {
		go func(i int) { results <- i * i }(i)
	}
	out := make([]int, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, <-results) // blocks forever
	}
	return out
}`,
    good: `func collect(n int) []int {
	results := make(chan int, n)
	for i := 0; i < n; i++ {
		go func(i int) { results <- i * i }(i)
	}
	out := make([]int, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, <-results)
	}
	return out
}`,
  },
  check(ctx) {
    const file = ctx.file;
    if (!/\bchan\b/.test(file.text) || !/\bvar\b/.test(file.text)) return;
    for (const fn of file.functions) {
      if (!ctx.inFocus(fn.node)) continue;
      for (const decl of file.locals(fn)) {
        if (!isNilChannelDecl(decl)) continue;
        const ops = nilOperations(file, fn, decl);
        for (const op of ops) {
          if (parksMain(file, fn, op.node)) continue;
          const what = describe(op);
          const text = op.kind === 'range' ? loopHeader(op.node) : quote(op.node);
          ctx.report({
            node: op.node,
            message:
              `\`${excerpt(text, 40)}\` ${what.effect} on the nil channel \`${decl.name}\`: it is never made or assigned`,
            related: [{ span: { start: decl.statement.startIndex, end: decl.statement.endIndex }, message: `\`${decl.name}\` stays nil: no \`make\` or assignment follows` }],
            steps: [
              `Line ${lineOf(decl.node)}: \`${quote(decl.statement)}\` declares \`${decl.name}\` with its zero value, nil.`,
              `Nothing in the function assigns \`${decl.name}\` (no \`${decl.name} = make(...)\`, no \`&${decl.name}\`).`,
              `Line ${lineOf(op.node)}: \`${text}\` ${what.step}`,
            ],
          });
        }
      }
    }
  },
};

type OpKind = 'send' | 'receive' | 'range' | 'close';

interface NilOp {
  kind: OpKind;
  /** The send statement, receive expression, range loop header or close call. */
  node: Node;
}

/** `var ch chan T` (any direction) with no initial value, declared in a function body. */
function isNilChannelDecl(d: VarDecl): boolean {
  return d.statement.type === 'var_declaration' && !d.init && !d.multi && /^(<-)?chan/.test(d.type ?? '');
}

/**
 * The channel operations on `decl` in `fn` (nested literals included), or none at all when some
 * reference may give it a value: an assignment, `&ch`, or anything the syntax cannot follow.
 * Operations that are the communication of a select case are left out: a nil channel there
 * disables the case on purpose.
 */
function nilOperations(file: FileFacts, fn: FuncInfo, decl: VarDecl): NilOp[] {
  const ops: NilOp[] = [];
  let assigned = false;
  walk(fn.node, (n) => {
    if (assigned) return false;
    if (n.type !== 'identifier' || n.text !== decl.name || n.id === decl.node.id) return;
    if (file.lookup(n.text, n)?.decl !== decl) return;
    let ref = n;
    while (ref.parent?.type === 'parenthesized_expression') ref = ref.parent;
    const p = ref.parent;
    if (!p || isWriteTarget(n) || (p.type === 'unary_expression' && p.childForFieldName('operator')?.text === '&')) {
      assigned = true;
      return;
    }
    const op = operation(ref, p);
    if (op && !inSelectCase(op.node)) ops.push(op);
  });
  return assigned ? [] : ops;
}

function operation(ref: Node, p: Node): NilOp | undefined {
  if (p.type === 'send_statement' && p.childForFieldName('channel')?.id === ref.id) return { kind: 'send', node: p };
  if (p.type === 'unary_expression' && p.childForFieldName('operator')?.text === '<-') return { kind: 'receive', node: p };
  if (p.type === 'range_clause' && p.childForFieldName('right')?.id === ref.id) return { kind: 'range', node: p.parent ?? p };
  if (p.type === 'argument_list' && p.parent?.type === 'call_expression') {
    const call = p.parent;
    const parts = callParts(call);
    if (parts && !parts.receiver && parts.name === 'close' && callArgs(call).length === 1 && unparen(callArgs(call)[0]).id === unparen(ref).id) {
      return { kind: 'close', node: call };
    }
  }
  return undefined;
}

/** True when the operation is the communication of a select case (`case v := <-ch:`, `case ch <- v:`). */
function inSelectCase(op: Node): boolean {
  for (let n: Node | null = op; n; n = n.parent) {
    const p = n.parent;
    if (p?.type === 'communication_case') return p.childForFieldName('communication')?.id === n.id;
    if (!p || n.type.endsWith('_statement') && n.type !== 'receive_statement' && n.type !== 'send_statement') return false;
  }
  return false;
}

function describe(op: NilOp): { effect: string; step: string } {
  switch (op.kind) {
    case 'send':
      return { effect: 'blocks forever', step: 'sends on the nil channel and waits forever.' };
    case 'receive':
      return { effect: 'blocks forever', step: 'receives from the nil channel and waits forever.' };
    case 'range':
      return { effect: 'blocks forever', step: 'waits for a first value that never comes.' };
    case 'close':
      return { effect: 'panics', step: 'panics with "close of nil channel".' };
  }
}

/**
 * `var exit chan bool; <-exit` as the last statement of `main`: a way, like `select {}`, to park
 * the main goroutine for good while the others run (goim's benchmark client).
 */
function parksMain(file: FileFacts, fn: FuncInfo, op: Node): boolean {
  if (fn.name !== 'main' || fn.kind !== 'function' || packageName(file) !== 'main') return false;
  const stmt = op.parent;
  if (op.type !== 'unary_expression' || stmt?.type !== 'expression_statement') return false;
  const statements = blockStatements(fn.body);
  return statements[statements.length - 1]?.id === stmt.id;
}
