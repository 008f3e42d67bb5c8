/**
 * `goconc lsp`: the language server over standard input and output, for Neovim, Helix, Zed,
 * Emacs, Sublime Text and any other editor with an LSP client.
 */
import { loadGo } from '../core/syntax/parser';
import { loadWasm, ruleHelpUri, VERSION } from '../cli/meta';
import { nodeFileSystem, stdioConnection } from './nodeConnection';
import { describeCodeCache, loadedCodeCache } from './codeCache';
import { collectWhenIdle } from './idleGc';
import { relaunchedWithPool } from './relaunch';
import { startServer } from './server';

/**
 * Serves until the client sends `exit`. `argv` is the command line after the script (`lsp` and its
 * options): when this process was started without the server's V8 pool (see v8Pool.ts), the
 * server runs in a child started with it, on this process's standard streams.
 */
export function serveStdio(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const script = process.argv[1];
  return (script ? relaunchedWithPool(script, argv, serveHere) : undefined) ?? serveHere();
}

function serveHere(): Promise<number> {
  const connection = stdioConnection();
  const codeCache = loadedCodeCache();
  startServer(connection, {
    loadGo: () => loadGo(loadWasm, { checkMemoryWalk: 'later' }),
    parserIsLocal: true,
    version: VERSION,
    ruleHelpUri,
    fs: nodeFileSystem(),
    idle: (stillIdle) => collectWhenIdle(stillIdle, codeCache?.save),
    startupNote: codeCache && describeCodeCache(codeCache),
  });
  // The server ends the process when the client sends `exit`.
  return new Promise<number>(() => undefined);
}
