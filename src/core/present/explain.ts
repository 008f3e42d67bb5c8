/**
 * Short explanations of concurrency constructs for the hover, even where nothing is wrong, and
 * the "how does this goroutine end" summary that the hover and the CodeLens share.
 */
import type { FileFacts, GoStmt } from '../model/facts';
import type { Finding } from '../findings/rule';
import { RULES_BY_ID } from '../rules';
import type { Node } from '../syntax/parser';
import { callArgs, callParts, FUNCTION_TYPES, lineOf, quote, unparen, walk } from '../syntax/nodes';

export interface GoroutineExits {
  /** How the goroutine can end, in words: "returns (line 12)", "when `jobs` is closed", "on `<-ctx.Done()`". */
  exits: string[];
  /** Short labels for the CodeLens: "return", "close(jobs)", "ctx.Done". */
  labels: string[];
  /** True when no way out was found (an endless loop with no return, break or cancellation). */
  noExit: boolean;
  /** True when the code it runs is not visible in this file. */
  unknown: boolean;
}

/** How the goroutine started by `g` ends, as far as the file shows. */
export function goroutineExits(g: GoStmt): GoroutineExits {
  const body = g.target?.body;
  if (!body) return { exits: [], labels: [], noExit: false, unknown: true };
  const exits: string[] = [];
  const labels = new Set<string>();
  walk(body, (n) => {
    if (n.type === 'func_literal') return false;
    if (n.type === 'return_statement') {
      exits.push(`returns (line ${lineOf(n)})`);
      labels.add('return');
    } else if (n.type === 'for_statement') {
      const range = n.namedChildren.find((c) => c?.type === 'range_clause');
      const over = range?.childForFieldName('right');
      if (over && isChannelish(over)) {
        exits.push(`finishes its \`for range ${quote(over, 24)}\` loop when \`${quote(over, 24)}\` is closed (line ${lineOf(n)})`);
        labels.add(`close(${quote(over, 16)})`);
      }
    } else if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '<-') {
      const operand = n.childForFieldName('operand');
      const done = operand && unparen(operand).type === 'call_expression' ? callParts(unparen(operand)) : undefined;
      if (done?.name === 'Done' && done.receiver && callArgs(unparen(operand!)).length === 0) {
        exits.push(`stops on \`<-${done.receiver}.Done()\` (line ${lineOf(n)})`);
        labels.add(`${done.receiver}.Done`);
      }
    }
  });
  const endless = endlessLoops(body);
  const hasBreakOut = endless.some((loop) => breaksOut(loop));
  const fallsThrough = endless.length === 0 || hasBreakOut;
  if (fallsThrough) {
    exits.push(`returns when its body finishes (line ${body.endPosition.row + 1})`);
    labels.add('last line');
  }
  return { exits, labels: [...labels], noExit: exits.length === 0, unknown: false };
}

/** Top-level `for { ... }` loops of a body (no condition, no range): the body ends only by leaving them. */
function endlessLoops(body: Node): Node[] {
  const out: Node[] = [];
  for (const stmt of body.namedChildren.flatMap((c) => (c?.type === 'statement_list' ? c.namedChildren : [c]))) {
    if (stmt?.type === 'for_statement' && stmt.namedChildren.filter((c) => c?.type !== 'block' && c?.type !== 'comment').length === 0) {
      out.push(stmt);
    }
  }
  return out;
}

/** True when a plain `break` (not inside a nested select/switch/for) or a labelled break leaves the loop. */
function breaksOut(loop: Node): boolean {
  let found = false;
  walk(loop, (n) => {
    if (found || FUNCTION_TYPES.has(n.type)) return false;
    if (n.type !== 'break_statement') return;
    if (n.namedChildCount > 0) {
      found = true; // a labelled break: assume it targets this loop or an outer one
      return;
    }
    for (let p = n.parent; p; p = p.parent) {
      if (p.id === loop.id) {
        found = true;
        break;
      }
      if (p.type === 'for_statement' || p.type === 'select_statement' || p.type.endsWith('switch_statement')) break;
    }
  });
  return found;
}

function isChannelish(expr: Node): boolean {
  const n = unparen(expr);
  // Ranging over a call or a slice literal is not a channel; a plain name or field may be.
  return n.type === 'identifier' || n.type === 'selector_expression';
}

/** Markdown explaining the concurrency construct at `offset`, or undefined when there is none. */
export function explainAt(facts: FileFacts, offset: number, findings: readonly Finding[] = []): string | undefined {
  const leaf = facts.root.descendantForIndex(offset, offset);
  if (!leaf) return undefined;
  for (let n: Node | null = leaf, depth = 0; n && depth < 4; n = n.parent, depth++) {
    const text = explainNode(facts, n, leaf, findings);
    if (text) return text;
    if (n.type.endsWith('_statement') || n.type === 'block') break;
  }
  return undefined;
}

function explainNode(facts: FileFacts, n: Node, leaf: Node, findings: readonly Finding[]): string | undefined {
  switch (n.type) {
    case 'go_statement':
      return leaf.type === 'go' ? explainGo(facts, n, findings) : undefined;
    case 'channel_type':
      return explainChannelType(n);
    case 'select_statement':
      return leaf.type === 'select' ? SELECT : undefined;
    case 'send_statement':
      return leaf.type === '<-' ? SEND : undefined;
    case 'unary_expression':
      return leaf.type === '<-' && n.childForFieldName('operator')?.text === '<-' ? RECEIVE : undefined;
    case 'defer_statement':
      return leaf.type === 'defer' ? DEFER : undefined;
    case 'call_expression':
      return explainCall(facts, n, leaf);
    case 'qualified_type':
      return TYPES[n.text.replace(/\s+/g, '')];
    default:
      return undefined;
  }
}

function explainGo(facts: FileFacts, n: Node, findings: readonly Finding[]): string {
  const g = facts.goStatements.find((x) => x.node.id === n.id);
  const head = '**`go` statement**: starts a new goroutine that runs concurrently with the rest of this function; the function does not wait for it.';
  if (!g) return head;
  // A leak reported on this goroutine comes first: the ways out below are only the ones it has when nothing blocks it.
  const body = g.target?.body;
  const leaks = findings.filter(
    (f) =>
      RULES_BY_ID.get(f.ruleId)?.category === 'goroutine-leak' &&
      (f.related.some((r) => r.span.start === n.startIndex) || (body !== undefined && body !== null && f.span.start >= body.startIndex && f.span.end <= body.endIndex)),
  );
  const blocked = leaks.map((f) => `- **Can block forever at line ${f.range.start.line + 1}**: ${f.message} (\`${f.ruleId}\`)`);
  const e = goroutineExits(g);
  let how: string;
  if (e.unknown) how = 'The code it runs is not in this file, so how it ends is not known here.';
  else if (e.noExit) how = '**No exit found**: it loops forever with no `return`, `break` or cancellation. Unless the process ends, it never stops.';
  else how = `**How this goroutine ends${blocked.length ? ', when nothing blocks it' : ''}:**\n` + e.exits.map((x) => `- ${x}`).join('\n');
  const warning = blocked.length ? `${blocked.join('\n')}\n\n` : '';
  return `${head}\n\n${warning}${how}\n\nEvery goroutine needs a way to end that someone controls: a closed channel, a cancelled context, or a result it can always deliver.`;
}

function explainChannelType(n: Node): string {
  const text = n.text.replace(/\s+/g, ' ');
  if (/^<-\s*chan/.test(n.text)) {
    return `**\`${text}\`**: receive-only channel. Code holding it can only receive; the sending side owns it and is the one that closes it (closing a receive-only channel does not compile).`;
  }
  if (/^chan\s*<-/.test(n.text)) {
    return `**\`${text}\`**: send-only channel. Code holding it can only send (and close it when it is the last sender); receiving does not compile.`;
  }
  return `**\`${text}\`**: bidirectional channel. By convention the sender closes it, once, after the last send; receivers never close.`;
}

function explainCall(facts: FileFacts, call: Node, leaf: Node): string | undefined {
  const parts = callParts(call);
  if (!parts) return undefined;
  const fn = call.childForFieldName('function');
  // Only when hovering the callee, not its arguments.
  if (!fn || leaf.startIndex < fn.startIndex || leaf.endIndex > fn.endIndex) return undefined;
  if (!parts.receiver) {
    if (parts.name === 'make' && callArgs(call)[0]?.type === 'channel_type') {
      const cap = callArgs(call)[1];
      return cap
        ? `**\`${quote(call)}\`**: buffered channel with room for \`${cap.text}\` values. A send blocks only when the buffer is full; a receive blocks when it is empty. A buffer sized to the number of senders lets every sender finish even if nobody receives.`
        : `**\`${quote(call)}\`**: unbuffered channel. Each send blocks until a receiver takes the value (and each receive until a value is sent): if the other side goes away, the blocked goroutine waits forever.`;
    }
    if (parts.name === 'close' && !facts.lookup('close', call)) return CLOSE;
    return undefined;
  }
  const recvType = parts.receiverNode ? facts.typeOf(parts.receiverNode) : undefined;
  if (parts.receiver === 'context' && !facts.lookup('context', call)) {
    if (/^With(Cancel|Timeout|Deadline)(Cause)?$/.test(parts.name)) return WITH_CANCEL(parts.name);
    if (parts.name === 'Cause') return CAUSE;
    if (parts.name === 'Background' || parts.name === 'TODO') return BACKGROUND;
    if (parts.name === 'WithoutCancel') return WITHOUT_CANCEL;
  }
  if (recvType === 'sync.WaitGroup' || recvType === '*sync.WaitGroup') return WAITGROUP[parts.name];
  if (recvType === 'context.Context' || (parts.name === 'Done' && /ctx/i.test(parts.receiver ?? ''))) return CONTEXT_METHODS[parts.name];
  if (recvType && /^\*?sync\.(RW)?Mutex$/.test(recvType)) return MUTEX_METHODS[parts.name];
  if (recvType === '*errgroup.Group' || recvType === 'errgroup.Group') return ERRGROUP[parts.name];
  return undefined;
}

const SELECT =
  '**`select`**: waits until one of its cases can proceed, then runs that one. When several are ready at once, one is picked at random, so no case has priority. With a `default` case it never waits: `default` runs when nothing is ready. A `select` with no cases blocks forever.';
const SEND = '**Send `ch <- v`**: blocks until a receiver takes the value (unbuffered) or there is room in the buffer. Sending on a closed channel panics; on a nil channel it blocks forever.';
const RECEIVE =
  '**Receive `<-ch`**: blocks until a value arrives. On a closed, drained channel it returns the zero value at once (`v, ok := <-ch` gives `ok == false`); on a nil channel it blocks forever.';
const DEFER = '**`defer`**: runs the call when the surrounding function returns, on every path, including panics. Deferred calls run last-in, first-out; the arguments are evaluated now.';
const CLOSE =
  "**`close(ch)`**: no more values will be sent. Receivers drain what is buffered, then get zero values with `ok == false`, and `for range` loops end. Only the sender closes, exactly once: a second close, or a send after close, panics.";
const WITH_CANCEL = (name: string) =>
  `**\`context.${name}\`**: returns a derived context and a cancel function. Call cancel on every path (usually \`defer cancel()\` right away): until it is called${name.includes('Timeout') || name.includes('Deadline') ? ' or the deadline passes' : ''}, the context and its timer stay registered with the parent.`;
const CAUSE = '**`context.Cause(ctx)`**: why the context was cancelled: the error given to a `...Cause` cancel function, else the same as `ctx.Err()`; nil while it is still live.';
const BACKGROUND = '**`context.Background()` / `context.TODO()`**: a context that is never cancelled and has no deadline. Use it only at the top of a program or test; inside a function that received a context, pass that one on.';
const WITHOUT_CANCEL = '**`context.WithoutCancel`**: keeps the values of the parent but not its cancellation: for work that must outlive the request that started it.';

const WAITGROUP: Record<string, string> = {
  Add: '**`WaitGroup.Add(n)`**: counts `n` more goroutines to wait for. Call it before the `go` statement, in the goroutine that will call `Wait`; an `Add` inside the new goroutine races with `Wait`.',
  Done: '**`WaitGroup.Done()`**: one counted goroutine has finished. Put `defer wg.Done()` first in the goroutine so every return path counts down; a missed `Done` makes `Wait` block forever.',
  Wait: '**`WaitGroup.Wait()`**: blocks until the counter drops to zero. Calling it from a goroutine the same WaitGroup counts waits for itself.',
  Go: '**`WaitGroup.Go(f)`** (Go 1.25+): runs `f` in a new goroutine counted by the WaitGroup: `Add(1)` before and `Done()` after, done for you.',
};

const CONTEXT_METHODS: Record<string, string> = {
  Done: '**`ctx.Done()`**: a channel that is closed when the context is cancelled or its deadline passes. Receive from it in a `select` next to every blocking operation so the goroutine can stop.',
  Err: '**`ctx.Err()`**: nil while the context is live; `context.Canceled` or `context.DeadlineExceeded` once `Done` is closed. The usual thing to return after `<-ctx.Done()`.',
};

const MUTEX_METHODS: Record<string, string> = {
  Lock: '**`Lock()`**: waits until no one holds the mutex, then holds it. Go mutexes are not reentrant: locking again in the same goroutine (directly or through a helper) deadlocks.',
  Unlock: '**`Unlock()`**: releases the mutex. `defer mu.Unlock()` right after `Lock` releases it on every path, including early returns and panics.',
  RLock: '**`RLock()`**: shared read lock; many readers may hold it. Do not take it twice in one goroutine: a writer waiting between the two blocks the second `RLock`, and the reader blocks the writer.',
  RUnlock: '**`RUnlock()`**: releases one read lock.',
};

const ERRGROUP: Record<string, string> = {
  Go: '**`errgroup.Group.Go(f)`**: runs `f` in a goroutine; the first non-nil error is kept and, with `WithContext`, cancels the group context. Functions should watch that context, not the parent.',
  Wait: '**`errgroup.Group.Wait()`**: waits for every function started with `Go` and returns the first error. Check it: dropping it hides every failure.',
  SetLimit: '**`errgroup.Group.SetLimit(n)`**: at most `n` functions run at once; `Go` blocks until a slot is free.',
};

const TYPES: Record<string, string> = {
  'sync.Mutex': '**`sync.Mutex`**: mutual exclusion lock. The zero value is unlocked and ready. Never copy it after first use (pass pointers, use pointer receivers).',
  'sync.RWMutex': '**`sync.RWMutex`**: many readers or one writer. A waiting writer blocks new readers, so a goroutine must never take `RLock` twice.',
  'sync.WaitGroup': '**`sync.WaitGroup`**: waits for a set of goroutines. `Add` before `go`, `defer Done()` inside, `Wait` in the owner. Never copy it: pass a pointer.',
  'sync.Once': '**`sync.Once`**: runs a function exactly once, even when called from many goroutines; later callers wait until the first call returns. Calling `Do` again from inside `f` deadlocks.',
  'sync.Cond': '**`sync.Cond`**: lets goroutines wait for a condition guarded by a lock. Always `Wait` inside a `for` loop that rechecks the condition: a wake-up does not mean the condition holds.',
  'errgroup.Group': '**`errgroup.Group`**: a WaitGroup that also collects the first error; with `errgroup.WithContext` the first error cancels the shared context.',
  'context.Context': '**`context.Context`**: carries cancellation, a deadline and request values. Take it as the first parameter, pass it down, and stop work when `Done()` is closed. Do not store it in a struct.',
};

/** Functions that start goroutines, for the CodeLens. */
export interface GoroutineLens {
  fnNode: Node;
  name: string;
  goStatements: GoStmt[];
  labels: string[];
  noExit: number;
}

export function goroutineLenses(facts: FileFacts): GoroutineLens[] {
  const byFn = new Map<number, GoroutineLens>();
  for (const g of facts.goStatements) {
    // The lens sits on the declared function (closures roll up into it).
    let fnNode: Node | undefined = g.spawner?.node;
    while (fnNode && fnNode.type === 'func_literal') fnNode = facts.functionOf(fnNode)?.node;
    if (!fnNode) continue;
    let lens = byFn.get(fnNode.id);
    if (!lens) {
      const name = fnNode.childForFieldName('name')?.text ?? 'function';
      lens = { fnNode, name, goStatements: [], labels: [], noExit: 0 };
      byFn.set(fnNode.id, lens);
    }
    lens.goStatements.push(g);
    const e = goroutineExits(g);
    for (const l of e.labels) if (!lens.labels.includes(l)) lens.labels.push(l);
    if (e.noExit) lens.noExit++;
  }
  return [...byFn.values()];
}

/** The text the CodeLens shows: `2 goroutines · end on: ctx.Done, close(results) · 1 may leak`. */
export function lensTitle(lens: GoroutineLens, mayLeak: number): string {
  const n = lens.goStatements.length;
  const parts = [`${n} goroutine${n === 1 ? '' : 's'}`];
  if (lens.labels.length > 0) parts.push(`${n === 1 ? 'ends' : 'end'} on: ${lens.labels.join(', ')}`);
  if (lens.noExit > 0) parts.push(`${lens.noExit} with no exit`);
  if (mayLeak > 0) parts.push(`${mayLeak} may leak`);
  return parts.join(' · ');
}
