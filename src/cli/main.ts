/**
 * Entry point of the goconc bundle (dist/cli.js). The same bundle is the script of the
 * --jobs worker threads: off the main thread it only serves analysis requests.
 */
import { isMainThread } from 'node:worker_threads';
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
