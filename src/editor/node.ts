/** The desktop extension (dist/extension-main.js, loaded by dist/extension.js): the language server runs as a Node process (dist/server.js) over IPC. */
import { LOADED_AT } from './loaded';
import type { ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import { IPCMessageReader, IPCMessageWriter, LanguageClient, TransportKind, type MessageTransports, type ServerOptions } from 'vscode-languageclient/node';
import type { ClientFactory } from './client';
import { activateExtension, claim, deactivateExtension, loadingExtensionUri, startExtension, type Api, type Started } from './extension';
import { debugging, serverNodeOptions, takeServer } from './serverProcess';
import { describeCodeCache, loadedCodeCache } from '../server/codeCache';

/** The server process the client talks to now. */
let current: ChildProcess | undefined;

/** A client of the server in dist/server.js, inside the extension at `extensionUri`. */
function nodeClient(extensionUri: vscode.Uri): ClientFactory {
  const module = vscode.Uri.joinPath(extensionUri, 'dist', 'server.js').fsPath;
  return (options) => {
    const outputChannel = options.outputChannel;
    // Debugging: the client forks the server itself, with an inspector port.
    const serverOptions: ServerOptions = debugging()
      ? {
          run: { module, transport: TransportKind.ipc, options: { execArgv: serverNodeOptions() } },
          debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010', ...serverNodeOptions()] } },
        }
      : async (): Promise<MessageTransports> => {
          stop(current); // a restart: the old process must not linger
          const { process: child } = takeServer(module);
          current = child;
          // Its own output (a crash's stack, say) goes to the output channel, as the client's own fork does.
          const append = (data: Buffer | string) => outputChannel?.append(data.toString());
          child.stdout?.on('data', append);
          child.stderr?.on('data', append);
          return { reader: new IPCMessageReader(child), writer: new IPCMessageWriter(child) };
        };
    return new LanguageClient('goconc', 'Go Concurrency Review', serverOptions, options);
  };
}

/** VS Code is still busy starting when the first findings come: the code cache is written a little later. */
const SAVE_DELAY_MS = 2000;

/** The client, started while this bundle loads (see startExtension). */
const early = startWhileLoading();
saveCodeCacheAfterFirstFindings(early?.log);

/**
 * Writes this bundle's code cache (nodeLoader.ts) once the first findings have come: by then the
 * client's start and its handling of a review are compiled too.
 */
function saveCodeCacheAfterFirstFindings(log: vscode.LogOutputChannel | undefined): void {
  const cache = loadedCodeCache();
  if (cache) log?.info(`extension loaded: ${describeCodeCache(cache)}`);
  if (!cache || cache.state === 'used' || cache.state === 'off') return;
  const listener = vscode.languages.onDidChangeDiagnostics(() => {
    listener.dispose();
    setTimeout(() => cache.save(), SAVE_DELAY_MS).unref();
  });
}

function startWhileLoading(): Started | undefined {
  const uri = loadingExtensionUri();
  try {
    return uri && startExtension(nodeClient(uri), uri);
  } catch {
    return undefined; // activate starts it and reports what fails
  }
}

export function activate(context: vscode.ExtensionContext): Api {
  return activateExtension(context, claim(early, context) ?? startExtension(nodeClient(context.extensionUri), context.extensionUri), LOADED_AT);
}

export async function deactivate(): Promise<void> {
  await deactivateExtension();
  stop(current);
  current = undefined;
}

/** Ends a server process that is still running (the client's shutdown lets it exit by itself first). */
function stop(child: ChildProcess | undefined): void {
  if (child && child.exitCode === null && child.signalCode === null) child.kill();
}
