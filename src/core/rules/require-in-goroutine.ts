import type { Rule } from '../findings/rule';
import { callArgs, callParts, descendants } from '../syntax/nodes';
import { offTestGoroutine, runnerOf, testingParamOf, testingType } from './support/testgoroutines';

const TESTIFY_REQUIRE = 'github.com/stretchr/testify/require';

export const rule: Rule = {
  id: 'require-in-goroutine',
  title: 'testify require called from a goroutine the test started',
  severity: 'info',
  category: 'testing',
  docs: {
    summary: 'A testify `require` assertion runs on a goroutine the test started: when it fails, `FailNow` ends that goroutine, not the test.',
    why:
      'testify\'s `require` functions call `t.FailNow` when the assertion fails, and `FailNow` must run on the goroutine that runs the test. ' +
      'On another goroutine it only ends that goroutine: the test goes on, may wait forever for a value the goroutine was about to send, ' +
      'and panics if it has already returned. The failure has to happen first, so this is a hazard of failing runs; many teams accept it in ' +
      'tests that wait with a timeout, which is why it is its own rule (`fatal-in-goroutine` reports `t.Fatal` itself). Use `assert` in the ' +
      'goroutine and return, or send the error back to the test\'s goroutine and `require` there.',
    interleaving: [
      'The test starts a goroutine and hands it `t`.',
      'The assertion fails: `require` calls `t.FailNow`, which ends the goroutine, not the test.',
      'The test goes on past the failure, or waits for a value the goroutine will not send.',
    ],
    bad: `func TestServe(t *testing.T) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn, err := dial()
		require.NoError(t, err) // ends this goroutine only
		conn.Close()
	}()
	<-done
}`,
    good: `func TestServe(t *testing.T) {
	errs := make(chan error, 1)
	go func() {
		conn, err := dial()
		if err == nil {
			conn.Close()
		}
		errs <- err
	}()
	require.NoError(t, <-errs) // on the test's goroutine
}`,
  },
  check(ctx) {
    const file = ctx.file;
    const testing = file.importName('testing');
    const require = file.importName(TESTIFY_REQUIRE);
    if (!testing || !require) return;
    const testingParam = testingParamOf(file, testingType(testing));
    for (const call of descendants(file.root, 'call_expression')) {
      const parts = callParts(call);
      if (parts?.receiver !== require || parts.receiverNode?.type !== 'identifier' || file.lookup(require, call)) continue;
      const t = testingParam(callArgs(call)[0]);
      const runner = t && runnerOf(file, call, t.fn);
      if (t && runner) ctx.report(offTestGoroutine(call, parts.name, t, runner, true));
    }
  },
};
