/**
 * V8's background threads for a language server process (Node hosts).
 *
 * V8 runs concurrent marking, sweeping and the compilation of hot functions on a pool of worker
 * threads, four by default whatever the machine. On a two-core machine those threads take the
 * core the server's own thread runs on, one scheduler tick (about 4 ms) at a time, in the middle
 * of a keystroke's review: on net/http/server.go the slowest tenth of keystrokes took 22 to 24 ms
 * with the default pool and 14 to 15 ms with one thread, with the median unchanged
 * (docs/benchmark.md, "V8's thread pool"). A server leaves one core to itself: the pool gets one
 * thread fewer than the machine has cores, and never more than V8's default.
 *
 * The size is fixed when Node starts, so it is passed as an option to the server's process:
 * VS Code's desktop client forks it with {@link serverExecArgv}, and `goconc lsp` starts itself
 * again with it (see {@link relaunchArgs}). A runtime that does not know the option gets none.
 */
import { availableParallelism, cpus } from 'node:os';

/** Node's own pool size when `--v8-pool-size` is not given. */
export const DEFAULT_POOL_SIZE = 4;

const OPTION = '--v8-pool-size';

/** The pool a server gets on a machine with `cores` cores: one thread fewer, at least one, at most the default. */
export function serverPoolSize(cores: number): number {
  return Math.max(1, Math.min(DEFAULT_POOL_SIZE, Math.floor(cores) - 1));
}

/** The machine's cores as Node counts them (its estimate of the parallelism available to this process). */
export function machineCores(): number {
  return typeof availableParallelism === 'function' ? availableParallelism() : Math.max(1, cpus().length);
}

/**
 * The Node options for a server process: `--v8-pool-size=N` when N is below the default and the
 * runtime knows the option (Electron's Node does; `allowed` is the runtime's list), else none.
 */
export function serverExecArgv(cores = machineCores(), allowed: ReadonlySet<string> | undefined = process.allowedNodeEnvironmentFlags): string[] {
  const size = serverPoolSize(cores);
  return size < DEFAULT_POOL_SIZE && allowed?.has(OPTION) ? [`${OPTION}=${size}`] : [];
}

/**
 * For `goconc lsp`: the arguments to start this process again with the server's pool, or
 * undefined when it already runs with a pool size of its own (given on the command line or in
 * NODE_OPTIONS) or needs none.
 */
export function relaunchArgs(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env.NODE_OPTIONS,
  cores = machineCores(),
  allowed: ReadonlySet<string> | undefined = process.allowedNodeEnvironmentFlags,
): string[] | undefined {
  const given = (a: string) => a === OPTION || a.startsWith(`${OPTION}=`);
  if (execArgv.some(given) || (nodeOptions ?? '').split(/\s+/).some(given)) return undefined;
  const extra = serverExecArgv(cores, allowed);
  return extra.length > 0 ? [...extra, ...execArgv] : undefined;
}
