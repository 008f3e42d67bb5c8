/**
 * dist/cli.js, the goconc command's entry. It loads the command itself (dist/cli-main.js, built
 * from main.ts) through V8's code cache (server/codeCache.ts): the bundle holds the engine and the
 * language server, 1.5 MB that took about 90 ms to load from source (70 from the cache). `goconc
 * lsp` keeps a cache of its own, written when the server is first idle after a review; every other
 * command writes one when it has run. `GOCONC_CODE_CACHE=0` turns both off.
 *
 * `goconc lsp` started without the server's V8 pool starts itself again with it (see
 * server/relaunch.ts) before it loads anything: the child is the one that serves.
 */
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { codeCacheDirectory, runWithCodeCache } from '../server/codeCache';
import { relaunchedWithPool } from '../server/relaunch';
import { lspExtraArguments } from './lspCommand';

const argv = process.argv.slice(2);
const serving = isMainThread && lspExtraArguments(argv)?.length === 0;
const load = (): Promise<number> => {
  runWithCodeCache(join(__dirname, 'cli-main.js'), { name: serving ? 'lsp' : 'cli', directory: codeCacheDirectory() });
  return new Promise<number>(() => undefined); // the command sets its own exit code
};
const script = process.argv[1];
const relaunched = serving && script ? relaunchedWithPool(script, argv, load) : undefined;
if (relaunched) {
  relaunched.then((code) => {
    process.exitCode = code;
  });
} else void load();
