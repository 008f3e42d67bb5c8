import { insertLinesBefore } from '../findings/edits';
import { closureRun, isWriteTarget, type FileFacts } from '../model/facts';
import type { Node } from '../syntax/parser';
import type { Fix, Rule } from '../findings/rule';
import { FUNCTION_TYPES, blockStatements, callArgs, callParts, contains, descendants, enclosingFunction, lineOf, walk } from '../syntax/nodes';
import { parseGoVersion } from '../model/timers';

/** How a closure that captures a loop variable comes to run after the iteration that made it. */
interface Later {
  lit: Node;
  /** The statement or call that hands the closure over (`go`, `defer`, `append`, `t.Run`...). */
  site: Node;
  /** "the goroutine started at line 14", for messages. */
  what: string;
  /** True when the closure runs concurrently with the loop (the loop's next assignment is also a data race). */
  concurrent: boolean;
  /**
   * Where the closure starts to run only once the loop has ended: after a subtest's
   * `t.Parallel()` (it waits for its parent to return), whose reads see the last value; the
   * reads before it run in the iteration and see its own.
   */
  afterLoopFrom?: number;
}

interface LoopVar {
  name: string;
  node: Node;
  loop: Node;
}

export const rule: Rule = {
  id: 'loop-variable-capture',
  title: 'Closure run later captures a loop variable (before Go 1.22)',
  severity: 'warning',
  category: 'race',
  overlaps: ['loopclosure'],
  docs: {
    summary:
      'Before Go 1.22, a goroutine, deferred closure or stored function that uses a loop variable sees the one variable all iterations share, usually holding the last value.',
    why:
      'Until Go 1.22 a `for i := ...` or `for k, v := range ...` loop declares its variables once and assigns them on every iteration. A closure ' +
      'captures the variable, not its value: a goroutine started in the loop, a `defer`, a parallel subtest or a function appended to a slice and ' +
      'called afterwards reads whatever the variable holds when it finally runs, which is often the last element, and a goroutine reading it while ' +
      'the loop assigns the next value is a data race. Go 1.22 gave each iteration its own variables, so the rule only reports modules whose ' +
      '`go.mod` says an older version (it stays silent when the version is unknown).',
    interleaving: [
      'The first iteration sets `v` and starts a goroutine (or defers or stores a closure) that refers to `v`.',
      'The loop moves on and assigns the next element to the same `v` before the closure has run.',
      'The closure runs and reads `v`: it sees a later element (often the last one for every closure), and a goroutine races with the loop\'s write.',
    ],
    bad: `func notifyAll(users []User) {
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			send(u.Email) // every goroutine may mail the last user
		}()
	}
	wg.Wait()
}`,
    good: `func notifyAll(users []User) {
	var wg sync.WaitGroup
	for _, u := range users {
		u := u // a fresh variable for this iteration
		wg.Add(1)
		go func() {
			defer wg.Done()
			send(u.Email)
		}()
	}
	wg.Wait()
}`,
    fixes:
      '**Copy the variable for each iteration** inserts `v := v` as the first statement of the loop body, which is what Go 1.22 does for you. ' +
      'It is offered only when the loop body never assigns the variable (a copy would then hide the write from the loop). Passing the value as an ' +
      'argument (`go func(v T) {...}(v)`) works too but needs the type spelled out.',
  },
  check(ctx) {
    const v = parseGoVersion(ctx.goVersion);
    if (!v || v[0] > 1 || v[1] >= 22) return;
    const file = ctx.file;
    const version = `${v[0]}.${v[1]}`;
    for (const loop of descendants(file.root, 'for_statement')) {
      const body = loop.childForFieldName('body');
      const vars = loopVars(loop);
      if (!body || vars.length === 0) continue;
      const laters = laterClosures(file, loop, body);
      for (const lv of vars) {
        const uses: { id: Node; later: Later }[] = [];
        for (const later of laters) {
          const id = captureOf(file, later.lit, lv, later.afterLoopFrom);
          if (id) uses.push({ id, later });
        }
        if (uses.length === 0) continue;
        const first = uses[0];
        const header = lineOf(loop);
        ctx.report({
          node: first.id,
          message:
            `${capital(first.later.what)} uses the loop variable \`${lv.name}\` of the \`for\` at line ${header}; ` +
            `on Go ${version} all iterations share one \`${lv.name}\`, ` +
            (first.later.afterLoopFrom !== undefined
              ? `and the parallel subtests run once the loop has ended, so each sees the last iteration's value`
              : `so it may see a later iteration's value` + (first.later.concurrent ? ` while the loop writes it (a data race)` : '')),
          related: [
            { span: { start: lv.node.startIndex, end: lv.node.endIndex }, message: `\`${lv.name}\` is declared once for the whole loop` },
            ...uses.slice(1).map((u) => ({ span: { start: u.id.startIndex, end: u.id.endIndex }, message: `${u.later.what} uses \`${lv.name}\` too` })),
          ],
          steps: [
            `An iteration of the loop at line ${header} sets \`${lv.name}\` and hands over ${first.later.what}, which refers to \`${lv.name}\` (line ${lineOf(first.id)}).`,
            first.later.afterLoopFrom !== undefined
              ? `The subtest calls \`t.Parallel()\`, which pauses it until the test function has returned, after the whole loop.`
              : `The loop goes on and assigns the next value to the same \`${lv.name}\` before the closure reads it.`,
            first.later.afterLoopFrom !== undefined
              ? `Every paused subtest then reads \`${lv.name}\` at line ${lineOf(first.id)} and sees the last iteration's value: the earlier cases are never checked.`
              : `The closure reads \`${lv.name}\` at line ${lineOf(first.id)} and sees a later value (often the last one)` +
                (first.later.concurrent ? '; reading it while the loop writes it is a data race.' : '.'),
          ],
          fixes: shadowFix(file, lv, body),
        });
      }
    }
  },
};

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The variables a loop header declares with `:=`. */
function loopVars(loop: Node): LoopVar[] {
  const clause = loop.namedChildren.find((c) => c?.type === 'range_clause' || c?.type === 'for_clause');
  let left: Node | null | undefined;
  if (clause?.type === 'range_clause') {
    if (!clause.children.some((c) => c.type === ':=')) return [];
    left = clause.childForFieldName('left');
  } else if (clause?.type === 'for_clause') {
    const init = clause.childForFieldName('initializer');
    left = init?.type === 'short_var_declaration' ? init.childForFieldName('left') : undefined;
  }
  return (left?.namedChildren ?? []).filter((id) => id.type === 'identifier' && id.text !== '_').map((id) => ({ name: id.text, node: id, loop }));
}

/**
 * The function literals in the loop body that run after the iteration that creates them: started
 * by `go` or an errgroup's `Go`, deferred to the return of the function holding the loop, run as a
 * parallel subtest, scheduled by `time.AfterFunc`, or stored in something that outlives the
 * iteration (appended to, assigned into or sent on a variable declared outside the loop).
 */
function laterClosures(file: FileFacts, loop: Node, body: Node): Later[] {
  const out: Later[] = [];
  const loopFn = enclosingFunction(loop);
  walk(body, (n) => {
    if (n.type !== 'func_literal') return;
    const later = laterOf(file, n, loop, loopFn);
    if (later) out.push(later);
    // Closures nested in this one are covered by it (their uses are its uses) or run inside it.
    return false;
  });
  return out;
}

function laterOf(file: FileFacts, lit: Node, loop: Node, loopFn: Node | undefined): Later | undefined {
  // The hand-over must happen in the loop's own function, not in a closure called inside the iteration.
  const run = closureRun(file, lit);
  const site = run.how === 'go' || run.how === 'defer' ? run.stmt : run.how === 'group' ? run.call : lit;
  if (enclosingFunction(site)?.id !== loopFn?.id) return undefined;
  switch (run.how) {
    case 'go':
      return doneInIteration(file, loop, site, lit) ? undefined : { lit, site, what: `the goroutine started at line ${lineOf(site)}`, concurrent: true };
    case 'group':
      return doneInIteration(file, loop, site, lit)
        ? undefined
        : { lit, site, what: `the function passed to \`${callParts(site)?.receiver}.Go\` at line ${lineOf(site)}`, concurrent: true };
    case 'defer':
      return leavesAfter(loop, site) ? undefined : { lit, site, what: `the closure deferred at line ${lineOf(site)}`, concurrent: false };
    case 'call':
      return undefined;
    default:
      return handedOver(file, lit, loop);
  }
}

/** Closures passed to a call or stored: only the shapes known to run later. */
function handedOver(file: FileFacts, lit: Node, loop: Node): Later | undefined {
  let n = lit;
  // Look through `&T{f: func...}`, `T{func...}` and parentheses to where the value goes.
  for (let p = n.parent; p && ['literal_element', 'keyed_element', 'literal_value', 'composite_literal', 'parenthesized_expression'].includes(p.type); p = p.parent) n = p;
  if (n.parent?.type === 'unary_expression' && n.parent.childForFieldName('operator')?.text === '&') n = n.parent;
  const p = n.parent;
  if (p?.type === 'argument_list' && p.parent?.type === 'call_expression') {
    const call = p.parent;
    const parts = callParts(call);
    const args = callArgs(call);
    if (parts && !parts.receiver && parts.name === 'append' && !file.lookup('append', call) && args[0]?.id !== n.id) {
      const stmt = call.parent?.parent;
      if (stmt?.type === 'assignment_statement' && call.parent?.type === 'expression_list' && storesOutside(file, stmt, loop)) {
        return { lit, site: call, what: `the function appended at line ${lineOf(call)}`, concurrent: false };
      }
      return undefined;
    }
    if (n.id === lit.id && file.isImportCall(call, 'time', 'AfterFunc') && args[1]?.id === lit.id) {
      return { lit, site: call, what: `the function passed to \`time.AfterFunc\` at line ${lineOf(call)}`, concurrent: true };
    }
    const parallel = n.id === lit.id && parts?.name === 'Run' && parts.receiverNode && args[1]?.id === lit.id ? parallelCall(file, parts.receiverNode, lit) : undefined;
    if (parallel) return { lit, site: call, what: `the parallel subtest started at line ${lineOf(call)}`, concurrent: false, afterLoopFrom: parallel.endIndex };
    return undefined;
  }
  if (p?.type === 'expression_list' && p.parent?.type === 'assignment_statement' && p.parent.childForFieldName('right')?.id === p.id) {
    const stmt = p.parent;
    const left = stmt.childForFieldName('left')?.namedChildren ?? [];
    // `handlers[name] = func...`: one closure per iteration kept in something that outlives it. A field
    // (`srv.Handler = func...`) or a fixed index is overwritten by the next iteration instead: the
    // closure that survives is the last one, which is usually used within its own iteration.
    if (left.every((l) => l.type === 'index_expression' && declaredIn(file, l.childForFieldName('index'), loop)) && storesOutside(file, stmt, loop)) {
      return { lit, site: stmt, what: `the function stored at line ${lineOf(stmt)}`, concurrent: false };
    }
    return undefined;
  }
  // A function sent on a channel may well be run by the receiver during the same iteration: not followed.
  return undefined;
}

/** True when every target of the assignment is rooted at a variable declared outside the loop. */
function storesOutside(file: FileFacts, stmt: Node, loop: Node): boolean {
  const left = stmt.childForFieldName('left')?.namedChildren ?? [];
  return (
    left.length > 0 &&
    left.every((l) => {
      let h: Node | null = l;
      while (h && (h.type === 'index_expression' || h.type === 'selector_expression' || h.type === 'parenthesized_expression')) {
        h = h.type === 'parenthesized_expression' ? h.namedChild(0) : h.childForFieldName('operand');
      }
      if (h?.type !== 'identifier') return false;
      const found = file.lookup(h.text, h);
      if (!found) return false;
      const decl = found.decl?.node ?? found.param?.node ?? found.fn?.node;
      return decl !== undefined && !contains(loop, decl);
    })
  );
}

/**
 * The `t.Parallel()` statement of a subtest's function (`t.Run(name, func(t *testing.T) {
 * t.Parallel(); ... })`), when it has one: from there the subtest waits until the parent test returns.
 */
function parallelCall(file: FileFacts, recv: Node, lit: Node): Node | undefined {
  const testing = file.importName('testing');
  if (!testing || !/^\*?testing\.(T|B)$/.test((file.typeOf(recv) ?? '').replace(testing + '.', 'testing.'))) return undefined;
  const param = file.funcInfo(lit).params[0]?.name;
  if (!param) return undefined;
  return blockStatements(lit.childForFieldName('body')).find((s) => {
    const call = s.type === 'expression_statement' ? s.namedChild(0) : null;
    const parts = call ? callParts(call) : undefined;
    return parts?.receiver === param && parts.name === 'Parallel';
  });
}

/**
 * True when the goroutine is probably finished before the iteration ends: the iteration waits
 * for it, the loop stops right after starting it, or it works with a value of its own iteration
 * (a pipe, a connection, a channel made in the body) that the iteration goes on using.
 */
function doneInIteration(file: FileFacts, loop: Node, site: Node, lit: Node): boolean {
  return waitsInIteration(loop, site) || leavesAfter(loop, site) || pairedInIteration(file, loop, site, lit);
}

/**
 * True when the closure uses a variable declared in the loop body and the iteration makes calls
 * after starting it (other than `append`): the two sides likely talk through that value within
 * the iteration, which syntax cannot follow (`pr, pw := io.Pipe()`; the goroutine writes `pw`
 * while the iteration reads `pr`).
 */
function pairedInIteration(file: FileFacts, loop: Node, site: Node, lit: Node): boolean {
  const body = loop.childForFieldName('body')!;
  let perIteration = false;
  walk(lit, (n) => {
    if (perIteration) return false;
    if (n.type !== 'identifier') return;
    const found = file.lookup(n.text, n);
    const decl = found?.decl?.node ?? found?.param?.node;
    if (decl && contains(body, decl) && !contains(lit, decl)) perIteration = true;
  });
  if (!perIteration) return false;
  const stmts = blockStatements(body);
  const i = stmts.findIndex((st) => contains(st, site));
  return stmts.slice(i + 1).some((st) => {
    let calls = false;
    walk(st, (n) => {
      if (calls || n.type === 'func_literal') return false;
      if (n.type === 'call_expression' && callParts(n)?.name !== 'append') calls = true;
    });
    return calls;
  });
}

/** True when some identifier under `node` refers to a variable declared inside the loop (its header included). */
function declaredIn(file: FileFacts, node: Node | null, loop: Node): boolean {
  let found = false;
  if (node) {
    walk(node, (n) => {
      if (found) return false;
      if (n.type !== 'identifier') return;
      const decl = file.lookup(n.text, n)?.decl?.node;
      if (decl && contains(loop, decl)) found = true;
    });
  }
  return found;
}

/**
 * True when the iteration waits, after `site`, for what it started: a `.Wait()` call or a
 * receive in the loop body's own code. The goroutine is then done before the variable changes.
 */
function waitsInIteration(loop: Node, site: Node): boolean {
  let waits = false;
  walk(loop.childForFieldName('body')!, (n) => {
    if (waits || FUNCTION_TYPES.has(n.type)) return false;
    if (n.startIndex < site.endIndex) return;
    if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '<-') waits = true;
    else if (n.type === 'call_expression' && callParts(n)?.name === 'Wait' && callParts(n)?.receiver) waits = true;
    else if (n.type === 'select_statement') waits = true;
  });
  return waits;
}

/** True when the loop body ends in `break` or `return` right after the statement holding `site`: no later iteration. */
function leavesAfter(loop: Node, site: Node): boolean {
  const stmts = blockStatements(loop.childForFieldName('body'));
  const i = stmts.findIndex((s) => contains(s, site));
  const last = stmts.at(-1);
  return i >= 0 && i === stmts.length - 2 && (last?.type === 'return_statement' || (last?.type === 'break_statement' && last.namedChildCount === 0));
}

/** The first identifier in the closure that refers to the loop variable (not a shadowing declaration, not a struct key). */
function captureOf(file: FileFacts, lit: Node, lv: LoopVar, from = 0): Node | undefined {
  let found: Node | undefined;
  walk(lit, (n) => {
    if (found || n.endIndex <= from) return false;
    if (n.type !== 'identifier' || n.text !== lv.name || n.startIndex < from) return;
    // `T{name: x}`: a field name (or a map key we cannot tell from one).
    if (n.parent?.type === 'literal_element' && n.parent.parent?.type === 'keyed_element' && n.parent.parent.namedChild(0)?.id === n.parent.id) return;
    if (file.lookup(n.text, n)?.decl?.node.id === lv.node.id) found = n;
  });
  return found;
}

/** `v := v` at the top of the loop body, unless the body assigns `v` (the copy would take that write away from the loop). */
function shadowFix(file: FileFacts, lv: LoopVar, body: Node): Fix[] {
  const first = blockStatements(body)[0];
  if (!first) return [];
  let written = false;
  walk(body, (n) => {
    if (written) return false;
    if (n.type !== 'identifier' || n.text !== lv.name || file.lookup(n.text, n)?.decl?.node.id !== lv.node.id) return;
    const p = n.parent;
    if (isWriteTarget(n)) written = true;
    else if (p?.type === 'inc_statement' || p?.type === 'dec_statement') written = true;
    else if (p?.type === 'unary_expression' && p.childForFieldName('operator')?.text === '&') written = true;
    else if (p?.type === 'expression_list' && p.parent?.type === 'assignment_statement' && p.parent.childForFieldName('left')?.id === p.id) written = true;
  });
  if (written) return [];
  const edit = insertLinesBefore(file.source, first, [`${lv.name} := ${lv.name}`]);
  return edit ? [{ title: `Copy \`${lv.name}\` for each iteration (\`${lv.name} := ${lv.name}\`)`, edits: [edit], safe: true }] : [];
}
