/** The language server in a web worker (dist/web/server.js: vscode.dev, code-server's web host). */
import { BrowserMessageReader, BrowserMessageWriter, createConnection } from 'vscode-languageserver/browser';
import type { WasmFile } from '../core/syntax/parser';
import { startEditorServer } from './editorHost';
import { isPushWasm } from './protocol';

interface MessageEventLike {
  data: unknown;
  stopImmediatePropagation(): void;
}
declare const self: { addEventListener(type: 'message', listener: (event: MessageEventLike) => void): void };

// The client may post the parser's WASM files before its first message (src/editor/web.ts): they
// are taken here, before the protocol's reader (which would call them invalid) sees them, and the
// parser loads from them at once instead of asking the client after the handshake.
let arrived: (files: ReadonlyMap<WasmFile, Uint8Array>) => void = () => undefined;
const pushed = new Promise<ReadonlyMap<WasmFile, Uint8Array>>((resolve) => (arrived = resolve));
self.addEventListener('message', (event) => {
  if (!isPushWasm(event.data)) return;
  event.stopImmediatePropagation();
  arrived(new Map(Object.entries(event.data.goconcWasm).filter((e): e is [WasmFile, Uint8Array] => e[1] instanceof Uint8Array)));
});

startEditorServer(createConnection(new BrowserMessageReader(self as never), new BrowserMessageWriter(self as never)), { pushedWasm: pushed });
