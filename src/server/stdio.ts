/**
 * `goconc lsp`: the language server over standard input and output, for Neovim, Helix, Zed,
 * Emacs, Sublime Text and any other editor with an LSP client.
 */
import { loadGo } from '../core/syntax/parser';
import { loadWasm, ruleHelpUri, VERSION } from '../cli/meta';
import { nodeFileSystem, stdioConnection } from './nodeConnection';
import { collectWhenIdle } from './idleGc';
import { startServer } from './server';

export function serveStdio(): Promise<number> {
  const connection = stdioConnection();
  startServer(connection, {
    loadGo: () => loadGo(loadWasm),
    parserIsLocal: true,
    version: VERSION,
    ruleHelpUri,
    fs: nodeFileSystem(),
    idle: collectWhenIdle,
  });
  // The server ends the process when the client sends `exit`.
  return new Promise<number>(() => undefined);
}
