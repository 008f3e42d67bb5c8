import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { ROOT } from '../helpers';

describe('extension package', function () {
  this.timeout(60000);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

  it('the VSIX holds the bundles and both WASM files, nothing from src/ or test/, under 1.5 MB', () => {
    // A VSIX is a zip: its size is close to the deflated sizes of what it holds. The bundles
    // here are the development build; the packaged (minified) ones are smaller still.
    const vsce = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
    const files = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    for (const f of ['package.json', 'dist/extension.js', 'dist/extension-main.js', 'dist/web/extension.js', 'dist/server.js', 'dist/server-main.js', 'dist/web/server.js', 'dist/web-tree-sitter.wasm', 'dist/tree-sitter-go.wasm']) {
      assert.ok(files.includes(f), `${f} is packaged`);
    }
    assert.deepEqual(files.filter((f) => /^(src|test|node_modules|scripts|examples|out)\//.test(f) || f.endsWith('.map')), []);
    for (const step of pkg.contributes.walkthroughs.flatMap((w: { steps: unknown[] }) => w.steps) as { media: { image?: string; markdown?: string } }[]) {
      const media = step.media.image ?? step.media.markdown!;
      assert.ok(files.includes(media), `walkthrough media ${media} is packaged`);
    }
    const bytes = files.reduce((n, f) => n + deflateRawSync(readFileSync(join(ROOT, f))).length, 0);
    assert.ok(bytes < 1.5 * 1024 * 1024, `${bytes} bytes`);
  });

  it('declares what a Go linter extension needs', () => {
    assert.equal(pkg.name, 'go-concurrency-review');
    // A Go document, or a folder that is a Go module (the language server is then running before the first file opens).
    assert.deepEqual(pkg.activationEvents, ['onLanguage:go', 'workspaceContains:go.mod', 'workspaceContains:*/go.mod', 'workspaceContains:*.go']);
    assert.equal(pkg.main, './dist/extension.js');
    assert.equal(pkg.browser, './dist/web/extension.js');
    assert.equal(pkg.bin.goconc, 'dist/cli.js');
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, true);
    assert.equal(pkg.capabilities.virtualWorkspaces, true);
    assert.ok(pkg.categories.includes('Linters') && pkg.categories.includes('Snippets'));
    for (const c of [...pkg.contributes.snippets, ...pkg.contributes.grammars]) {
      assert.ok(statSync(join(ROOT, c.path)).isFile(), `${c.path} exists`);
    }
    for (const cmd of pkg.contributes.commands) assert.match(cmd.command, /^goconc\./);
  });

  it('the CLI bundle starts with a shebang and the web bundle is one self-contained file', () => {
    assert.ok(readFileSync(join(ROOT, 'dist', 'cli.js'), 'utf8').startsWith('#!/usr/bin/env node\n'));
    const web = readFileSync(join(ROOT, 'dist', 'web', 'extension.js'), 'utf8');
    // esbuild references external modules as __toESM(require("x")) or __require("x"). The bare
    // require("fs") inside web-tree-sitter's Node-only branch uses a local createRequire and never
    // runs in a browser, so it is not counted.
    const requires = [...web.matchAll(/(?:__toESM\(require|__require)\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(requires)], ['vscode']);
  });
});
