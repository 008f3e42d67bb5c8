/**
 * The desktop server's V8 code cache (src/server/codeCache.ts, issue 13): each case starts fresh
 * Node processes, as VS Code starts the server, and looks at what the loader reported and wrote.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheFileName, codeCacheDirectory, describeCodeCache, writeCache } from '../../src/server/codeCache';
import { ROOT } from '../helpers';

const CODE_CACHE = join(__dirname, '..', '..', 'src', 'server', 'codeCache.js');
const IDLE_GC = join(__dirname, '..', '..', 'src', 'server', 'idleGc.js');

/** A module as the loader runs it: it reports what it sees, and saves the cache when asked. */
const MODULE = `const cache = globalThis[Symbol.for('goconc.codeCache')];
const dep = require('./dep');
if (process.env.COLLECT) require(process.env.COLLECT).collectYoungGeneration();
if (process.env.IDLE) require(process.env.IDLE).collectWhenIdle(() => true, () => cache.save());
if (process.env.SAVE) cache.save();
if (process.env.THROW) throw new Error('the module failed');
exports.answer = dep.value * 2;
process.stdout.write(JSON.stringify({ state: cache.state, dirname: __dirname, filename: __filename, self: module.exports === exports }));
`;

describe('server start: V8 code cache', function () {
  this.timeout(30000);
  let dir: string;
  let cacheDir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'goconc-codecache-'));
    cacheDir = join(dir, 'cache');
    file = join(dir, 'main.js');
    writeFileSync(file, MODULE);
    writeFileSync(join(dir, 'dep.js'), 'exports.value = 21;\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** One start of `file` through the loader, in a process of its own. */
  function start(env: Record<string, string> = {}, execArgv: string[] = [], directory: string | null = cacheDir) {
    const script = `const exports_ = require(${JSON.stringify(CODE_CACHE)}).runWithCodeCache(${JSON.stringify(file)}, { name: 'server', directory: ${directory === null ? 'undefined' : JSON.stringify(directory)} }); process.stdout.write('|' + exports_.answer);`;
    const r = spawnSync(process.execPath, [...execArgv, '-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
    const [report, answer] = r.stdout.split('|');
    return { status: r.status, stderr: r.stderr, seen: report ? (JSON.parse(report) as { state: string; dirname: string; filename: string; self: boolean }) : undefined, answer };
  }
  const caches = () => readdirSync(cacheDir).sort();
  const mine = () => cacheFileName('server', readFileSync(file));

  it('runs the module as require would, with no cache at first; written when asked, used by the next start', () => {
    const first = start({ SAVE: '1' });
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(first.seen, { state: 'absent', dirname: dir, filename: file, self: true });
    assert.equal(first.answer, '42', 'its exports are returned, and its relative require works');
    assert.deepEqual(caches(), [mine()]);
    const written = statSync(join(cacheDir, mine())).mtimeMs;

    const second = start({ SAVE: '1' });
    assert.equal(second.seen?.state, 'used');
    assert.equal(second.answer, '42');
    assert.equal(statSync(join(cacheDir, mine())).mtimeMs, written, 'a cache that was used is not written again');
  });

  it('rejects a damaged cache, runs all the same, and writes a good one', () => {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(join(cacheDir, mine()), Buffer.from('not bytecode at all, not even close'));
    const damaged = start({ SAVE: '1' });
    assert.equal(damaged.status, 0, damaged.stderr);
    assert.equal(damaged.seen?.state, 'rejected');
    assert.equal(damaged.answer, '42');
    assert.equal(start().seen?.state, 'used');
  });

  it('keys the cache by the content: another build starts without, and its save removes the old build for this runtime only', () => {
    start({ SAVE: '1' });
    const old = mine();
    const otherRuntime = 'server-v0.0.1-x64-0123456789abcdef.v8';
    writeFileSync(join(cacheDir, otherRuntime), 'x');
    writeFileSync(join(cacheDir, 'results-1.json'), '{}');
    writeFileSync(file, MODULE + '// the next build\n');
    assert.notEqual(mine(), old);
    const next = start({ SAVE: '1' });
    assert.equal(next.seen?.state, 'absent');
    assert.deepEqual(caches(), [otherRuntime, 'results-1.json', mine()].sort());
  });

  it('is off without a folder, and a folder that cannot be made does not stop the module', () => {
    const off = start({ SAVE: '1' }, [], null);
    assert.equal(off.seen?.state, 'off');
    assert.equal(off.answer, '42');
    writeFileSync(join(dir, 'a-file'), '');
    const blocked = start({ SAVE: '1' }, [], join(dir, 'a-file', 'cache'));
    assert.equal(blocked.status, 0, blocked.stderr);
    assert.equal(blocked.answer, '42');
  });

  it("lets the module's own error through, once", () => {
    const r = start({ THROW: '1' });
    assert.notEqual(r.status, 0);
    assert.equal(r.stderr.match(/Error: the module failed/g)?.length, 1, r.stderr);
    assert.equal(r.seen, undefined, 'nothing after the throw ran');
  });

  it('stays valid after the idle collection when gc is exposed from the start, as VS Code starts the server', () => {
    start({ SAVE: '1', COLLECT: IDLE_GC }, ['--expose-gc']);
    assert.equal(start({}, ['--expose-gc']).seen?.state, 'used');
    // Exposed at run time instead, the flags change and V8 rejects the cache made after it.
    rmSync(cacheDir, { recursive: true, force: true });
    start({ SAVE: '1', COLLECT: IDLE_GC });
    assert.equal(start().seen?.state, 'rejected');
  });

  it("is saved by the idle hook before its first collection, so a server started without --expose-gc (goconc lsp) keeps it", () => {
    const first = start({ IDLE: IDLE_GC });
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(caches(), [mine()]);
    assert.equal(start().seen?.state, 'used');
  });

  it("lives in the CLI's cache folder, unless GOCONC_CODE_CACHE=0 turns it off", () => {
    assert.equal(codeCacheDirectory({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' }), join('/x/cache', 'goconc'));
    assert.equal(codeCacheDirectory({ HOME: '/home/u' }), join('/home/u', '.cache', 'goconc'));
    assert.equal(codeCacheDirectory({ HOME: '/home/u', GOCONC_CODE_CACHE: '0' }), undefined);
  });

  it("says how the bundle was loaded in the server's start-up line", () => {
    assert.equal(describeCodeCache({ state: 'used', compileMs: 34.6, save: () => undefined }), 'code cache used, bundle compiled in 35 ms');
    assert.equal(describeCodeCache({ state: 'off', compileMs: 0.2, save: () => undefined }), 'no code cache');
  });

  it('writes whole files only, and leaves no temporary file behind', () => {
    writeCache(join(cacheDir, 'server-v1-x64-aaaa.v8'), Buffer.from('a'));
    writeCache(join(cacheDir, 'server-v1-x64-bbbb.v8'), Buffer.from('b'));
    assert.deepEqual(caches(), ['server-v1-x64-bbbb.v8']);
    assert.equal(readFileSync(join(cacheDir, 'server-v1-x64-bbbb.v8'), 'utf8'), 'b');
  });

  it("removes other runtimes' caches only once they are a month old", () => {
    writeCache(join(cacheDir, 'server-v1-x64-aaaa.v8'), Buffer.from('a'));
    writeCache(join(cacheDir, 'other-v1-x64-aaaa.v8'), Buffer.from('o'));
    const day = 24 * 60 * 60 * 1000;
    writeCache(join(cacheDir, 'server-v2-x64-cccc.v8'), Buffer.from('c'), Date.now() + 29 * day);
    assert.deepEqual(caches(), ['other-v1-x64-aaaa.v8', 'server-v1-x64-aaaa.v8', 'server-v2-x64-cccc.v8']);
    writeCache(join(cacheDir, 'server-v2-x64-cccc.v8'), Buffer.from('c'), Date.now() + 31 * day);
    assert.deepEqual(caches(), ['other-v1-x64-aaaa.v8', 'server-v2-x64-cccc.v8'], "another name's caches are not this loader's to remove");
  });

  it('the desktop server is loaded through it, and its bundle has no dynamic import left (the cache cannot serve one)', () => {
    const loader = readFileSync(join(ROOT, 'dist', 'server.js'), 'utf8');
    assert.match(loader, /server-main\.js/);
    assert.ok(loader.length < 20_000, `the loader is small (${loader.length} bytes)`);
    assert.doesNotMatch(readFileSync(join(ROOT, 'dist', 'server-main.js'), 'utf8'), /\bimport\(/);
  });
});

describe('goconc: V8 code cache', function () {
  this.timeout(30000);
  let home: string;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'goconc-clicache-'))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const goconc = (env: Record<string, string> = {}) => spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), '--version'], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: home, ...env } });

  it('dist/cli.js is a small loader, and the bundle it loads has no dynamic import left', () => {
    const loader = readFileSync(join(ROOT, 'dist', 'cli.js'), 'utf8');
    assert.match(loader, /cli-main\.js/);
    assert.ok(loader.length < 20_000, `the loader is small (${loader.length} bytes)`);
    assert.doesNotMatch(readFileSync(join(ROOT, 'dist', 'cli-main.js'), 'utf8'), /\bimport\(/);
  });

  it('dist/cli.js loads the command (dist/cli-main.js) through a cache of its own, written by the first run and used by the next', () => {
    const mine = cacheFileName('cli', readFileSync(join(ROOT, 'dist', 'cli-main.js')));
    const first = goconc();
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^goconc \d/);
    assert.deepEqual(readdirSync(join(home, 'goconc')), [mine]);
    const written = statSync(join(home, 'goconc', mine)).mtimeMs;
    const second = goconc();
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stdout, first.stdout);
    assert.equal(statSync(join(home, 'goconc', mine)).mtimeMs, written, 'a cache that was used is not written again');
  });

  it('writes nothing with GOCONC_CODE_CACHE=0', () => {
    const r = goconc({ GOCONC_CODE_CACHE: '0' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(home), []);
  });
});
