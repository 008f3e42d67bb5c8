import type { FileFacts, FuncInfo } from '../model/facts';
import type { FuncSummary, PackageView, ServeLoop } from '../model/package';
import { baseName } from '../model/locks';
import type { Node } from '../syntax/parser';
import type { Rule } from '../findings/rule';
import { eol, indentAt } from '../findings/edits';
import { descendants, lineOf, unparen } from '../syntax/nodes';

export const rule: Rule = {
  id: 'goroutine-outlives-test',
  title: 'Test starts a serving goroutine and never stops it',
  // Test hygiene: the goroutine dies with the test binary, but it keeps running into later tests
  // and makes goleak (and the Go 1.27 leak profile) fail.
  severity: 'info',
  category: 'testing',
  docs: {
    summary:
      'A test calls a constructor of the package that starts a serving loop in a goroutine (`go s.run()`, ended by `Stop` or `Close`), and never calls the method that ends it.',
    why:
      'A constructor such as `NewServer` often starts the type\'s loop with `go s.run()`; the loop runs until `Stop` or `Close` closes its stop ' +
      'channel. A test that builds the value and forgets to stop it leaves the goroutine running for the rest of the test binary: it keeps ' +
      'timers, sockets and memory alive, it can act on shared state while later tests run (flaky failures far from the cause), and it makes ' +
      '`goleak.VerifyNone` or the goroutine leak profile report a leak. `defer s.Stop()` (or `t.Cleanup(s.Stop)`) right after the constructor ' +
      'ends it with the test.',
    interleaving: [
      '`TestSubmit` calls `NewServer()`, which starts `go s.run()`.',
      'The test checks what it needs and returns; nothing calls `s.Stop()`.',
      '`run` goes on waiting in its select for the rest of the test binary, and goleak reports it.',
    ],
    bad: `func TestSubmit(t *testing.T) {
	s := NewServer()
	if err := s.Submit(req); err != nil {
		t.Fatal(err)
	}
}`,
    good: `func TestSubmit(t *testing.T) {
	s := NewServer()
	defer s.Stop()
	if err := s.Submit(req); err != nil {
		t.Fatal(err)
	}
}`,
    fixes: '**Stop it when the test ends** adds `defer s.Stop()` after the constructor call.',
  },
  check(ctx) {
    const file = ctx.file;
    if (!file.isTest || !file.text.includes('testing')) return;
    const view = ctx.package;
    for (const fn of file.functions) {
      if (fn.kind !== 'function' || !/^Test/.test(fn.name ?? '') || !fn.body) continue;
      for (const decl of file.locals(fn)) {
        const call = decl.init && unparen(decl.init);
        const m = decl.multi;
        const ctor = call?.type === 'call_expression' ? call : m && m.index === 0 ? m.call : undefined;
        const name = ctor?.childForFieldName('function');
        if (!ctor || name?.type !== 'identifier') continue;
        const started = startsLoop(view, name.text);
        if (!started) continue;
        if (!onlyMethodCalls(file, fn, decl.name, decl.node, started.stoppers)) continue;
        const { loopFn, loop, stoppers, noArgs } = started;
        const where = loopFn.file === file.fileName ? `line ${loop.line}` : `${baseName(loopFn.file)}:${loop.line}`;
        const stop = stoppers[0];
        ctx.report({
          node: ctor,
          message: `\`${name.text}\` starts \`${loopFn.name}\`, which loops until \`${stop}\`: this test never calls \`${decl.name}.${stop}()\`, so \`${loopFn.name}\` outlives it`,
          related: loopFn.file === file.fileName ? loop.stops.map((s) => ({ span: { start: s.start, end: s.end }, message: `\`${loopFn.name}\` loops until this case` })) : [],
          steps: [
            `\`${name.text}\` (line ${lineOf(ctor)}) starts \`${loopFn.name}\` in a goroutine; it loops until \`${stop}\` stops it (${where}).`,
            `\`${fn.name}\` returns without calling \`${decl.name}.${stop}()\`.`,
            `\`${loopFn.name}\` keeps running into the tests that follow; goleak reports it.`,
          ],
          fixes: noArgs.length > 0 ? deferStop(file, ctor, decl.name, noArgs[0]) : [],
        });
      }
    }
  },
};

/**
 * When `ctor` (a package function) returns a value of a type T whose serving loop it starts in a
 * goroutine, and T has methods that end the loop (close or send on its stop channel): the loop and
 * the names of those methods.
 */
function startsLoop(view: PackageView, ctor: string): { loopFn: FuncSummary; loop: ServeLoop; stoppers: string[]; noArgs: string[] } | undefined {
  const fn = view.func(ctor);
  const type = fn?.results?.[0]?.replace(/^\*/, '');
  if (!fn || fn.receiverType || !type || !/^\w+$/.test(type)) return undefined;
  for (const op of fn.ops) {
    if (op.kind !== 'call' || op.context !== 'goroutine' || !op.target.startsWith(type + '.')) continue;
    const loopFn = view.func(op.target);
    for (const loop of loopFn?.serves ?? []) {
      const stops = new Set(loop.stops.map((s) => s.target).filter((t): t is string => !!t && t.startsWith(type + '.') && !t.endsWith('.Done()')));
      if (stops.size === 0) continue;
      const direct = [...view.functions].filter((m) => m.receiverType === type && m.ops.some((o) => (o.kind === 'close' || o.kind === 'send') && stops.has(o.target)));
      // And methods that call one of those (`Close` calling `Stop`).
      const keys = new Set(direct.map((m) => m.key));
      const stoppers = [...direct, ...[...view.functions].filter((m) => m.receiverType === type && !keys.has(m.key) && m.ops.some((o) => o.kind === 'call' && keys.has(o.target)))];
      if (stoppers.length > 0) return { loopFn: loopFn!, loop, stoppers: stoppers.map((m) => m.name), noArgs: stoppers.filter((m) => (m.params ?? []).length === 0).map((m) => m.name) };
    }
  }
  return undefined;
}

/**
 * Every use of the variable is a method call on it (`s.Submit(...)`) other than the stoppers: it
 * is not handed to a helper, a cleanup, a return or a field, any of which may stop it.
 */
function onlyMethodCalls(file: FileFacts, fn: FuncInfo, name: string, declNode: Node, stoppers: readonly string[]): boolean {
  for (const id of descendants(fn.body!, 'identifier')) {
    if (id.text !== name || id.id === declNode.id || file.lookup(name, id)?.decl?.node.id !== declNode.id) continue;
    const sel = id.parent;
    // `_ = s`: used to keep the compiler quiet.
    if (sel?.type === 'expression_list' && sel.parent?.type === 'assignment_statement' && sel.parent.childForFieldName('left')?.text === '_') continue;
    if (sel?.type !== 'selector_expression' || sel.childForFieldName('operand')?.id !== id.id) return false;
    const method = sel.childForFieldName('field')?.text ?? '';
    const call = sel.parent;
    // A field read (`s.addr`) that goes nowhere else cannot stop the loop.
    if (call?.type !== 'argument_list' && !(call?.type === 'call_expression' && call.childForFieldName('function')?.id === sel.id)) {
      if (call?.type === 'selector_expression' || call?.type === 'expression_list' || call?.type === 'binary_expression') continue;
      return false;
    }
    if (call.type !== 'call_expression') return false;
    if (stoppers.includes(method)) return false;
  }
  return true;
}

/** `defer s.Stop()` on the line after `s := NewServer()`, for a stopper that takes no arguments. */
function deferStop(file: FileFacts, ctor: Node, name: string, stop: string) {
  const stmt = ctor.parent?.type === 'expression_list' ? ctor.parent.parent : ctor.parent;
  if (stmt?.type !== 'short_var_declaration' || stmt.parent?.type !== 'statement_list') return [];
  const src = file.source;
  const line = src.lineAt(stmt.endIndex);
  if (src.lineAt(stmt.startIndex) !== line) return [];
  const after = file.text.slice(stmt.endIndex, src.lineEnd(line));
  if (after.trim() !== '' && !after.trim().startsWith('//')) return [];
  // A constructor that also returns an error is checked first; the defer goes after that check.
  if (stmt.childForFieldName('left')?.namedChildren.length !== 1) return [];
  const indent = indentAt(src, stmt.startIndex);
  const nl = eol(src);
  const at = src.lineEnd(line);
  return [{ title: `Stop it when the test ends: \`defer ${name}.${stop}()\``, edits: [{ start: at, end: at, newText: `${nl}${indent}defer ${name}.${stop}()` }], safe: false }];
}
