import * as assert from 'node:assert/strict';
import { DEFAULT_POOL_SIZE, relaunchArgs, serverExecArgv, serverPoolSize } from '../../src/server/v8Pool';

describe("the language server's V8 thread pool (issue 13)", () => {
  const known = new Set(['--v8-pool-size']);

  it('leaves one core to the server: one thread fewer than the cores, at least one, at most V8 default', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 8, 64].map(serverPoolSize), [1, 1, 2, 3, 4, 4, 4]);
    assert.equal(DEFAULT_POOL_SIZE, 4);
  });

  it('passes --v8-pool-size only below the default and only to a runtime that knows it', () => {
    assert.deepEqual(serverExecArgv(2, known), ['--v8-pool-size=1']);
    assert.deepEqual(serverExecArgv(4, known), ['--v8-pool-size=3']);
    assert.deepEqual(serverExecArgv(5, known), []);
    assert.deepEqual(serverExecArgv(2, new Set()), [], 'a runtime without the option gets nothing it would refuse');
  });

  it('starts goconc lsp again only when no pool size was given, keeping its other Node options', () => {
    assert.deepEqual(relaunchArgs(['--require', 'x.js'], '', 2, known), ['--v8-pool-size=1', '--require', 'x.js']);
    assert.equal(relaunchArgs(['--v8-pool-size=2'], '', 2, known), undefined, 'given on the command line');
    assert.equal(relaunchArgs([], '--max-old-space-size=900 --v8-pool-size=3', 2, known), undefined, 'given in NODE_OPTIONS');
    assert.equal(relaunchArgs([], '', 16, known), undefined, 'the default suits the machine');
    assert.equal(relaunchArgs([], '', 2, new Set()), undefined, 'the runtime does not know the option');
  });
});
