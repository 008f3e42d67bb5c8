import * as assert from 'node:assert/strict';
import { contextsInScope, isStopSignal, processLifetime } from '../../src/core/model/context';
import { PackageView, summarizeFile } from '../../src/core/model/package';
import { cancelReturn, returnSkipsNoWork } from '../../src/core/rules/support/cancel-fixes';
import { FileFacts } from '../../src/core/model/facts';
import { GoFile, type GoLanguage } from '../../src/core/syntax/parser';
import type { Node } from '../../src/core/syntax/parser';
import { receivedChannel, walk } from '../../src/core/syntax/nodes';
import { loadGoForTests } from '../helpers';

describe('context facts', () => {
  let go: GoLanguage;
  const parsed: GoFile[] = [];
  before(async () => {
    go = await loadGoForTests();
  });
  after(() => parsed.forEach((f) => f.dispose()));

  function facts(src: string): FileFacts {
    const f = new GoFile(go, src, 'x.go');
    parsed.push(f);
    return new FileFacts(f.root!, f.source, 'x.go');
  }

  /** The first node of `type` whose text is `text`. */
  function find(file: FileFacts, type: string, text: string): Node {
    let found: Node | undefined;
    walk(file.root, (n) => {
      if (!found && n.type === type && n.text === text) found = n;
    });
    assert.ok(found, `${type} ${text}`);
    return found;
  }

  it('finds the ctx variables in scope, nearest first, and skips never-cancelled ones', () => {
    const file = facts(`package p

func f(ctx context.Context, n int) {
	bg := context.Background()
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		mark()
		return nil
	})
	_ = bg
}

func h(ctx context.Context) {
	ctx := 3
	mark()
}
`);
    const names = (call: Node) => contextsInScope(file, call).map((c) => c.name);
    const marks: Node[] = [];
    walk(file.root, (n) => {
      if (n.type === 'call_expression' && n.text === 'mark()') marks.push(n);
    });
    assert.deepEqual(names(marks[0]), ['gctx', 'ctx']);
    assert.deepEqual(names(marks[1]), [], 'a shadowing non-context local hides the parameter');
  });

  it('knows a process-wide context: every caller in the package passes a package-level context, directly or through its own such parameter', () => {
    const file = facts(`package p

import "context"

var appCtx, stopApp = context.WithCancel(context.Background())

func startScanner(ctx context.Context) { go scanLoop(ctx) }

func scanLoop(ctx context.Context) { _ = ctx }

func serveOne(ctx context.Context) { _ = ctx }

func StartExported(ctx context.Context) { _ = ctx }

func boot(req context.Context) {
	startScanner(appCtx)
	serveOne(appCtx)
	serveOne(req)
	StartExported(appCtx)
}
`);
    const testFile = new GoFile(go, `package p

import "context"

func TestScanner(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	startScanner(ctx)
}
`, 'scanner_test.go');
    parsed.push(testFile);
    const tests = new FileFacts(testFile.root!, testFile.source, 'scanner_test.go');
    // A test passing a context of its own does not change what the program passes.
    const view = new PackageView([summarizeFile(file), summarizeFile(tests)]);
    /** The ctx parameter of a function, as seen from its first statement. */
    const ctxOf = (fn: string) => {
      const c = contextsInScope(file, file.functions.find((f) => f.name === fn)!.body!.namedChildren[0]!)[0];
      assert.ok(c, fn);
      return c;
    };
    assert.equal(processLifetime(view, ctxOf('startScanner')), true);
    // Through startScanner's own process-wide parameter.
    assert.equal(processLifetime(view, ctxOf('scanLoop')), true);
    // One caller passes a request's context.
    assert.equal(processLifetime(view, ctxOf('serveOne')), false);
    // Other packages may call an exported function with anything.
    assert.equal(processLifetime(view, ctxOf('StartExported')), false);
  });

  it('builds the return a cancelled function runs, or none when a zero value is not evident', () => {
    const file = facts(`package p

type Stats struct{ N int }

type Box[T any] struct{ v T }

func a(ctx context.Context) {}
func b(ctx context.Context) error { return nil }
func c(ctx context.Context) (int, string, bool, *T, []byte, map[string]int, Stats, error) { return }
func d(ctx context.Context) (when time.Time, err error) { return }
func e(ctx context.Context) (time.Time, error) { return }
func f(ctx context.Context) int { return 0 }
func g(ctx context.Context) (Box[int], error) { return }
`);
    const ret = (name: string) => cancelReturn(file, file.declarations.get(name)!, 'ctx');
    assert.equal(ret('a'), 'return');
    assert.equal(ret('b'), 'return ctx.Err()');
    assert.equal(ret('c'), 'return 0, "", false, nil, nil, nil, Stats{}, ctx.Err()');
    assert.equal(ret('d'), 'return when, ctx.Err()');
    assert.equal(ret('e'), undefined);
    assert.equal(ret('f'), undefined);
    assert.equal(ret('g'), undefined);
  });

  it('knows when a return at a statement skips work after its loop', () => {
    const file = facts(`package p

func f(in []int, out chan int) error {
	for _, v := range in {
		out <- v
		log(v)
	}
	return nil
}

func g(in []int, out chan int) {
	for _, v := range in {
		out <- v + 1
	}
	close(out)
}

func h(in [][]int, out chan int) {
	for _, vs := range in {
		for _, v := range vs {
			out <- v + 2
		}
	}
}
`);
    const send = (text: string) => find(file, 'send_statement', text);
    assert.equal(returnSkipsNoWork(send('out <- v')), true, 'the rest of the iteration and a final return may be skipped');
    assert.equal(returnSkipsNoWork(send('out <- v + 1')), false, 'close(out) after the loop would be skipped');
    assert.equal(returnSkipsNoWork(send('out <- v + 2')), false, 'the outer loop would lose iterations');
  });

  it('recognises stop signals by Done calls, names and Done locals', () => {
    const file = facts(`package p

func f(ctx context.Context, s *server, jobs chan int, terminal chan int) {
	d := ctx.Done()
	<-ctx.Done()
	<-s.closing
	<-stopCh
	<-t.Dying()
	<-d
	<-jobs
	<-terminal
}
`);
    const signals: string[] = [];
    walk(file.root, (n) => {
      const chan = receivedChannel(n);
      if (chan && isStopSignal(chan, file)) signals.push(chan.text);
    });
    assert.deepEqual(signals, ['ctx.Done()', 's.closing', 'stopCh', 't.Dying()', 'd']);
  });
});
