/**
 * Entry point of the goconc bundle (dist/cli-main.js, loaded by dist/cli.js through V8's code
 * cache: see loader.ts). The same bundle is the script of the --jobs worker threads: off the main
 * thread it only serves analysis requests.
 */
import { isMainThread } from 'node:worker_threads';
import { loadedCodeCache } from '../server/codeCache';
import { run } from './run';
import { startWorker } from './worker';

if (isMainThread) {
  // `goconc ... | head` closes the pipe early: stop quietly, as other command-line tools do.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  run(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
  }).then(
    (code) => {
      // The functions this run compiled, for the next run's start (once: a cache that was used is kept).
      loadedCodeCache()?.save();
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`goconc: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 2;
    },
  );
} else {
  startWorker();
}
