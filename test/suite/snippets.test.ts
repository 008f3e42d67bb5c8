import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { closeAll, extension, extensionFile, openGo } from './helpers';

interface Contributed {
  language: string;
  path: string;
}

/** The snippets file the manifest contributes for Go. */
function snippetsFile(): string {
  const contributed: Contributed[] = (extension().packageJSON as { contributes?: { snippets?: Contributed[] } }).contributes?.snippets ?? [];
  const go = contributed.find((c) => c.language === 'go');
  assert.ok(go, 'the manifest contributes Go snippets');
  const path = extensionFile(go.path);
  assert.ok(existsSync(path), `${path} exists`);
  return path;
}

type Snippets = Record<string, { prefix: string | string[]; body: string | string[] }>;

/** Every snippet of the file: its prefix and its body as one string. */
function snippets(path: string): { prefix: string; body: string }[] {
  // .code-snippets files are JSON with comments
  const all = JSON.parse(readFileSync(path, 'utf8').replace(/^\s*\/\/.*$/gm, '')) as Snippets;
  return Object.values(all).map((s) => ({
    prefix: Array.isArray(s.prefix) ? s.prefix[0] : s.prefix,
    body: Array.isArray(s.body) ? s.body.join('\n') : s.body,
  }));
}

/** The completion items offered at the end of a Go file that ends with `typed`. */
async function completionsAfter(typed: string): Promise<vscode.CompletionItem[]> {
  const doc = await openGo(`package main\n\n${typed}`);
  const end = doc.positionAt(doc.getText().length);
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, end);
  return list.items;
}

const labelOf = (i: vscode.CompletionItem) => (typeof i.label === 'string' ? i.label : i.label.label);

describe('snippets', () => {
  afterEach(closeAll);

  it('cc-workerpool is offered by completion as a snippet that inserts the worker pool', async () => {
    const pool = snippets(snippetsFile()).find((s) => s.prefix === 'cc-workerpool');
    assert.ok(pool, 'the worker pool snippet exists');
    const items = await completionsAfter('cc-workerpool');
    const item = items.find((i) => labelOf(i) === 'cc-workerpool');
    assert.ok(item, `offered; got ${JSON.stringify(items.map(labelOf).slice(0, 30))}`);
    assert.equal(item.kind, vscode.CompletionItemKind.Snippet);
    const inserted = item.insertText instanceof vscode.SnippetString ? item.insertText.value : String(item.insertText);
    assert.equal(inserted, pool.body, 'the item inserts the snippet body');
    assert.match(inserted, /^func \$\{1:runPool\}\(ctx context\.Context, jobs <-chan \$\{3:Job\}\) <-chan \$\{4:Result\} \{$/m);
  });

  it('every cc- snippet is offered under its prefix after typing `cc-`', async () => {
    const all = snippets(snippetsFile());
    assert.ok(all.length > 1);
    const offered = new Set((await completionsAfter('cc-')).map(labelOf));
    assert.deepEqual(
      all.map((s) => s.prefix).filter((p) => !offered.has(p)),
      [],
      'not offered',
    );
  });
});
