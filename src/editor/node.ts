/** Desktop extension host entry (dist/extension.js): the language server runs as a Node process (dist/server.js) over IPC. */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import { activateExtension, deactivateExtension, type Api } from './extension';

export function activate(context: vscode.ExtensionContext): Api {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  return activateExtension(
    context,
    (options) =>
      new LanguageClient(
        'goconc',
        'Go Concurrency Review',
        {
          run: { module, transport: TransportKind.ipc },
          debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
        },
        options,
      ),
  );
}

export function deactivate(): Promise<void> {
  return deactivateExtension();
}
