import { hasBuffer, parseChanMake, rebind, type FileFacts, type FuncInfo, type GoStmt, type VarDecl } from '../model/facts';
import { channelUses, type ChannelUses } from '../model/flow';
import { runsBefore } from '../model/paths';
import type { Node } from '../syntax/parser';
import type { Fix, Rule } from '../findings/rule';
import { eol, indentAt, standsAlone } from '../findings/edits';
import { blockStatements, callArgs, callParts, contains, descendants, enclosingFunction, lineOf, pathKey, quote, unparen } from '../syntax/nodes';

export const rule: Rule = {
  id: 'wait-before-drain',
  title: 'WaitGroup waited on before the channel its goroutines send on is read',
  severity: 'warning',
  category: 'waitgroup',
  docs: {
    summary:
      '`wg.Wait()` (or an errgroup\'s `g.Wait()`) runs before the only reads of an unbuffered channel that the counted goroutines send on, in the function itself, in the goroutine that is the only reader, or inside the reading loop while other senders still wait: they block on the send, never finish, and `Wait` never returns.',
    why:
      'A goroutine counted by a WaitGroup calls `Done` when it finishes, which for the usual `defer wg.Done()` is after its send. On an ' +
      'unbuffered channel a send waits until someone receives. If the function that started the goroutines waits for the group before it ' +
      'starts receiving, nobody receives: every goroutine waits in its send, none calls `Done`, and `Wait` waits for them forever. The ' +
      'program deadlocks the first time a goroutine has something to send (the runtime reports it only when every goroutine is asleep; in ' +
      'a server the request simply hangs). Receive while the goroutines run, and wait for the group in a goroutine of its own that closes ' +
      'the channel afterwards.',
    interleaving: [
      'The loop starts the workers; each will `defer wg.Done()` and send its result on `results`.',
      'The function calls `wg.Wait()`: it waits until every worker has called `Done`.',
      'A worker sends on `results`; nothing receives yet, so it waits, and never reaches `Done`.',
      '`wg.Wait()` never returns, and the `for r := range results` after it never starts.',
    ],
    bad: `func collect(xs []int) []int {
	results := make(chan int)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			results <- work(x)
		}(x)
	}
	wg.Wait() // the workers are blocked sending: never returns
	close(results)
	var out []int
	for r := range results {
		out = append(out, r)
	}
	return out
}`,
    good: `func collect(xs []int) []int {
	results := make(chan int)
	var wg sync.WaitGroup
	for _, x := range xs {
		wg.Add(1)
		go func(x int) {
			defer wg.Done()
			results <- work(x)
		}(x)
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	var out []int
	for r := range results {
		out = append(out, r)
	}
	return out
}`,
    fixes:
      '**Wait and close in a goroutine** moves `wg.Wait()` and the `close` right after it into `go func() { ... }()`, when the next ' +
      'statement ranges over the channel: the loop then receives while the workers run and ends when the last one is done, exactly as ' +
      'the code meant. Nothing else moves, so fix-all applies it.',
  },
  check(ctx) {
    const file = ctx.file;
    if (!file.text.includes('.Wait()') || !(file.text.includes('.Done()') || file.text.includes('.Go('))) return;
    for (const fn of file.functions) {
      if (!fn.body || !ctx.inFocus(fn.node)) continue;
      for (const decl of file.locals(fn)) {
        const made = decl.init ? parseChanMake(decl.init) : undefined;
        if (!made || hasBuffer(made)) continue;
        const uses = channelUses(file, fn, decl, { goReceives: true });
        if (uses.escape || uses.ownSends.length > 0 || uses.sends.length === 0) continue;
        const found = deadlock(file, fn, decl, uses);
        if (found) ctx.report(found);
      }
    }
  },
};

/** The `X.Done()` calls of a goroutine, as the spawner names X, when they run after its sends (deferred, or later in the body). */
function doneKeys(g: GoStmt, sends: readonly Node[]): Set<string> {
  const keys = new Set<string>();
  const body = g.target?.body;
  if (!body) return keys;
  // `eg.Go(func() error {...})`: the group counts the function until it returns, after its sends.
  if (g.node.type === 'call_expression') {
    const group = callParts(g.node)?.receiverNode;
    const key = group ? pathKey(group) : undefined;
    if (key) keys.add(key);
    return keys;
  }
  for (const call of descendants(body, 'call_expression', true)) {
    const parts = callParts(call);
    if (parts?.name !== 'Done' || !parts.receiverNode || callArgs(call).length > 0) continue;
    const deferred = call.parent?.type === 'defer_statement';
    if (!deferred && !sends.every((s) => s.endIndex < call.startIndex)) continue;
    // In the spawner's names: a parameter of a worker function becomes the argument it was given.
    const key = pathKey(parts.receiverNode);
    const outer = key ? rebind(key, g.bindings) : undefined;
    if (outer) keys.add(outer);
  }
  return keys;
}

function deadlock(file: FileFacts, fn: FuncInfo, decl: VarDecl, uses: ChannelUses) {
  // The goroutines that send without a way out, by go statement.
  const byGo = new Map<number, { go: GoStmt; sends: Node[] }>();
  for (const s of uses.sends) {
    if (s.guarded || s.go.spawner?.node.id !== fn.node.id) continue;
    const e = byGo.get(s.go.node.id) ?? { go: s.go, sends: [] };
    e.sends.push(s.node);
    byGo.set(s.go.node.id, e);
  }
  for (const { go, sends } of byGo.values()) {
    const keys = doneKeys(go, sends);
    if (keys.size === 0) continue;
    for (const wait of descendants(fn.body!, 'call_expression', true)) {
      const parts = callParts(wait);
      if (parts?.name !== 'Wait' || !parts.receiver || !keys.has(parts.receiver) || enclosingFunction(wait)?.id !== fn.node.id) continue;
      if (!runsBefore(go.node, wait)) continue;
      const inLoop = waitInReceiveLoop(uses, wait);
      // Goroutines started inside that loop send one value per round, received before the wait.
      if (inLoop && manySenders(byGo) && ![...byGo.values()].some((g) => contains(inLoop, g.go.node))) return loopReport(decl, go, sends[0], wait, inLoop);
      // The wait comes after the goroutines start, and every receive of the channel after the wait.
      if (uses.goReceives!.length > 0 || uses.receives.length === 0 || !uses.receives.every((r) => runsBefore(wait, r))) continue;
      const send = sends[0];
      const recv = uses.receives[0];
      return {
        node: wait,
        message: `\`${quote(wait, 24)}\` never returns: its goroutines block on \`${quote(send, 32)}\`, and \`${decl.name}\` is read only after it`,
        related: [
          { span: { start: send.startIndex, end: send.endIndex }, message: `blocks until someone receives from \`${decl.name}\`, before \`Done\`` },
          { span: { start: recv.startIndex, end: recv.endIndex }, message: `the first receive, which runs only after \`${quote(wait)}\`` },
        ],
        steps: [
          `The goroutine started at line ${lineOf(go.node)} sends \`${quote(send, 32)}\` (line ${lineOf(send)}) and calls \`Done\` only after that.`,
          `\`${quote(wait)}\` (line ${lineOf(wait)}) waits for it; nothing receives from the unbuffered \`${decl.name}\` yet.`,
          `The send never completes, \`Done\` never runs, and \`${quote(wait)}\` waits forever.`,
        ],
        fixes: waitInGoroutine(file, wait, decl),
      };
    }
  }
  // The only consumer is a goroutine that waits for the group before it receives.
  const consumers = new Set(uses.goReceives!.map((r) => r.go.node.id));
  if (uses.receives.length > 0 || consumers.size !== 1) return undefined;
  const consumer = uses.goReceives![0].go;
  const body = consumer.target?.body;
  if (!body || byGo.has(consumer.node.id)) return undefined;
  for (const { go, sends } of byGo.values()) {
    const keys = doneKeys(go, sends);
    for (const wait of descendants(body, 'call_expression', true)) {
      const parts = callParts(wait);
      // The consumer literal sees the spawner's names; a worker function would name them otherwise.
      if (parts?.name !== 'Wait' || !parts.receiver || !keys.has(parts.receiver) || consumer.target?.kind !== 'literal') continue;
      if (!uses.goReceives!.every((r) => runsBefore(wait, r.node))) continue;
      const send = sends[0];
      const recv = uses.goReceives![0].node;
      return {
        node: wait,
        message: `\`${quote(wait, 24)}\` never returns: its goroutines block on \`${quote(send, 32)}\`, which only this goroutine reads, after it`,
        related: [
          { span: { start: send.startIndex, end: send.endIndex }, message: `blocks until someone receives from \`${decl.name}\`, before \`Done\`` },
          { span: { start: recv.startIndex, end: recv.endIndex }, message: `the only receive, which runs only after \`${quote(wait)}\`` },
        ],
        steps: [
          `The goroutine started at line ${lineOf(go.node)} sends \`${quote(send, 32)}\` (line ${lineOf(send)}) and calls \`Done\` only after that.`,
          `The consumer started at line ${lineOf(consumer.node)} calls \`${quote(wait)}\` (line ${lineOf(wait)}) before it receives: nobody reads \`${decl.name}\` meanwhile.`,
          `The send never completes, \`Done\` never runs, and the consumer waits forever; so does whoever waits for its result.`,
        ],
      };
    }
  }
  return undefined;
}

/**
 * The receive loop of the function around `wait` (`for r := range ch { ... wg.Wait() ... }`): the
 * loop has received some of the values, and the other senders are still blocked on theirs. Not when
 * the wait is decided by a condition that does not look at a received value (a counter that reached
 * the number of senders: then every value is in).
 */
function waitInReceiveLoop(uses: ChannelUses, wait: Node): Node | undefined {
  for (let p = wait.parent; p && p.type !== 'func_literal' && p.type !== 'function_declaration' && p.type !== 'method_declaration'; p = p.parent) {
    if (p.type === 'if_statement' || p.type === 'expression_switch_statement') {
      const cond = p.childForFieldName('condition') ?? p.childForFieldName('value');
      const received = receivedNames(uses);
      if (!cond || !descendants(cond, 'identifier').some((id) => received.has(id.text))) return undefined;
    }
    if (p.type === 'for_statement' && uses.receives.some((r) => r.startIndex >= p!.startIndex && r.endIndex <= p!.endIndex)) return p;
  }
  return undefined;
}

/** Names the function stores received values in: `r` of `for r := range ch`, `v := <-ch`. */
function receivedNames(uses: ChannelUses): Set<string> {
  const out = new Set<string>();
  for (const r of uses.receives) {
    const holder = r.type === 'range_clause' ? r : r.parent?.type === 'expression_list' ? r.parent.parent : r.parent;
    const left = holder?.childForFieldName('left');
    for (const id of left ? descendants(left, 'identifier') : []) out.add(id.text);
  }
  return out;
}

/** More than one goroutine may send: one started in a loop, or several go statements. */
function manySenders(byGo: Map<number, { go: GoStmt; sends: Node[] }>): boolean {
  return byGo.size > 1 || [...byGo.values()].some(({ go }) => go.loop !== undefined);
}

function loopReport(decl: VarDecl, go: GoStmt, send: Node, wait: Node, loop: Node) {
  return {
    node: wait,
    message: `\`${quote(wait, 24)}\` inside the loop reading \`${decl.name}\` waits for goroutines blocked on \`${quote(send, 32)}\``,
    related: [
      { span: { start: send.startIndex, end: send.endIndex }, message: `blocks until the loop receives again, before \`Done\`` },
      { span: { start: loop.startIndex, end: loop.startIndex + 3 }, message: `the only loop that reads \`${decl.name}\`` },
    ],
    steps: [
      `The goroutines started at line ${lineOf(go.node)} each send \`${quote(send, 32)}\` (line ${lineOf(send)}) and call \`Done\` only after that.`,
      `The loop at line ${lineOf(loop)} has received one value and calls \`${quote(wait)}\` (line ${lineOf(wait)}) before it receives the others.`,
      `The other goroutines stay blocked on their send, never call \`Done\`, and \`${quote(wait)}\` waits forever.`,
    ],
  };
}

/** `wg.Wait(); close(ch); for ... range ch` -> `go func() { wg.Wait(); close(ch) }(); for ... range ch`. */
function waitInGoroutine(file: FileFacts, wait: Node, decl: VarDecl): Fix[] {
  const stmt = wait.parent;
  if (stmt?.type !== 'expression_statement') return [];
  const list = blockStatements(stmt.parent);
  const i = list.findIndex((s) => s.id === stmt.id);
  const close = list[i + 1];
  // Declarations between the close and the loop (`var out []int`) do not care when the wait ends.
  let j = i + 2;
  while (list[j] && isPlainDeclaration(list[j])) j++;
  const loop = list[j];
  const closeCall = close?.type === 'expression_statement' ? close.namedChild(0) : null;
  if (!closeCall || callParts(closeCall)?.name !== 'close' || pathKey(callArgs(closeCall)[0]) !== decl.name) return [];
  const range = loop?.type === 'for_statement' ? loop.namedChildren.find((c) => c?.type === 'range_clause') : undefined;
  const right = range?.childForFieldName('right');
  if (!right || pathKey(unparen(right)) !== decl.name) return [];
  if (!standsAlone(file.source, stmt) || !standsAlone(file.source, close)) return [];
  const nl = eol(file.source);
  const indent = indentAt(file.source, stmt.startIndex);
  // The wait's line moves whole, with a comment that trails it.
  const waitLine = file.text.slice(stmt.startIndex, file.source.lineEnd(file.source.lineAt(stmt.startIndex))).trimEnd();
  const text = ['go func() {', `\t${waitLine}`, `\t${close.text}`, '}()'].join(nl + indent);
  return [{ title: `Wait and close \`${decl.name}\` in a goroutine`, edits: [{ start: stmt.startIndex, end: close.endIndex, newText: text }], safe: true }];
}

/** `var out []int`, `n := 0`, `out := make([]T, 0, len(xs))`: a declaration that calls nothing but builtins. */
function isPlainDeclaration(stmt: Node): boolean {
  if (stmt.type !== 'var_declaration' && stmt.type !== 'short_var_declaration') return false;
  return descendants(stmt, 'call_expression').every((c) => /^(make|len|cap|new)$/.test(callParts(c)?.name ?? '') && !callParts(c)?.receiver);
}
