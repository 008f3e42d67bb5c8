/** Web-worker extension host entry (dist/web/extension.js: vscode.dev, code-server): the language server runs in its own web worker (dist/web/server.js). */
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/browser';
import { activateExtension, deactivateExtension, type Api } from './extension';

// The web extension host's globals (the project compiles without DOM types).
declare const Worker: new (url: string) => never;
declare const Blob: new (parts: Uint8Array[], options: { type: string }) => unknown;
declare const URL: { createObjectURL(blob: unknown): string };

export async function activate(context: vscode.ExtensionContext): Promise<Api> {
  const worker = new Worker(await serverScriptUrl(context));
  return activateExtension(context, (options) => new LanguageClient('goconc', 'Go Concurrency Review', options, worker));
}

/**
 * Where the worker loads the server from: its http(s) address when the extension is served
 * from one (vscode.dev), else (an extension installed on a remote server, as in code-server,
 * where VS Code refuses workers from remote locations) the script read through the file system
 * into a blob.
 */
async function serverScriptUrl(context: vscode.ExtensionContext): Promise<string> {
  const main = vscode.Uri.joinPath(context.extensionUri, 'dist', 'web', 'server.js');
  if (main.scheme === 'http' || main.scheme === 'https') return main.toString(true);
  return URL.createObjectURL(new Blob([await vscode.workspace.fs.readFile(main)], { type: 'text/javascript' }));
}

export function deactivate(): Promise<void> {
  return deactivateExtension();
}
