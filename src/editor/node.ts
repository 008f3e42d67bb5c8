/** Desktop extension host entry (dist/extension.js). */
import type * as vscode from 'vscode';
import { activateExtension, type Api } from './extension';

export function activate(context: vscode.ExtensionContext): Api {
  return activateExtension(context);
}

export function deactivate(): void {}
