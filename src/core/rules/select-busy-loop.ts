import { caseStatements } from '../model/flow';
import type { Node } from '../syntax/parser';
import type { Fix, Rule, TextEdit } from '../findings/rule';
import type { SourceText } from '../text/source';
import { blockStatements, callArgs, callParts, caseReceive, defaultCase, descendants, jumpTarget, lengthTest, lineOf, pathKey, walk, whileCondition } from '../syntax/nodes';

export const rule: Rule = {
  id: 'select-busy-loop',
  title: 'Loop spins on a select with an empty default',
  severity: 'warning',
  // A test spins for the few milliseconds it runs: the review of real code found those not worth a warning.
  severityInTests: 'info',
  category: 'channel',
  docs: {
    summary:
      'A `for` loop whose only work is a `select` with an empty `default` case never waits: when no case is ready it goes round again at once and keeps a CPU core busy (information in tests, which spin only while they run).',
    why:
      'A `select` with a `default` case does not block: if no other case can proceed right now, `default` runs immediately. Inside a ' +
      'loop that does nothing else, an empty `default` (or one that only says `continue`) turns waiting into polling as fast as the ' +
      'processor allows. The goroutine burns a whole core, starves other goroutines on that thread and drains laptop batteries, while ' +
      'a plain `select` without `default` would have slept until a channel was ready. Drop the `default` to block, or, when the loop ' +
      'really must poll, make it pause (a ticker case, `time.Sleep`) or do useful work on each round.',
    interleaving: [
      'The loop enters the `select`; none of its channels is ready yet.',
      'The empty `default` runs at once and the loop starts the next round.',
      'This repeats millions of times per second until a channel becomes ready: one core stays at 100% doing nothing.',
    ],
    bad: `func forward(in <-chan string, quit <-chan struct{}) {
	for {
		select {
		case s := <-in:
			fmt.Println(s)
		case <-quit:
			return
		default:
			// nothing to do yet
		}
	}
}`,
    good: `func forward(in <-chan string, quit <-chan struct{}) {
	for {
		select {
		case s := <-in:
			fmt.Println(s)
		case <-quit:
			return
		}
	}
}`,
    fixes:
      '**Remove the empty default** deletes the `default` case so the `select` sleeps until one of its channels is ready. It is not ' +
      'applied by fix-all: the loop then blocks, which is what it should do, but code that relied on the loop going round (to read a ' +
      'variable, say) must be reworked by hand.',
  },
  check(ctx) {
    const file = ctx.file;
    if (!/\bdefault:/.test(file.text)) return;
    for (const select of descendants(file.root, 'select_statement')) {
      const dflt = defaultCase(select);
      if (!dflt || !idleDefault(dflt)) continue;
      const loop = spinningLoop(select);
      if (!loop || spinsOnPurpose(file.source, loop) || boundedSpinWait(loop, select) || drainsBuffer(loop, select)) continue;
      const cases = select.namedChildren.filter((c): c is Node => c?.type === 'communication_case');
      const fixes: Fix[] = [];
      const del = cases.length > 0 ? deleteCase(file.source, select, dflt) : undefined;
      if (del) fixes.push({ title: 'Remove the empty `default` so the select blocks', edits: [del], safe: false });
      const waiting = cases.length === 0 ? 'it has no case to wait for' : cases.length === 1 ? 'its only case is not ready' : `none of its ${cases.length} cases is ready`;
      ctx.report({
        node: dflt.children[0] ?? dflt,
        message:
          `this empty \`default\` makes the \`for\` loop spin whenever ${waiting}, keeping a CPU core busy`,
        related: [
          { span: { start: loop.startIndex, end: loop.startIndex + 3 }, message: 'this loop does no other work and never pauses' },
          { span: { start: select.startIndex, end: select.startIndex + 6 }, message: 'this select never blocks because of its default case' },
        ],
        steps: [
          `The loop (line ${lineOf(loop)}) enters the \`select\` (line ${lineOf(select)}) while ${waiting}.`,
          `The empty \`default\` (line ${lineOf(dflt)}) runs at once and the loop starts its next round without waiting.`,
          'This repeats until a channel becomes ready: the goroutine polls at full speed and occupies a whole core.',
        ],
        fixes,
      });
    }
  },
};

/**
 * Deletes the lines of a case, with the comment lines that follow it inside the select (the
 * parser hangs them on the select, but they belong to the case). Undefined when the case shares a
 * line with other code.
 */
function deleteCase(source: SourceText, select: Node, c: Node): TextEdit | undefined {
  let last: Node = caseStatements(c).at(-1) ?? c.children.filter((x) => x.isNamed || x.type === ':').at(-1) ?? c;
  for (let n = c.nextSibling; n && n.type === 'comment'; n = n.nextSibling) last = n;
  const first = source.lineAt(c.startIndex);
  const end = source.lineAt(last.endIndex);
  const before = source.text.slice(source.lineStart(first), c.startIndex);
  const after = source.text.slice(last.endIndex, source.lineEnd(end));
  if (!/^[ \t]*$/.test(before) || !/^[ \t]*(\/\/.*)?$/.test(after) || end + 1 >= source.lineCount) return undefined;
  if (select.endIndex <= source.lineEnd(end)) return undefined;
  return { start: source.lineStart(first), end: source.lineStart(end + 1), newText: '' };
}

const INTENT = /\b(spin|spinning|hog|busy|burn)/i;

/** A comment just above the loop that says it spins on purpose (a CPU hog in a test, a spin-wait). */
function spinsOnPurpose(source: SourceText, loop: Node): boolean {
  const line = source.lineAt(loop.startIndex);
  for (let l = Math.max(0, line - 3); l <= line; l++) {
    const text = source.lineText(l);
    const at = text.indexOf('//');
    if (at >= 0 && INTENT.test(text.slice(at))) return true;
  }
  return false;
}

/** A default case that does nothing: empty, or only `continue` / `break` (which, in a loop body made of the select, both just go round again). */
function idleDefault(dflt: Node): boolean {
  return caseStatements(dflt).every((s) => (s.type === 'continue_statement' || s.type === 'break_statement') && !s.namedChildren.some((c) => c?.type === 'label_name'));
}

/**
 * The loop that the select spins: the select is a statement of the loop's body, the loop has no
 * range clause (ranging a channel waits, ranging a collection ends) and neither its header nor its
 * other statements call anything or touch a channel, so nothing on the way can block or pause.
 */
function spinningLoop(select: Node): Node | undefined {
  const body = select.parent?.type === 'statement_list' ? select.parent.parent : undefined;
  const loop = body?.type === 'block' ? body.parent : undefined;
  if (loop?.type !== 'for_statement' || loop.childForFieldName('body')?.id !== body!.id) return undefined;
  for (const part of loop.namedChildren) {
    if (!part || part.type === 'comment') continue;
    // Ranging a channel waits, ranging a collection ends; a counted loop (`for i := 0; i < b.N; i++`)
    // runs a fixed number of rounds, as benchmarks of a non-blocking select do.
    if (part.type === 'range_clause') return undefined;
    if (part.type === 'for_clause' && (part.childForFieldName('initializer') || part.childForFieldName('update'))) return undefined;
    if (part.type !== 'block' && mayWait(part)) return undefined;
  }
  const stmts = blockStatements(body);
  for (const stmt of stmts) {
    if (stmt.id !== select.id && mayWait(stmt)) return undefined;
  }
  // The default falls through to what follows the select: a `break` of this loop or a `return`
  // there ends the loop (kapacitor's drain of pending configs: `select { case c = <-ch: continue;
  // default: }; break`).
  const after = stmts.slice(stmts.findIndex((x) => x.id === select.id) + 1);
  if (after.some((x) => x.type === 'return_statement' || (x.type === 'break_statement' && jumpTarget(x)?.id === loop.id))) return undefined;
  // A `continue` of an outer loop in the default would leave this one.
  const dflt = defaultCase(select)!;
  if (caseStatements(dflt).some((s) => s.type === 'continue_statement' && jumpTarget(s)?.id !== loop.id)) return undefined;
  return loop;
}

/** Calls that return at once: `len`, `cap`, atomic loads and stores. */
const QUICK_BUILTINS = new Set(['len', 'cap']);
const ATOMIC_METHODS = new Set(['Load', 'Store', 'Swap', 'CompareAndSwap', 'Add']);

function quickCall(call: Node): boolean {
  const parts = callParts(call);
  if (!parts) return false;
  if (!parts.receiver) return QUICK_BUILTINS.has(parts.name);
  return parts.receiver === 'atomic' || ATOMIC_METHODS.has(parts.name);
}

/**
 * `for x.Load() == 0 { select { case <-deadline: return; default: } }`: a spin-wait on another
 * goroutine's atomic store, which the condition reads, given up by a case that leaves the loop.
 */
function boundedSpinWait(loop: Node, select: Node): boolean {
  const cond = whileCondition(loop);
  if (!cond || !readsAtomic(cond)) return false;
  return select.namedChildren.some((c) => {
    const last = c.type === 'communication_case' ? caseStatements(c).at(-1) : undefined;
    return last?.type === 'return_statement' || (last?.type === 'break_statement' && jumpTarget(last)?.id === loop.id);
  });
}

/**
 * `for len(ch) > 0 { select { case v := <-ch: ...; default: } }`: the loop drains what the buffer
 * holds and ends once it is empty; while `len(ch) > 0` the receive is ready, so the default only
 * runs when another receiver took the last value first (Xray's browser dialer). The same for a
 * bound, `for len(ch) > max` (wal-g's upload queue): an empty channel is within any bound.
 */
function drainsBuffer(loop: Node, select: Node): boolean {
  const cond = whileCondition(loop);
  return !!cond && select.namedChildren.some((k) => {
    const key = k.type === 'communication_case' ? pathKey(caseReceive(k)?.channel ?? null) : undefined;
    return !!key && lengthTest(cond, key) === 'non-empty';
  });
}

/** An atomic load in the loop's condition (`v.Load()`, `atomic.LoadInt32(&v)`). */
function readsAtomic(cond: Node): boolean {
  let found = false;
  walk(cond, (n) => {
    if (found) return false;
    if (n.type !== 'call_expression') return;
    const parts = callParts(n);
    found = parts?.receiver === 'atomic' ? parts.name.startsWith('Load') : parts?.name === 'Load' && callArgs(n).length === 0;
  });
  return found;
}

/** Calls (other than quick ones), channel operations, selects and nested loops may block, sleep or do real work. */
function mayWait(node: Node): boolean {
  let found = false;
  walk(node, (n) => {
    if (found) return false;
    if (
      (n.type === 'call_expression' && !quickCall(n)) ||
      n.type === 'send_statement' ||
      n.type === 'select_statement' ||
      n.type === 'for_statement' ||
      (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '<-')
    ) {
      found = true;
    }
  });
  return found;
}
