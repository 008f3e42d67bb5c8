import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/run';
import { goDirective } from '../../src/cli/files';

const BUG = `package p

import "sync"

func f() {
	var wg sync.WaitGroup
	go func() {
		wg.Add(1)
		defer wg.Done()
	}()
	wg.Wait()
}
`;

async function goconc(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await run(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('goconc CLI', function () {
  this.timeout(20000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'goconc-cli-'));
    writeFileSync(join(dir, 'bug.go'), BUG);
    writeFileSync(join(dir, 'clean.go'), 'package p\n\nfunc g() {}\n');
    for (const skipped of ['vendor', 'testdata', '.hidden']) {
      mkdirSync(join(dir, skipped));
      writeFileSync(join(dir, skipped, 'bug.go'), BUG);
    }
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'bug.go'), BUG);
    symlinkSync(dir, join(dir, 'sub', 'loop')); // a link back up must not be followed
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints path:line:col: rule: message and exits 1 on findings', async () => {
    const r = await goconc(dir);
    assert.equal(r.code, 1);
    const lines = r.out.trim().split('\n');
    assert.deepEqual(lines, [
      `${join(dir, 'bug.go')}:8:3: waitgroup-add-in-goroutine: \`wg.Add(1)\` runs inside the goroutine started at line 7, so \`wg.Wait()\` (line 11) can return before it is counted`,
      `${join(dir, 'sub', 'bug.go')}:8:3: waitgroup-add-in-goroutine: \`wg.Add(1)\` runs inside the goroutine started at line 7, so \`wg.Wait()\` (line 11) can return before it is counted`,
    ]);
  });

  it('exits 0 when there is nothing to report', async () => {
    const r = await goconc(join(dir, 'clean.go'));
    assert.equal(r.code, 0);
    assert.equal(r.out, '');
  });

  it('includes testdata on request and honours --disable and --fail-on', async () => {
    assert.equal((await goconc('--include-testdata', dir)).out.trim().split('\n').length, 3);
    assert.equal((await goconc('--disable', 'waitgroup-add-in-goroutine', dir)).code, 0);
    assert.equal((await goconc('--fail-on', 'error', dir)).code, 0);
    assert.equal((await goconc('--fail-on', 'none', dir)).code, 0);
  });

  it('writes JSON with positions and fixes', async () => {
    const r = await goconc('--format', 'json', join(dir, 'bug.go'));
    const json = JSON.parse(r.out);
    assert.equal(json.version, 1);
    assert.equal(json.findings[0].rule, 'waitgroup-add-in-goroutine');
    assert.deepEqual(json.findings[0].range.start, { line: 7, character: 2 });
    assert.equal(json.findings[0].fixes[0].title, 'Move `wg.Add(1)` before the go statement');
  });

  it('exits 2 with a clear message on bad usage or a missing path', async () => {
    const missing = await goconc(join(dir, 'nope'));
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no such file or directory.*nope/);
    assert.equal((await goconc('--format', 'xml')).code, 2);
    assert.equal((await goconc('--rules', 'no-such-rule')).code, 2);
    assert.equal((await goconc('--bogus')).code, 2);
  });

  it('prints help and version', async () => {
    assert.match((await goconc('--help')).out, /Usage: goconc/);
    assert.match((await goconc('--version')).out, /^goconc \d+\.\d+\.\d+/);
  });

  it('reads the go directive of go.mod', () => {
    assert.equal(goDirective('module x\n\ngo 1.22.3\n'), '1.22');
    assert.equal(goDirective('module x\n'), undefined);
  });
});
