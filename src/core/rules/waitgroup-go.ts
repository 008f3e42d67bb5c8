import { deleteStatement } from '../findings/edits';
import { isWaitGroupType, type FileFacts } from '../model/facts';
import type { Node } from '../syntax/parser';
import type { Fix, Rule } from '../findings/rule';
import { blockStatements, callArgs, descendants, isMethodCall, lineOf, pathKey, previousStatement, quote, unparen } from '../syntax/nodes';
import { parseGoVersion } from '../model/timers';

export const rule: Rule = {
  id: 'waitgroup-go',
  title: 'wg.Add(1) + go func() { defer wg.Done() }() can be wg.Go',
  severity: 'hint',
  category: 'waitgroup',
  overlaps: ['waitgroup', 'modernize'],
  docs: {
    summary:
      'On Go 1.25 and later, `wg.Add(1)` followed by `go func() { defer wg.Done(); ... }()` is exactly what `wg.Go(func() { ... })` does, in one call that cannot be half-written.',
    why:
      'Go 1.25 added `sync.WaitGroup.Go`, which increments the counter, starts the function in a new goroutine and calls `Done` when ' +
      'it returns. The three-part idiom it replaces is easy to get wrong when code is edited later: the `Add` drifts into the ' +
      'goroutine, the `defer` becomes a plain call that an early return skips, or the `Done` is dropped. With `wg.Go` the counting ' +
      'cannot be separated from the goroutine. The rule only speaks when the module targets Go 1.25 or newer.',
    interleaving: [
      'Today the code calls `wg.Add(1)`, then starts a goroutine whose first statement is `defer wg.Done()`.',
      'A later edit moves the `Add`, turns the `defer` into a plain `wg.Done()` at the end, or adds a second goroutine without an `Add`.',
      'The counter no longer matches the goroutines: `Wait` returns too early, blocks forever, or panics on a negative counter.',
    ],
    bad: `func fetchAll(urls []string) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			download(u)
		}()
	}
	wg.Wait()
}`,
    good: `func fetchAll(urls []string) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Go(func() {
			download(u)
		})
	}
	wg.Wait()
}`,
    fixes:
      '**Use wg.Go** removes the `wg.Add(1)` line and the `defer wg.Done()` line and turns `go func() { ... }()` into ' +
      '`wg.Go(func() { ... })`. It is offered only for the exact idiom (an `Add(1)` right before the `go` statement, a literal with ' +
      'no parameters or results, `defer wg.Done()` as its first statement and no other `Done`), where the meaning is unchanged.',
  },
  check(ctx) {
    const v = parseGoVersion(ctx.goVersion);
    if (!v || (v[0] === 1 && v[1] < 25)) return;
    const file = ctx.file;
    if (!/\.Done\(\)/.test(file.text)) return;
    for (const go of descendants(file.root, 'go_statement')) {
      const found = idiom(file, go);
      if (!found) continue;
      const { add, key, defer, call } = found;
      ctx.report({
        node: add,
        message:
          `this \`${quote(add, 32)}\` and the goroutine that defers \`Done\` can be written \`${key}.Go(func() { ... })\` (Go 1.25)`,
        related: [
          { span: { start: go.startIndex, end: go.startIndex + 2 }, message: 'the goroutine counted by the Add' },
          { span: { start: defer.startIndex, end: defer.endIndex }, message: '`wg.Go` calls Done when the function returns' },
        ],
        steps: [
          `Line ${lineOf(add)}: \`${quote(add)}\` counts the goroutine before it exists.`,
          `Line ${lineOf(go)}: the goroutine starts and defers \`${key}.Done()\` (line ${lineOf(defer)}) to its end.`,
          `\`${key}.Go\` does both in one call, so a later edit cannot separate the count from the goroutine.`,
        ],
        fixes: fix(file, go, add, defer, call, key),
      });
    }
  },
};

interface Idiom {
  /** The `wg.Add(1)` call. */
  add: Node;
  key: string;
  /** The `defer wg.Done()` statement. */
  defer: Node;
  /** The call of the literal in the go statement. */
  call: Node;
  literal: Node;
}

/**
 * `wg.Add(1)` as the statement right before `go func() { defer wg.Done(); ... }()`: a literal with
 * no parameters, arguments or results, whose first statement defers `Done` on the same
 * WaitGroup and which calls `Done` nowhere else.
 */
function idiom(file: FileFacts, go: Node): Idiom | undefined {
  const call = go.namedChildren.find((c) => c?.type === 'call_expression');
  const fnNode = call?.childForFieldName('function');
  const literal = fnNode ? unparen(fnNode) : undefined;
  if (!call || literal?.type !== 'func_literal' || callArgs(call).length > 0) return undefined;
  if (literal.childForFieldName('result') || (literal.childForFieldName('parameters')?.namedChildCount ?? 0) > 0) return undefined;
  const prev = previousStatement(go);
  const add = prev?.type === 'expression_statement' ? prev.namedChild(0) : undefined;
  if (!add || !isMethodCall(add, 'Add')) return undefined;
  const args = callArgs(add);
  if (args.length !== 1 || args[0].text !== '1') return undefined;
  const recv = add.childForFieldName('function')!.childForFieldName('operand')!;
  const key = pathKey(recv);
  if (!key || !isWaitGroupType(file.typeOf(recv))) return undefined;
  const stmts = blockStatements(literal.childForFieldName('body'));
  const defer = stmts[0];
  const deferred = defer?.type === 'defer_statement' ? defer.namedChild(0) : undefined;
  if (!deferred || !isMethodCall(deferred, 'Done', key) || callArgs(deferred).length > 0) return undefined;
  // The Done must name the same WaitGroup: the literal declares nothing before it, so only its head matters.
  const head = key.split('.')[0];
  const outer = file.lookup(head, go);
  const inner = file.lookup(head, deferred);
  if (!outer || outer.decl !== inner?.decl || outer.param !== inner?.param || outer.receiver !== inner?.receiver) return undefined;
  const dones = descendants(literal, 'call_expression').filter((c) => isMethodCall(c, 'Done', key));
  if (dones.length !== 1) return undefined;
  return { add, key, defer, call, literal };
}

function fix(file: FileFacts, go: Node, add: Node, defer: Node, call: Node, key: string): Fix[] {
  const literal = unparen(call.childForFieldName('function')!);
  const body = literal.childForFieldName('body');
  // With nothing left in the body, the result would be an empty function: not worth a rewrite.
  if (blockStatements(body).length < 2) return [];
  const delAdd = deleteStatement(file.source, add.parent!);
  const delDefer = deleteStatement(file.source, defer);
  const args = call.childForFieldName('arguments');
  if (!delAdd || !delDefer || !args || literal.startIndex !== call.startIndex) return [];
  return [
    {
      title: `Use \`${key}.Go(func() { ... })\``,
      edits: [
        delAdd,
        { start: go.startIndex, end: literal.startIndex, newText: `${key}.Go(` },
        delDefer,
        { start: args.startIndex, end: args.endIndex, newText: ')' },
      ],
      safe: true,
    },
  ];
}
