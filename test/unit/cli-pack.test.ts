import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BUG, WG_RULE } from './cli-helpers';

const ROOT = resolve(__dirname, '..', '..', '..', '..');

describe('cli: the goconc npm package (npm run pack:cli)', function () {
  this.timeout(120000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'goconc-pack-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('packs the bundle and its WASM files as goconc-<version>.tgz, which npm install -g installs and runs', () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'pack-cli.mjs'), '--no-build', '--out', dir], { cwd: ROOT });
    const tgz = join(dir, `goconc-${version}.tgz`);
    assert.ok(existsSync(tgz), tgz);
    const prefix = join(dir, 'global');
    execFileSync('npm', ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tgz], { stdio: 'pipe' });
    const bin = process.platform === 'win32' ? join(prefix, 'goconc.cmd') : join(prefix, 'bin', 'goconc');
    assert.equal(execFileSync(bin, ['--version']).toString().trim(), `goconc ${version}`);
    const work = join(dir, 'work');
    mkdirSync(work);
    writeFileSync(join(work, 'bug.go'), BUG);
    const r = spawnSync(bin, ['--no-cache', '--rules', WG_RULE, '.'], { cwd: work });
    assert.equal(r.status, 1);
    assert.match(r.stdout.toString(), /^bug\.go:8:3: .* \(waitgroup-add-in-goroutine\)$/m);
    // goconc dump from the installed package: a goroutine dump taken on another machine.
    writeFileSync(
      join(work, 'dump.txt'),
      'goroutine 7 [semacquire, 3 minutes]:\nsync.runtime_Semacquire(0xc000012345?)\n\t/usr/local/go/src/runtime/sema.go:62 +0x25\nsync.(*WaitGroup).Wait(0xc000012340?)\n\t/usr/local/go/src/sync/waitgroup.go:116 +0x48\nexample.com/p.f()\n\t/build/work/bug.go:11 +0x35\n',
    );
    const d = spawnSync(bin, ['dump', 'dump.txt'], { cwd: work });
    assert.equal(d.status, 0, d.stderr.toString());
    assert.match(d.stdout.toString(), /^bug\.go:11: 1 goroutine blocked in semacquire for up to 3 minutes/m);
  });
});
