/**
 * `goconc lsp`: the language server over standard input and output, for Neovim, Helix, Zed,
 * Emacs, Sublime Text and any other editor with an LSP client.
 */
import { loadGo } from '../core/syntax/parser';
import { loadWasm, ruleHelpUri, VERSION } from '../cli/meta';
import { nodeFileSystem, stdioConnection } from './nodeConnection';
import { describeCodeCache, loadedCodeCache } from './codeCache';
import { collectWhenIdle } from './idleGc';
import { startServer } from './server';

/**
 * Serves until the client sends `exit`. The command's entry (cli/loader.ts) has already started
 * `goconc lsp` again with the server's V8 pool when this process lacked it (see relaunch.ts).
 */
export function serveStdio(): Promise<number> {
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
