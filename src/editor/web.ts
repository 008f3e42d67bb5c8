/** Web-worker extension host entry (dist/web/extension.js: vscode.dev, code-server): the language server runs in its own web worker (dist/web/server.js). */
import { LOADED_AT } from './loaded';
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/browser';
import type { PushWasm, ReadWasmParams } from '../server/protocol';
import { activateExtension, deactivateExtension, type Api } from './extension';

// The web extension host's globals (the project compiles without DOM types).
interface ServerWorker {
  postMessage(message: unknown): void;
  terminate(): void;
}
declare const Worker: new (url: string) => ServerWorker;
declare const Blob: new (parts: Uint8Array[], options: { type: string }) => unknown;
declare const URL: { createObjectURL(blob: unknown): string };

/** This extension's id (package.json: publisher.name), whose location is known before `activate`. */
const EXTENSION_ID = 'goconc.go-concurrency-review';
const WASM_FILES: readonly ReadWasmParams['file'][] = ['web-tree-sitter.wasm', 'tree-sitter-go.wasm'];

/**
 * The server's worker, started while this bundle loads: VS Code builds the ExtensionContext
 * (asking the window for the extension's storage) before it calls `activate`, which took up to
 * 2 s in code-server under load, and the worker loads its script and the parser meanwhile.
 */
let early: Promise<{ extensionUri: string; worker: ServerWorker }> | undefined = startEarly();

function startEarly(): Promise<{ extensionUri: string; worker: ServerWorker }> | undefined {
  try {
    const extensionUri = vscode.extensions.getExtension(EXTENSION_ID)?.extensionUri;
    if (!extensionUri) return undefined;
    const started = startWorker(extensionUri).then((worker) => ({ extensionUri: extensionUri.toString(), worker }));
    started.catch(() => undefined); // activate starts one itself, and reports what fails then
    return started;
  } catch {
    return undefined;
  }
}

/**
 * Starts the server's worker and sends it the parser's two WASM files, read meanwhile, as a
 * plain message ahead of the client's first (the worker reads its messages in order), so the
 * parser loads before the handshake and is not asked for (READ_WASM) after it. When the files
 * cannot be read here the server asks for them as before.
 */
async function startWorker(extensionUri: vscode.Uri): Promise<ServerWorker> {
  const wasm = Promise.all(WASM_FILES.map(async (file) => [file, await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'dist', file))] as const));
  wasm.catch(() => undefined);
  const worker = new Worker(await serverScriptUrl(extensionUri));
  void wasm.then(
    (files) => worker.postMessage({ goconcWasm: Object.fromEntries(files) } satisfies PushWasm),
    () => undefined,
  );
  return worker;
}

export async function activate(context: vscode.ExtensionContext): Promise<Api> {
  const taken = await early?.catch(() => undefined);
  early = undefined;
  let worker: ServerWorker;
  if (taken && taken.extensionUri === context.extensionUri.toString()) worker = taken.worker;
  else {
    taken?.worker.terminate();
    worker = await startWorker(context.extensionUri);
  }
  return activateExtension(context, (options) => new LanguageClient('goconc', 'Go Concurrency Review', options, worker as never), LOADED_AT);
}

/**
 * Where the worker loads the server from: its http(s) address when the extension is served
 * from one (vscode.dev), else (an extension installed on a remote server, as in code-server,
 * where VS Code refuses workers from remote locations) the script read through the file system
 * into a blob.
 */
async function serverScriptUrl(extensionUri: vscode.Uri): Promise<string> {
  const main = vscode.Uri.joinPath(extensionUri, 'dist', 'web', 'server.js');
  if (main.scheme === 'http' || main.scheme === 'https') return main.toString(true);
  return URL.createObjectURL(new Blob([await vscode.workspace.fs.readFile(main)], { type: 'text/javascript' }));
}

export function deactivate(): Promise<void> {
  return deactivateExtension();
}
