/** Entry point of the goconc bundle (dist/cli.js). */
import { run } from './run';

run(process.argv.slice(2), {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`goconc: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 2;
  },
);
