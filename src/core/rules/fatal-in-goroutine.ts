import { insertLinesAfter, replaceNode } from '../findings/edits';
import type { FileFacts, FuncInfo, GoStmt, Param } from '../model/facts';
import type { Node } from '../syntax/parser';
import type { Fix, Report, Rule } from '../findings/rule';
import { blockStatements, callParts, descendants, lineOf, quote, walk } from '../syntax/nodes';
import { offTestGoroutine, runnerOf, testingParamOf, testingType, type Runner } from './support/testgoroutines';

/** The methods that end the calling goroutine with `runtime.Goexit` (FailNow and SkipNow behind them). */
const STOPPERS = /^(Fatal|Fatalf|FailNow|Skip|Skipf|SkipNow)$/;
/** The replacement that records the failure and lets the caller return. Skips have none. */
const SOFT: Record<string, string> = { Fatal: 'Error', Fatalf: 'Errorf', FailNow: 'Fail' };
const CALLS = new Set(['call_expression']);

export const rule: Rule = {
  id: 'fatal-in-goroutine',
  title: 't.Fatal called from a goroutine the test started',
  // Information: on real test suites most of these fail the test cleanly anyway (the test's own
  // timeout reports the failure), so maintainers dismiss them more often than they fix them
  // (docs/precision.md); teams that want them enforced raise the severity.
  severity: 'info',
  category: 'testing',
  docs: {
    summary:
      '`t.Fatal`, `t.FailNow`, `t.Skip` and their variants (on `*testing.T`, `*testing.B`, `*testing.F` or `testing.TB`) are called from a goroutine the test started, where they cannot stop the test.',
    why:
      '`FailNow` and `SkipNow` (which `Fatal`, `Fatalf`, `Skip` and `Skipf` call) stop a test by calling `runtime.Goexit`, which ends the goroutine ' +
      'that calls it. The `testing` package documents that they must be called from the goroutine running the test. Called from another goroutine, ' +
      'they end that goroutine instead: the test function keeps running past the failure, may block waiting for a result that never comes, and ' +
      'when the test has already returned the call panics. testify\'s `require` functions have the same problem; rule `require-in-goroutine` reports them, so that teams can turn them off apart.',
    interleaving: [
      'The test starts a goroutine and hands it `t`.',
      'The goroutine hits an error and calls `t.Fatal`: the test is marked failed and `runtime.Goexit` ends the goroutine, not the test.',
      'The test goes on with the code after the failure (or waits for a value the goroutine will never send); if it has already returned, the late call panics.',
    ],
    bad: `func TestDownloadAll(t *testing.T) {
	var wg sync.WaitGroup
	for _, url := range urls {
		wg.Add(1)
		go func(url string) {
			defer wg.Done()
			if _, err := download(url); err != nil {
				t.Fatalf("download %s: %v", url, err) // ends this goroutine only
			}
		}(url)
	}
	wg.Wait()
}`,
    good: `func TestDownloadAll(t *testing.T) {
	var wg sync.WaitGroup
	for _, url := range urls {
		wg.Add(1)
		go func(url string) {
			defer wg.Done()
			if _, err := download(url); err != nil {
				t.Errorf("download %s: %v", url, err)
				return
			}
		}(url)
	}
	wg.Wait()
}`,
    fixes:
      '**Report with `t.Error` and return** turns `t.Fatal`/`t.Fatalf`/`t.FailNow` into `t.Error`/`t.Errorf`/`t.Fail` followed by `return`, ' +
      'when the call is a statement of the goroutine\'s own body (or of an `if` in it) so that the `return` leaves the goroutine, as `Goexit` did. ' +
      'The test is still marked failed; the goroutine still stops. Skips get no fix.',
  },
  check(ctx) {
    const file = ctx.file;
    const testing = file.importName('testing');
    if (!testing) return;
    const isTestingType = testingType(testing);
    const testingParam = testingParamOf(file, isTestingType);
    for (const call of descendants(file.root, CALLS)) {
      const parts = callParts(call);
      if (!parts?.receiverNode || !STOPPERS.test(parts.name)) continue;
      const t = testingParam(parts.receiverNode);
      const runner = t && runnerOf(file, call, t.fn);
      if (t && runner) ctx.report({ ...offTestGoroutine(call, parts.name, t, runner, false), fixes: softenFix(file, call, parts.name, t.param.name, runner) });
    }

    // `go check(t, v)`: a function of this file that stops the test, started on a goroutine.
    for (const g of file.goStatements) {
      if (!g.call || !g.target?.body || g.target.kind === 'literal') continue;
      for (const [name, arg] of g.bindings) {
        const param = g.target.params.find((p) => p.name === name);
        if (!param || !isTestingType(param.type) || !testingParam(arg)) continue;
        const stop = ownStopper(file, g.target, param);
        if (stop) ctx.report(namedFinding(g, stop, name));
      }
    }
  },
};

/**
 * `t.Fatalf(...)` -> `t.Errorf(...)` and `return`, when the call is a statement of the goroutine's
 * own body, or of if statements in it: there the `return` leaves the goroutine as Goexit did.
 * The literal must have no results (a bare `return` must compile), and no `return` is added when
 * the call is the body's last statement.
 */
function softenFix(file: FileFacts, call: Node, method: string, tName: string, runner: Runner): Fix[] {
  const soft = SOFT[method];
  const stmt = call.parent;
  if (!soft || stmt?.type !== 'expression_statement' || runner.lit.childForFieldName('result')) return [];
  const body = runner.lit.childForFieldName('body');
  for (let p = stmt.parent; p && p.id !== body?.id; p = p.parent) {
    if (p.type !== 'statement_list' && p.type !== 'block' && p.type !== 'if_statement') return [];
  }
  const field = call.childForFieldName('function')!.childForFieldName('field')!;
  const edits = [replaceNode(field, soft)];
  if (blockStatements(body).at(-1)?.id !== stmt.id) {
    const ret = insertLinesAfter(file.source, stmt, ['return']);
    if (!ret) return [];
    edits.push(ret);
  }
  return [{ title: `Report with \`${tName}.${soft}\` and return from the goroutine`, edits, safe: true }];
}

/** The first Fatal/FailNow/Skip call on parameter `param` that runs on the goroutine running `fn` (its own code, in-place or deferred literals). */
function ownStopper(file: FileFacts, fn: FuncInfo, param: Param): Node | undefined {
  let found: Node | undefined;
  walk(fn.body!, (n) => {
    if (found) return false;
    if (n.type === 'func_literal' && !runsHere(n)) return false;
    if (n.type !== 'call_expression') return;
    const parts = callParts(n);
    const recv = parts?.receiverNode;
    if (recv?.type === 'identifier' && STOPPERS.test(parts!.name) && file.lookup(recv.text, recv)?.param === param) found = n;
  });
  return found;
}

/** A literal called in place or deferred: it runs on the goroutine of the code around it. */
function runsHere(lit: Node): boolean {
  const call = lit.parent;
  return call?.type === 'call_expression' && call.childForFieldName('function')?.id === lit.id && call.parent?.type !== 'go_statement';
}

function namedFinding(g: GoStmt, stop: Node, tName: string): Report {
  const name = g.target!.name!;
  const method = callParts(stop)!.name;
  const stopper = /^Skip/.test(method) ? 'SkipNow' : 'FailNow';
  return {
    node: g.node,
    message:
      `\`${name}\` runs on a new goroutine and calls \`${quote(stop, 32)}\`: \`${stopper}\` ends that goroutine, not the test`,
    related: [{ span: { start: stop.startIndex, end: stop.endIndex }, message: `\`${name}\` stops the test here, from the wrong goroutine` }],
    steps: [
      `The test starts \`${name}\` on a new goroutine at line ${lineOf(g.node)}, passing \`${tName}\`.`,
      `\`${name}\` reaches \`${quote(stop)}\` (line ${lineOf(stop)}): \`runtime.Goexit\` ends that goroutine, not the test.`,
      'The test runs on past the failure (or waits for a result that will not come); if it has already returned, the call panics.',
    ],
  };
}
