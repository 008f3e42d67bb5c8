import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCacheDir } from '../../src/cli/cache';
import { lastStats } from '../../src/cli/run';
import { ROOT } from '../helpers';
import { BUG, CLEAN, goconc, tree, WG_RULE } from './cli-helpers';

/** A tree of several packages, some with findings, for cache and worker tests. */
function packages(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let p = 0; p < 6; p++) {
    files[`pkg${p}/a.go`] = BUG.replace('package p', `package pkg${p}`);
    files[`pkg${p}/b.go`] = CLEAN.replace('package p', `package pkg${p}`).replace('func g', `func g${p}`);
    files[`pkg${p}/sub/c.go`] = BUG.replace('package p', 'package sub').replace('func f', `func f${p}`);
  }
  return files;
}

describe('cli: cache and worker threads', function () {
  this.timeout(120000);
  let dir: string;
  let remove: () => void;
  let cacheDir: string;
  beforeEach(() => {
    ({ dir, remove } = tree(packages()));
    cacheDir = mkdtempSync(join(tmpdir(), 'goconc-cache-test-'));
  });
  afterEach(() => {
    remove();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('misses, then hits; a changed file re-analyses its package only', async () => {
    const first = await goconc(['--cache-dir', cacheDir, '--format', 'json', '.'], { cwd: dir });
    assert.deepEqual([lastStats!.cacheHits, lastStats!.cacheMisses, lastStats!.analysed], [0, 18, 18]);
    assert.equal(readdirSync(cacheDir).filter((f) => /^results-[\w-]+\.json$/.test(f)).length, 1);
    const second = await goconc(['--cache-dir', cacheDir, '--format', 'json', '.'], { cwd: dir });
    assert.deepEqual([lastStats!.cacheHits, lastStats!.cacheMisses, lastStats!.analysed, lastStats!.threads], [18, 0, 0, 0]);
    assert.equal(second.out, first.out, 'cached results print the same');
    assert.equal(second.code, first.code);
    writeFileSync(join(dir, 'pkg0', 'b.go'), CLEAN.replace('package p', 'package pkg0') + '\nfunc more() {}\n');
    await goconc(['--cache-dir', cacheDir, '-q', '.'], { cwd: dir });
    assert.equal(lastStats!.analysed, 2, 'the two files of pkg0');
    assert.equal(lastStats!.cacheHits, 16);
  });

  it('the options are part of the key; --no-cache neither reads nor writes', async () => {
    await goconc(['--cache-dir', cacheDir, '-q', '.'], { cwd: dir });
    await goconc(['--cache-dir', cacheDir, '-q', '--rules', WG_RULE, '.'], { cwd: dir });
    assert.equal(lastStats!.cacheHits, 0);
    await goconc(['--cache-dir', cacheDir, '-q', '--go-version', '1.21', '.'], { cwd: dir });
    assert.equal(lastStats!.cacheHits, 0);
    await goconc(['--cache-dir', cacheDir, '-q', '--go-version', '1.21', '.'], { cwd: dir });
    assert.equal(lastStats!.cacheHits, 18);
    const empty = mkdtempSync(join(tmpdir(), 'goconc-nocache-'));
    try {
      await goconc(['--no-cache', '--cache-dir', empty, '-q', '.'], { cwd: dir });
      assert.equal(lastStats!.analysed, 18);
      assert.deepEqual(readdirSync(empty), []);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('the Go version from go.mod is part of the key, like --go-version', async () => {
    writeFileSync(join(dir, 'go.mod'), 'module example.com/m\n\ngo 1.21.4\n');
    await goconc(['--cache-dir', cacheDir, '-q', '.'], { cwd: dir });
    assert.equal(lastStats!.cacheMisses, 18);
    await goconc(['--cache-dir', cacheDir, '-q', '--go-version', '1.21', '.'], { cwd: dir });
    assert.equal(lastStats!.cacheHits, 18, 'same version, same key');
    await goconc(['--cache-dir', cacheDir, '-q', '--go-version', '1.22', '.'], { cwd: dir });
    assert.equal(lastStats!.cacheHits, 0);
  });

  it('--stats reports the cache on stderr; a broken cache file is ignored', async () => {
    const r = await goconc(['--cache-dir', cacheDir, '--stats', '-q', '.'], { cwd: dir });
    assert.match(r.err, /^goconc: 18 files in 12 packages; 18 analysed on \d+ threads?; cache 0 hits, 18 misses; 12 findings; \d+ ms/);
    const file = readdirSync(cacheDir).find((f) => f.startsWith('results-'))!;
    writeFileSync(join(cacheDir, file), '{ not json');
    const again = await goconc(['--cache-dir', cacheDir, '-q', '.'], { cwd: dir });
    assert.equal(again.code, 1);
    assert.equal(lastStats!.cacheMisses, 18);
  });

  it('the default cache folder follows XDG_CACHE_HOME, else ~/.cache', () => {
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' }), join('/x/cache', 'goconc'));
    assert.equal(defaultCacheDir({ HOME: '/home/u' }), join('/home/u', '.cache', 'goconc'));
  });

  it('--jobs N gives exactly the output of --jobs 1, on worker threads', async () => {
    const outputs: string[] = [];
    for (const format of ['json', 'sarif', 'text']) {
      const one = await goconc(['--no-cache', '--jobs', '1', '--format', format, '.'], { cwd: dir });
      assert.equal(lastStats!.threads, 1);
      const three = await goconc(['--no-cache', '--jobs', '3', '--format', format, '.'], { cwd: dir });
      assert.equal(lastStats!.threads, 3);
      assert.equal(three.out, one.out, format);
      assert.equal(three.code, one.code);
      outputs.push(one.out);
    }
    assert.equal(JSON.parse(outputs[0]).findings.length, 12);
  });

  it('the bundle (dist/cli.js) runs its own worker threads', () => {
    // A private copy: the bundle's workers load the bundle file again, and dist/ may be rebuilt meanwhile.
    const bin = mkdtempSync(join(tmpdir(), 'goconc-dist-'));
    for (const f of ['cli.js', 'cli-main.js', 'web-tree-sitter.wasm', 'tree-sitter-go.wasm']) copyFileSync(join(ROOT, 'dist', f), join(bin, f));
    after(() => rmSync(bin, { recursive: true, force: true }));
    const cli = join(bin, 'cli.js');
    const env = { ...process.env, XDG_CACHE_HOME: cacheDir };
    const opts = { cwd: dir, encoding: 'utf8' as const, env, timeout: 90_000 };
    const one = spawnSync(process.execPath, [cli, '--no-cache', '--jobs', '1', '--format', 'json', '.'], opts);
    const two = spawnSync(process.execPath, [cli, '--no-cache', '--jobs', '2', '--stats', '--format', 'json', '.'], opts);
    assert.equal(one.status, 1, one.stderr);
    assert.equal(two.status, 1, two.stderr);
    assert.match(two.stderr, /analysed on 2 threads/);
    assert.equal(two.stdout, one.stdout);
    // --fix through the bundle's workers
    const fix = spawnSync(process.execPath, [cli, '--no-cache', '--jobs', '2', '--fix', '.'], opts);
    assert.equal(fix.status, 0, fix.stderr + fix.stdout);
    assert.match(fix.stderr, /fixed 12 findings in 12 files/);
  });
});
