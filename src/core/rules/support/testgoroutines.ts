/**
 * Calls that stop a test (`t.Fatal`, `t.FailNow`, testify's `require`) made on a goroutine the
 * test started: who the test's `t` is, which goroutine runs the call, and the finding that says
 * so. Shared by the rules fatal-in-goroutine and require-in-goroutine.
 */
import { closureRun, type FileFacts, type FuncInfo, type Param } from '../../model/facts';
import type { Node } from '../../syntax/parser';
import type { Report } from '../../findings/rule';
import { FUNCTION_TYPES, capitalise, lineOf, quote } from '../../syntax/nodes';

/** Where a stopping call runs: the goroutine that runs it and what started that goroutine. */
export interface Runner {
  /** The function literal run by the goroutine. */
  lit: Node;
  /** The `go` statement or the `g.Go(...)` call that starts it. */
  start: Node;
  how: 'go' | 'group';
}

/** True for `*testing.T`, `*testing.B`, `*testing.F` and `testing.TB`, with the file's name for the package. */
export function testingType(testing: string): (type: string) => boolean {
  return (type) => type === `*${testing}.T` || type === `*${testing}.B` || type === `*${testing}.F` || type === `${testing}.TB`;
}

/** `t` must be a parameter declared with a testing type, of the function or literal whose code makes the call. */
export function testingParamOf(file: FileFacts, isTestingType: (type: string) => boolean) {
  return (id: Node | undefined): { param: Param; fn: FuncInfo } | undefined => {
    if (id?.type !== 'identifier') return undefined;
    const found = file.lookup(id.text, id);
    return found?.param && found.fn && isTestingType(found.param.type) ? { param: found.param, fn: found.fn } : undefined;
  };
}

/**
 * The goroutine a call runs on when it is not the goroutine of `owner` (the function declaring
 * `t`): the nearest `go func(){...}()` or `g.Go(func...)` literal between them, crossing only
 * literals called in place or deferred (which run on the same goroutine). Undefined when the call
 * runs on owner's goroutine or somewhere syntax cannot place (a callback, `t.Cleanup`, a stored func).
 */
export function runnerOf(file: FileFacts, call: Node, owner: FuncInfo): Runner | undefined {
  for (let p = call.parent; p; p = p.parent) {
    if (!FUNCTION_TYPES.has(p.type)) continue;
    if (p.type !== 'func_literal') return undefined;
    const run = closureRun(file, p);
    if (run.how === 'go') return { lit: p, start: run.stmt, how: 'go' };
    if (run.how === 'group') return { lit: p, start: run.call, how: 'group' };
    if (p.id === owner.node.id || run.how === 'other') return undefined;
  }
  return undefined;
}

function who(fn: FuncInfo): string {
  return fn.name ? `\`${fn.name}\`` : 'the test';
}

function startedBy(r: Runner): string {
  return r.how === 'go' ? `the goroutine started at line ${lineOf(r.start)}` : `the goroutine \`${quote(r.start.childForFieldName('function')!)}\` starts at line ${lineOf(r.start)}`;
}

/**
 * The finding for a call that stops the test (`t.Fatal`, or a testify `require` when
 * `viaRequire`) made on a goroutine other than the test's; the caller adds the fixes.
 */
export function offTestGoroutine(call: Node, method: string, t: { param: Param; fn: FuncInfo }, runner: Runner, viaRequire: boolean): Report {
  const tName = t.param.name;
  const stopper = viaRequire ? `its \`${tName}.FailNow\`` : /^Skip/.test(method) ? '`SkipNow`' : '`FailNow`';
  return {
    node: call,
    message: `\`${quote(call, 32)}\` runs off the test's goroutine: ${stopper} ends this goroutine, not the test`,
    related: [
      { span: { start: runner.start.startIndex, end: runner.start.endIndex }, message: 'the goroutine is started here' },
      { span: { start: t.param.node.startIndex, end: t.param.node.endIndex }, message: `\`${tName}\` belongs to the test's own goroutine` },
    ],
    steps: [
      `${capitalise(who(t.fn))} starts ${startedBy(runner)} and keeps going.`,
      `The goroutine reaches \`${quote(call)}\` (line ${lineOf(call)}): \`runtime.Goexit\` ends the goroutine, not the test.`,
      `${capitalise(who(t.fn))} runs on past the failure (or waits for a result that will not come); if it has already returned, the call panics.`,
    ],
  };
}
