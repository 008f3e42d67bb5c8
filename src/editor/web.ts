/** Web-worker extension host entry (dist/web/extension.js, vscode.dev and code-server). */
import type * as vscode from 'vscode';
import { activateExtension, type Api } from './extension';

export function activate(context: vscode.ExtensionContext): Api {
  return activateExtension(context);
}

export function deactivate(): void {}
