/**
 * `goconc lsp` in a process of its own with the server's V8 pool (see v8Pool.ts): the pool's
 * size is fixed when Node starts, so a `goconc lsp` started without it starts itself again. The
 * command's entry does so before it loads the bundle (cli/loader.ts).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { serverEnvironment } from './environment';
import { relaunchArgs } from './v8Pool';

/**
 * Runs `node <the pool's options> script argv...` on this process's standard streams, passing
 * on the signals that end it, and resolves to its exit code; undefined when this process needs
 * no other pool. If the child cannot be started, resolves to what `fallback` resolves to.
 */
export function relaunchedWithPool(script: string, argv: readonly string[], fallback: () => Promise<number>): Promise<number> | undefined {
  const options = relaunchArgs();
  if (!options) return undefined;
  return new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [...options, script, ...argv], { stdio: 'inherit', env: serverEnvironment() });
    let started = false;
    child.on('spawn', () => {
      started = true;
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
    });
    child.on('error', () => {
      if (!started) resolve(fallback());
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1)));
  });
}
