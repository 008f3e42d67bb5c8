import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
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

  // The engine's stages, in the order data flows through them. A file may import from its own
  // stage or an earlier one, never a later one: text -> syntax -> model -> findings -> rules ->
  // present, with analyze.ts (the pipeline) on top; runtime evidence (goroutine dumps, profiles,
  // race reports) is read before it is presented next to the findings.
  const STAGES = ['text', 'syntax', 'model', 'findings', 'rules', 'evidence', 'present'];

  it('src/core is grouped by stage, and no stage imports a later one', () => {
    const core = join(ROOT, 'src', 'core');
    const stageOf = (file: string): number => {
      const top = relative(core, file).split(sep)[0];
      return top.endsWith('.ts') ? STAGES.length : STAGES.indexOf(top);
    };
    const bad: string[] = [];
    for (const f of tsFiles(core)) {
      const from = stageOf(f);
      assert.ok(from >= 0, `${relative(ROOT, f)} is in a stage folder (${STAGES.join(', ')}) or is the pipeline at the top`);
      for (const m of imports(f).filter((x) => x.startsWith('.'))) {
        const to = stageOf(resolve(dirname(f), m));
        if (to > from) bad.push(`${relative(ROOT, f)} (${STAGES[from] ?? 'top'}) imports ${m} (${STAGES[to] ?? 'top'})`);
      }
    }
    assert.deepEqual(bad, []);
    assert.deepEqual(readdirSync(core).filter((n) => n.endsWith('.ts')).sort(), ['analyze.ts']);
  });
});

