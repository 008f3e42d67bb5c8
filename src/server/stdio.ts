/**
 * `goconc lsp`: the language server over standard input and output, for Neovim, Helix, Zed,
 * Emacs, Sublime Text and any other editor with an LSP client.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import RIL from 'vscode-jsonrpc/lib/node/ril';
import { ReadableStreamMessageReader, WriteableStreamMessageWriter } from 'vscode-jsonrpc/lib/common/api';
import { createProtocolConnection } from 'vscode-languageserver-protocol/lib/common/api';
import { createConnection } from 'vscode-languageserver/lib/common/api';
import { loadGo } from '../core/syntax/parser';
import { GoVersions } from '../cli/files';
import { loadWasm, ruleHelpUri, VERSION } from '../cli/meta';
import { startServer } from './server';

const MAX_SIBLINGS = 200;
const MAX_SIBLING_BYTES = 1024 * 1024;

export function serveStdio(): Promise<number> {
  // Built from the libraries' common parts: their Node entry points also bring pipe, socket and
  // child-process transports, which this server does not use (and the bundle must not carry).
  RIL.install();
  let shutdown = false;
  const connection = createConnection(
    (logger) => createProtocolConnection(new ReadableStreamMessageReader(RIL().stream.asReadableStream(process.stdin)), new WriteableStreamMessageWriter(RIL().stream.asWritableStream(process.stdout)), logger),
    {
      initialize: () => undefined,
      get shutdownReceived() {
        return shutdown;
      },
      set shutdownReceived(value: boolean) {
        shutdown = value;
      },
      exit: (code: number) => process.exit(code),
    },
  );
  const versions = new GoVersions();
  const pathOf = (uri: string) => (uri.startsWith('file:') ? fileURLToPath(uri) : uri);
  startServer(connection, {
    loadGo: () => loadGo(loadWasm),
    pathOf,
    version: VERSION,
    ruleHelpUri,
    goVersion: (uri) => (uri.startsWith('file:') ? versions.forFile(pathOf(uri)) : undefined),
    siblings: async (uri) => {
      if (!uri.startsWith('file:')) return [];
      const path = pathOf(uri);
      const dir = dirname(path);
      if (!existsSync(dir)) return [];
      const out: { path: string; text: string }[] = [];
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.go') && n !== basename(path)).slice(0, MAX_SIBLINGS)) {
        const p = join(dir, name);
        try {
          const st = statSync(p);
          if (st.isFile() && st.size <= MAX_SIBLING_BYTES) out.push({ path: p, text: readFileSync(p, 'utf8') });
        } catch {
          // unreadable: left out of the package
        }
      }
      return out;
    },
  });
  // The server ends the process when the client sends `exit`.
  return new Promise<number>(() => undefined);
}
