/** Desktop extension host entry (dist/extension.js). */
import type * as vscode from 'vscode';
import { activateExtension } from './extension';

export function activate(context: vscode.ExtensionContext): void {
  activateExtension(context);
}

export function deactivate(): void {}
