import { contextsInScope, mayHaveContexts, stopChecks, watchesDone, type CtxVar } from '../model/context';
import { cancelReturn, returnSkipsNoWork, wrapInCancelSelect } from './support/cancel-fixes';
import { hasBuffer, parseChanMake, type FileFacts, type FuncInfo, type GoStmt } from '../model/facts';
import type { Node } from '../syntax/parser';
import type { Fix, Related, Rule } from '../findings/rule';
import { callArgs, callParts, contains, descendants, FUNCTION_TYPES, lineOf, quote, selectCases, unparen } from '../syntax/nodes';

export const rule: Rule = {
  id: 'send-without-cancel',
  title: 'Pipeline send ignores ctx',
  // Information: whether the caller really stops reading is outside the function, and on real
  // code most callers drain the channel until it closes (docs/precision.md).
  severity: 'info',
  category: 'cancellation',
  docs: {
    summary:
      'A goroutine of a function that has a `ctx` sends on a channel its caller reads (a channel parameter, or an unbuffered channel the function returns) with a plain `ch <- v` and never waits on `ctx.Done()`, or waits on it only in a select around the send, not in the send itself.',
    why:
      'In a pipeline stage the reader of the output channel is the caller, and the caller is free to stop reading early: it hit an ' +
      'error, found what it was looking for, or its `ctx` was cancelled. A bare `out <- v` then waits for a reader that never comes, ' +
      'and the goroutine leaks together with everything it references. Sending inside a `select` that also has ' +
      '`case <-ctx.Done():` lets the stage give up when the caller does. The rule reports only goroutines that never wait on a stop ' +
      'signal (no blocking `<-ctx.Done()` case, no done/quit channel); one that merely polls `ctx.Err()` or `ctx.Done()` in a select ' +
      'with `default` is reported too, since a poll cannot interrupt a send that is already blocked. A channel parameter that a caller ' +
      'in the same file fills from a buffered `make` is left alone, and sends on a channel the same function also reads are left to ' +
      '`goroutine-send-leak`.',
    interleaving: [
      'The stage function starts a goroutine that produces values and returns the output channel to its caller.',
      'The caller reads a few values, then stops (an error, an early match) and cancels `ctx`.',
      'The goroutine reaches `out <- v`: nobody will ever read again and it does not look at `ctx`, so it blocks forever.',
    ],
    bad: `func lines(ctx context.Context, r io.Reader) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			out <- sc.Text()
		}
	}()
	return out
}`,
    good: `func lines(ctx context.Context, r io.Reader) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			select {
			case out <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}`,
    fixes:
      '**Send in a select with `ctx.Done()`** replaces `out <- v` with a `select` that sends or, once `ctx` is cancelled, returns ' +
      '(`return` in a goroutine literal, `return <zero values>, ctx.Err()` in a function whose last result is `error`). It is offered ' +
      'only when that return skips no work after the sending loop, such as a `close(out)` that is not deferred.',
  },
  check(ctx) {
    const file = ctx.file;
    if (!mayHaveContexts(file)) return;
    const seen = new Set<number>();
    for (const g of file.goStatements) {
      const fn = g.target;
      // A finding's places lie in the goroutine's function and in the one that starts it.
      if (!fn?.body || !g.spawner || !(ctx.inFocus(g.node) || ctx.inFocus(fn.node))) continue;
      for (const send of descendants(fn.body, 'send_statement', true)) {
        // A send that is a select case is not a statement; the select decides whether it may block.
        if (seen.has(send.id) || send.parent?.type !== 'statement_list') continue;
        const channel = send.childForFieldName('channel');
        const origin = channel ? channelOrigin(file, g, fn, channel) : undefined;
        if (!origin) continue;
        const ctxs = contextsInScope(file, send);
        if (ctxs.length === 0) continue;
        // A goroutine that waits on a stop signal somewhere is trusted to manage its own lifetime.
        // One that only polls (`ctx.Err()`, a select with default) still blocks in the send.
        const checks = stopChecks(file, fn.body, new Set(ctxs.map((c) => c.name)));
        // Except a send in the body of a select case whose sibling case waits for `ctx.Done()`: the
        // select watches it only while it waits for input, not while the send waits for a reader.
        const names = new Set(ctxs.map((x) => x.name));
        const ctxWaits = checks.waits.filter((w) => watchesDone(w, names));
        const watcher = watchingSelect(send, ctxWaits);
        if (checks.waits.length > 0 && !watcher) continue;
        seen.add(send.id);
        const c = ctxs[0];
        const where = 'the goroutine';
        const related: Related[] = [
          { span: span(g.node), message: 'the goroutine is started here' },
          { span: span(origin.node), message: origin.kind === 'param' ? 'the channel comes from the caller' : 'the channel is made here' },
        ];
        if (origin.returned) related.push({ span: span(origin.returned), message: 'the channel is handed to the caller here' });
        const reader =
          origin.kind === 'param'
            ? `\`${origin.name}\` is a parameter (line ${lineOf(origin.node)}), so its reader is the caller`
            : `\`${origin.name}\` is returned to the caller (line ${lineOf(origin.returned!)})`;
        ctx.report({
          node: send,
          message:
            `\`${quote(send, 28)}\` blocks forever if the reader stops reading: ` +
            (watcher ? `\`${quote(watcher.wait, 24)}\` is watched only before the send, not during it` : `${where} ${watching(checks.polls, c)}`),
          related,
          steps: [
            `${spawnerName(g)} starts ${where}; ${reader}.`,
            `The caller stops reading \`${origin.name}\` early (an error, an early result) and cancels \`${c.name}\`.`,
            `The goroutine reaches \`${quote(send)}\` (line ${lineOf(send)}): no reader is left and nothing can interrupt the send, so it blocks forever.`,
          ],
          fixes: selectFix(file, send, c),
        });
      }
    }
  },
};

interface Origin {
  kind: 'param' | 'make';
  /** The channel's name where it is declared. */
  name: string;
  /** The parameter or the `make` call. */
  node: Node;
  /** For made channels: the return statement that hands it to the caller. */
  returned?: Node;
}

/**
 * Where the channel of a send comes from, when its reader is evidently the caller: a channel
 * parameter (`out chan<- T`), or an unbuffered `make(chan T)` that the declaring function returns.
 * Parameters of the goroutine's own function are followed to the go statement's arguments.
 */
function channelOrigin(file: FileFacts, g: GoStmt, fn: FuncInfo, channel: Node): Origin | undefined {
  let id = unparen(channel);
  if (id.type !== 'identifier') return undefined;
  let found = file.lookup(id.text, id);
  if (found?.param && found.fn?.node.id === fn.node.id) {
    // Follow the goroutine's parameter to the go statement's argument; give up on anything but a name (`s.out`, `make(...)`).
    const bound = g.bindings.get(id.text);
    if (!bound || unparen(bound).type !== 'identifier') return undefined;
    id = unparen(bound);
    found = file.lookup(id.text, g.node);
  }
  if (found?.param) {
    const type = found.param.type;
    if (!type.startsWith('chan') || (found.fn && callersBuffer(file, found.fn, found.param.name))) return undefined;
    return { kind: 'param', name: found.param.name, node: found.param.node };
  }
  const decl = found?.decl;
  if (!decl?.init || !found?.fn) return undefined;
  const made = parseChanMake(decl.init);
  if (!made || hasBuffer(made)) return undefined;
  const returned = descendants(found.fn.body!, 'return_statement', true).find((r) =>
    (r.namedChild(0)?.namedChildren ?? []).some((e) => e?.type === 'identifier' && e.text === decl.name),
  );
  return returned ? { kind: 'make', name: decl.name, node: made.make, returned } : undefined;
}

/** "never watches `ctx.Done()`", or for a goroutine that only polls: "only polls `ctx.Err()` (line 14), which cannot interrupt a blocked send". */
/**
 * The select whose case body holds `send` (the nearest one, in the same function) when another of
 * its cases is one of the stop-signal `waits`.
 */
function watchingSelect(send: Node, waits: Node[]): { select: Node; wait: Node } | undefined {
  for (let p = send.parent; p && !FUNCTION_TYPES.has(p.type); p = p.parent) {
    if (p.type !== 'communication_case' || p.parent?.type !== 'select_statement') continue;
    const select = p.parent;
    const wait = waits.find((w) =>
      selectCases(select).some((x) => {
        const comm = x.childForFieldName('communication');
        return x.id !== p!.id && comm !== null && contains(comm, w);
      }),
    );
    return wait ? { select, wait } : undefined;
  }
  return undefined;
}

function watching(polls: Node[], c: CtxVar): string {
  if (polls.length === 0) return `never watches \`${c.name}.Done()\``;
  return `only polls \`${quote(polls[0], 24)}\`, which cannot interrupt a blocked send`;
}

/** True when a call in this file passes a buffered channel (`make(chan T, n)`) as the parameter: its buffer may absorb the sends. */
function callersBuffer(file: FileFacts, fn: FuncInfo, param: string): boolean {
  const index = fn.params.findIndex((p) => p.name === param);
  if (!fn.name || index < 0) return false;
  return descendants(file.root, 'call_expression').some((call) => {
    if (callParts(call)?.name !== fn.name || file.resolveCall(call)?.target.node.id !== fn.node.id) return false;
    const arg = callArgs(call)[index];
    const made = arg ? parseChanMake(arg) ?? file.channelMake(arg) : undefined;
    return !!made && hasBuffer(made);
  });
}

function spawnerName(g: GoStmt): string {
  return g.spawner?.name ? `\`${g.spawner.name}\`` : 'The enclosing function';
}

function span(n: Node) {
  return { start: n.startIndex, end: n.endIndex };
}

/** Offered only when returning at the send skips no work after the sending loop (a trailing log, another loop's iterations). */
function selectFix(file: FileFacts, send: Node, c: CtxVar): Fix[] {
  const ret = returnSkipsNoWork(send) ? cancelReturn(file, file.functionOf(send)!, c.name) : undefined;
  const edit = ret ? wrapInCancelSelect(file, send, send.text, c.name, ret) : undefined;
  return edit ? [{ title: `Send in a select with \`${c.name}.Done()\``, edits: [edit], safe: false }] : [];
}
