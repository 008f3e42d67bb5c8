/**
 * The host of the server when VS Code's client starts it (desktop and web worker): files, folders
 * and the parser's WASM are asked of the client, which reads them through the editor's file
 * system (remote and virtual workspaces, vscode.dev). Rule documentation opens in the editor.
 */
import type { Connection } from 'vscode-languageserver/lib/common/api';
import { loadGo, type WasmFile, type WasmLoader } from '../core/syntax/parser';
import { fromBase64, READ_DIRECTORY, READ_FILE, READ_WASM, type DirectoryEntry, type ReadDirectoryParams, type ReadFileParams, type ReadWasmParams } from './protocol';
import type { FileSystem } from './files';
import { startServer } from './server';

declare const GOCONC_VERSION: string;

const WASM_FILES: readonly WasmFile[] = ['web-tree-sitter.wasm', 'tree-sitter-go.wasm'];

/**
 * `local`: what the server can read itself (the desktop server reads the WASM next to its script
 * and `file:` URIs from the disk; the web worker may be sent the WASM before the handshake,
 * `pushedWasm`); everything else is asked of the client.
 */
export function startEditorServer(
  connection: Connection,
  local: { readWasm?: WasmLoader; pushedWasm?: Promise<ReadonlyMap<WasmFile, Uint8Array>>; fs?: (client: FileSystem) => FileSystem; idle?: (stillIdle: () => boolean) => void; startupNote?: string } = {},
): void {
  const client: FileSystem = {
    readFile: (uri, maxBytes) => connection.sendRequest<string | null>(READ_FILE, { uri, maxBytes } satisfies ReadFileParams).then((t) => t ?? undefined),
    readDirectory: (uri) => connection.sendRequest<DirectoryEntry[]>(READ_DIRECTORY, { uri } satisfies ReadDirectoryParams),
  };
  const askClient: WasmLoader = async (file) => fromBase64(await connection.sendRequest<string>(READ_WASM, { file } satisfies ReadWasmParams));
  let pushed: ReadonlyMap<WasmFile, Uint8Array> = new Map();
  const pushedOrAsk: WasmLoader = async (file) => pushed.get(file) ?? askClient(file);
  // Local once both files are here: the parser can then load before the handshake.
  const pushedBoth = local.pushedWasm?.then((files) => {
    pushed = files;
    return WASM_FILES.every((f) => files.has(f));
  });
  startServer(connection, {
    loadGo: () => loadGo(local.readWasm ?? pushedOrAsk, { checkMemoryWalk: 'later' }),
    parserIsLocal: local.readWasm !== undefined || (pushedBoth ?? false),
    version: typeof GOCONC_VERSION === 'string' ? GOCONC_VERSION : '0.0.0',
    ruleHelpUri: (ruleId) => `command:goconc.showRuleDocs?${encodeURIComponent(JSON.stringify([ruleId]))}`,
    fs: local.fs ? local.fs(client) : client,
    idle: local.idle,
    startupNote: local.startupNote,
  });
}
