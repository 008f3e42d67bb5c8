/**
 * `goconc lsp`: the language server over standard input and output, for Neovim, Helix, Zed,
 * Emacs, Sublime Text and any other editor with an LSP client.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadGo } from '../core/syntax/parser';
import { loadWasm, ruleHelpUri, VERSION } from '../cli/meta';
import { stdioConnection } from './nodeConnection';
import { startServer } from './server';

/** The file system path of a `file:` URI; other schemes are not on this disk. */
function localPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

export function serveStdio(): Promise<number> {
  const connection = stdioConnection();
  startServer(connection, {
    loadGo: () => loadGo(loadWasm),
    version: VERSION,
    ruleHelpUri,
    fs: {
      async readFile(uri, maxBytes) {
        const path = localPath(uri);
        if (!path) return undefined;
        try {
          const st = statSync(path);
          return st.isFile() && st.size <= maxBytes ? readFileSync(path, 'utf8') : undefined;
        } catch {
          return undefined;
        }
      },
      async readDirectory(uri) {
        const path = localPath(uri);
        if (!path) return [];
        try {
          return readdirSync(path, { withFileTypes: true }).map((e) => ({ name: e.name, isFile: e.isFile() }));
        } catch {
          return [];
        }
      },
    },
  });
  // The server ends the process when the client sends `exit`.
  return new Promise<number>(() => undefined);
}
