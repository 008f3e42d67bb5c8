import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../helpers';

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : name.endsWith('.ts') ? [p] : [];
  });
}

const NODE_BUILTINS = /^(node:.*|fs|path|os|child_process|http|https|net|url|util|module|crypto|stream|worker_threads|process)(\/.*)?$/;

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3],
  );
}

describe('architecture', () => {
  it('src/core imports neither vscode nor Node built-ins', () => {
    const bad = tsFiles(join(ROOT, 'src', 'core')).flatMap((f) =>
      imports(f)
        .filter((m) => m === 'vscode' || NODE_BUILTINS.test(m))
        .map((m) => `${relative(ROOT, f)} imports ${m}`),
    );
    assert.deepEqual(bad, []);
  });

  it('only src/editor imports vscode', () => {
    const bad = [...tsFiles(join(ROOT, 'src')), ...tsFiles(join(ROOT, 'test', 'unit'))]
      .filter((f) => !f.includes(join('src', 'editor')))
      .filter((f) => imports(f).includes('vscode'))
      .map((f) => relative(ROOT, f));
    assert.deepEqual(bad, []);
  });
});
