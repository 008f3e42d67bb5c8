import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { closeAll, extension, extensionFile, openGo } from './helpers';

interface Contributed {
  language: string;
  path: string;
}

/** The snippets file the manifest contributes for Go; it may not have been written yet. */
function snippetsFile(): string | undefined {
  const contributed: Contributed[] = (extension().packageJSON as { contributes?: { snippets?: Contributed[] } }).contributes?.snippets ?? [];
  const go = contributed.find((c) => c.language === 'go');
  const path = go && extensionFile(go.path);
  return path && existsSync(path) ? path : undefined;
}

/** The first snippet of the file: its prefix and its body as one string. */
function firstSnippet(path: string): { prefix: string; body: string } {
  // .code-snippets files are JSON with comments
  const json = readFileSync(path, 'utf8').replace(/^\s*\/\/.*$/gm, '');
  const all = JSON.parse(json) as Record<string, { prefix: string | string[]; body: string | string[] }>;
  const [first] = Object.values(all);
  assert.ok(first, `${path} has a snippet`);
  const prefix = Array.isArray(first.prefix) ? first.prefix[0] : first.prefix;
  return { prefix, body: Array.isArray(first.body) ? first.body.join('\n') : first.body };
}

describe('snippets', () => {
  afterEach(closeAll);

  it('the contributed Go snippets are offered by completion under their prefix', async function () {
    const path = snippetsFile();
    if (!path) this.skip(); // the snippets are still being written
    const { prefix, body } = firstSnippet(path);
    const doc = await openGo(`package main\n\n${prefix}`);
    const end = doc.positionAt(doc.getText().length);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, end);
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    const item = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === prefix);
    assert.ok(item, `"${prefix}" is offered; got ${JSON.stringify(labels.slice(0, 30))}`);
    assert.equal(item.kind, vscode.CompletionItemKind.Snippet);
    const inserted = item.insertText instanceof vscode.SnippetString ? item.insertText.value : String(item.insertText);
    assert.equal(inserted, body, 'the item inserts the snippet body');
  });
});
