/** The language server VS Code desktop starts (dist/server-main.js, loaded by dist/server.js), over the IPC channel of its process. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeCodeCache, loadedCodeCache } from './codeCache';
import { startEditorServer } from './editorHost';
import { collectWhenIdle } from './idleGc';
import { ipcConnection, nodeFileSystem } from './nodeConnection';

// The WASM files sit next to this bundle in dist/, and `file:` URIs are on this machine (in a
// remote window too: the server runs where the extension host does): both are read from disk,
// faster than through the client. Other schemes are read by the client.
// Loaded by dist/server.js through V8's code cache, which is written the first time the server is
// idle after a review: the review's functions are compiled by then (codeCache.ts).
const codeCache = loadedCodeCache();
startEditorServer(ipcConnection(), {
  readWasm: async (file) => new Uint8Array(await readFile(join(__dirname, file))),
  fs: (client) => nodeFileSystem(client),
  idle: (stillIdle) => collectWhenIdle(stillIdle, codeCache?.save),
  startupNote: codeCache && describeCodeCache(codeCache),
});
