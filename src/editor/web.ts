/** Web-worker extension host entry (dist/web/extension.js, vscode.dev and code-server). */
import type * as vscode from 'vscode';
import { activateExtension } from './extension';

export function activate(context: vscode.ExtensionContext): void {
  activateExtension(context);
}

export function deactivate(): void {}
