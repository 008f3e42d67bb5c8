/**
 * `goconc lsp`: the language server over standard input and output, for Neovim, Helix, Zed,
 * Emacs, Sublime Text and any other editor with an LSP client.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { loadGo } from '../core/syntax/parser';
import { loadWasm, ruleHelpUri, VERSION } from '../cli/meta';
import { nodeFileSystem, stdioConnection } from './nodeConnection';
import { serverEnvironment } from './environment';
import { collectWhenIdle } from './idleGc';
import { startServer } from './server';
import { relaunchArgs } from './v8Pool';

/**
 * Serves until the client sends `exit`. `argv` is the command line after the script (`lsp` and its
 * options): when this process was started without the server's V8 pool (see v8Pool.ts), the
 * server runs in a child started with it, on this process's standard streams.
 */
export function serveStdio(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const relaunch = process.argv[1] ? relaunchArgs() : undefined;
  if (relaunch) return relaunched([...relaunch, process.argv[1]!, ...argv]);
  return serveHere();
}

function serveHere(): Promise<number> {
  const connection = stdioConnection();
  startServer(connection, {
    loadGo: () => loadGo(loadWasm, { checkMemoryWalk: 'later' }),
    parserIsLocal: true,
    version: VERSION,
    ruleHelpUri,
    fs: nodeFileSystem(),
    idle: collectWhenIdle,
  });
  // The server ends the process when the client sends `exit`.
  return new Promise<number>(() => undefined);
}

/**
 * Runs the server in a child process (`node args...`) that reads and writes this process's
 * standard streams, passing on the signals that end it; resolves to its exit code. If the child
 * cannot be started, the server runs here.
 */
function relaunched(args: readonly string[]): Promise<number> {
  return new Promise<number>((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit', env: serverEnvironment() });
    let started = false;
    child.on('spawn', () => {
      started = true;
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
    });
    child.on('error', () => {
      if (!started) resolve(serveHere());
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1)));
  });
}
