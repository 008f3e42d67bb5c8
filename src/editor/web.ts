/** Web-worker extension host entry (dist/web/extension.js: vscode.dev, code-server): the language server runs in its own web worker (dist/web/server.js). */
import { LOADED_AT } from './loaded';
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/browser';
import type { PushWasm, ReadWasmParams } from '../server/protocol';
import type { ClientFactory } from './client';
import { activateExtension, claim, deactivateExtension, loadingExtensionUri, startExtension, type Api, type Started } from './extension';

// The web extension host's globals (the project compiles without DOM types).
interface ServerWorker {
  postMessage(message: unknown): void;
  terminate(): void;
}
declare const Worker: new (url: string) => ServerWorker;
declare const Blob: new (parts: Uint8Array[], options: { type: string }) => unknown;
declare const URL: { createObjectURL(blob: unknown): string };

const WASM_FILES: readonly ReadWasmParams['file'][] = ['web-tree-sitter.wasm', 'tree-sitter-go.wasm'];

/**
 * The server's worker and its client, started while this bundle loads: VS Code builds the
 * ExtensionContext (asking the window for the extension's storage) before it calls `activate`,
 * which took up to 2 s in code-server under load; meanwhile the worker loads its script and
 * the parser, and the first Go file is reviewed (see startExtension).
 */
let early: Promise<Started | undefined> | undefined = startWhileLoading();

function startWhileLoading(): Promise<Started | undefined> | undefined {
  const extensionUri = loadingExtensionUri();
  if (!extensionUri) return undefined;
  try {
    // activate starts them itself when this fails, and reports what fails then
    return startWorker(extensionUri).then(
      (worker) => startOn(worker, extensionUri),
      () => undefined,
    );
  } catch {
    return undefined;
  }
}

/** The client of the server in `worker`; the worker ends with what was started (or when `claim` turns it down). */
function startOn(worker: ServerWorker, extensionUri: vscode.Uri): Started {
  const factory: ClientFactory = (options) => new LanguageClient('goconc', 'Go Concurrency Review', options, worker as never);
  const started = startExtension(factory, extensionUri);
  started.disposables.push({ dispose: () => worker.terminate() });
  return started;
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
  const started = claim(await early?.catch(() => undefined), context);
  early = undefined;
  return activateExtension(context, started ?? startOn(await startWorker(context.extensionUri), context.extensionUri), LOADED_AT);
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
