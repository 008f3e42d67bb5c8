/**
 * The desktop language server's process, started as soon as the extension's bundle loads.
 *
 * The entry point starts the language client while its bundle loads, without waiting for VS Code
 * to build the ExtensionContext and call `activate` (see editor/extension.ts: startExtension).
 * Forked here, first thing, the server's Node process starts while the rest of the bundle (the
 * client library) is still being evaluated, and the client takes it over when it starts.
 * Later starts (a restart after a crash) fork a fresh process, as the client always did.
 *
 * The fork is the one vscode-languageclient makes for `TransportKind.ipc`: the same arguments,
 * environment (less what the server has no use for, see server/environment.ts) and silent stdio,
 * whose output goes to the extension's output channel; its Node options are
 * {@link serverNodeOptions}.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { serverEnvironment } from '../server/environment';
import { serverExecArgv } from '../server/v8Pool';

const SHARED = Symbol.for('goconc.earlyServer');

/** A process nobody takes over (activation failed) goes away after this long. */
const UNCLAIMED_MS = 60_000;

/** dist/server.js, next to this bundle (dist/extension.js or dist/extension-main.js). */
export const SERVER_MODULE = join(__dirname, 'server.js');

/** True when the extension host is being debugged: the client then starts the server itself, with --inspect. */
export function debugging(execArgv: readonly string[] = process.execArgv): boolean {
  return execArgv.some((a) => /^--(debug|debug-brk|inspect|inspect-brk)(=|$)/.test(a));
}

/**
 * The Node options of the server's process: V8's pool (server/v8Pool.ts), and `gc` exposed from
 * the start for the idle collection (server/idleGc.ts). Exposed later, at run time, it would
 * change V8's flags, and V8 rejects a code cache made under other flags (server/codeCache.ts).
 */
export function serverNodeOptions(): string[] {
  return ['--expose-gc', ...serverExecArgv()];
}

/** Forks the server as vscode-languageclient does for an IPC transport. */
export function forkServer(module = SERVER_MODULE): ChildProcess {
  return fork(module, ['--node-ipc', `--clientProcessId=${process.pid}`], {
    env: { ...serverEnvironment(), ELECTRON_RUN_AS_NODE: '1', ELECTRON_NO_ASAR: '1' },
    execArgv: serverNodeOptions(),
    silent: true,
  });
}

/**
 * The early process, kept where both desktop bundles see it: the loader (dist/extension.js,
 * nodeLoader.ts) forks it first thing, and the extension (dist/extension-main.js) takes it over.
 */
const shared = ((globalThis as { [SHARED]?: { early?: { process: ChildProcess; timer: ReturnType<typeof setTimeout> } } })[SHARED] ??= {});

/** Starts the server ahead of the client (not when debugging, nor when the fork fails: the client forks it then). */
export function startEarly(module = SERVER_MODULE): ChildProcess | undefined {
  if (shared.early || debugging()) return shared.early?.process;
  try {
    const child = forkServer(module);
    child.on('error', () => undefined); // a failed spawn: the client forks again and reports it
    const timer = setTimeout(() => {
      if (shared.early?.process === child) shared.early = undefined;
      child.kill();
    }, UNCLAIMED_MS);
    timer.unref?.();
    shared.early = { process: child, timer };
    return child;
  } catch {
    shared.early = undefined;
    return undefined;
  }
}

/** The early process if it is still alive (once: a later call forks a fresh one), else a new fork. */
export function takeServer(module = SERVER_MODULE): { process: ChildProcess; early: boolean } {
  const e = shared.early;
  shared.early = undefined;
  if (e) {
    clearTimeout(e.timer);
    if (e.process.exitCode === null && e.process.signalCode === null && e.process.connected) return { process: e.process, early: true };
    e.process.kill();
  }
  return { process: forkServer(module), early: false };
}
