/** The language server in a web worker (dist/web/server.js: vscode.dev, code-server's web host). */
import { BrowserMessageReader, BrowserMessageWriter, createConnection } from 'vscode-languageserver/browser';
import { startEditorServer } from './editorHost';

declare const self: unknown;

startEditorServer(createConnection(new BrowserMessageReader(self as never), new BrowserMessageWriter(self as never)));
