/**
 * The server's start (issue 13): the warm-up review a server runs while it waits, the timeline it
 * logs with its first findings, the WASM a web worker is sent ahead of the protocol, and the
 * desktop server's process started while the extension loads.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../src/core/analyze';
import { RULES } from '../../src/core/rules';
import type { GoLanguage } from '../../src/core/syntax/parser';
import { debugging, forkServer, startEarly, takeServer } from '../../src/editor/serverProcess';
import { serverEnvironment } from '../../src/server/environment';
import { isPushWasm } from '../../src/server/protocol';
import { StartupTimeline } from '../../src/server/startup';
import { warmUp, WARM_UP_SOURCE } from '../../src/server/warmup';
import { loadGoForTests, TESTDATA } from '../helpers';

describe('server start: warm-up review', () => {
  let go: GoLanguage;
  before(async () => {
    go = await loadGoForTests();
  });

  it('runs every rule once when nothing stops it, and none when stopped at once', async () => {
    assert.equal((await warmUp(go, () => false)).rules, RULES.length);
    assert.equal((await warmUp(go, () => true)).rules, 0);
  });

  it('stops between steps: the first is the parse alone, the second one rule', async () => {
    let asked = 0;
    assert.equal((await warmUp(go, () => ++asked > 1)).rules, 0);
    asked = 0;
    assert.equal((await warmUp(go, () => ++asked > 2)).rules, 1);
  });

  it('reviews a sample every rule parses without syntax errors, and leaves later reviews as they were', async () => {
    assert.equal(analyze(go, WARM_UP_SOURCE, { fileName: 'warmup.go' }).syntaxErrors, false);
    const text = WARM_UP_SOURCE.replace('package warmup', 'package other');
    const fixture = join(TESTDATA, 'goroutine-send-leak');
    const before = analyze(go, text, { fileName: join(fixture, 'x.go') }).findings;
    await warmUp(go, () => false);
    assert.deepEqual(analyze(go, text, { fileName: join(fixture, 'x.go') }).findings, before);
    assert.ok(before.length > 0, 'the sample has findings, so the comparison compares something');
  });
});

describe('server start: timeline', () => {
  it('keeps the first time of each step and reports them in order, once', () => {
    const t = new StartupTimeline();
    t.mark('opened');
    t.mark('initialize');
    t.mark('opened');
    const line = t.report('/w/a.go', 12);
    assert.match(line ?? '', /^first review of \/w\/a\.go published \d+ ms after the server's process started \(its own analysis 12 ms\): opened \d+, initialize \d+, published \d+$/);
    assert.equal(t.report('/w/a.go', 3), undefined);
  });
});

describe('server start: the WASM a web worker is sent', () => {
  it('is told from the protocol messages', () => {
    assert.equal(isPushWasm({ goconcWasm: { 'tree-sitter-go.wasm': new Uint8Array(1) } }), true);
    for (const m of [{ jsonrpc: '2.0', id: 1, method: 'initialize' }, { goconcWasm: null }, null, 'goconcWasm', 1]) assert.equal(isPushWasm(m), false, JSON.stringify(m));
  });
});

describe('server start: the desktop server process started while the extension loads', function () {
  this.timeout(20000);
  let dir: string;
  let module: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'goconc-early-'));
    module = join(dir, 'server.js');
    // Stays up while its IPC channel is open, as the server does.
    writeFileSync(module, "process.on('disconnect', () => process.exit(0)); process.on('message', () => undefined);\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is taken over once by the client, which forks a fresh one on a restart', async () => {
    startEarly(module);
    const first = takeServer(module);
    const second = takeServer(module);
    try {
      assert.equal(first.early, true);
      assert.equal(second.early, false);
      assert.notEqual(first.process.pid, second.process.pid);
      assert.ok(first.process.connected && second.process.connected, 'both over IPC');
    } finally {
      first.process.kill();
      second.process.kill();
    }
  });

  it('is forked by the loader bundle and taken over by the extension bundle: two copies of the module share it', () => {
    const path = require.resolve('../../src/editor/serverProcess');
    const loaded = require.resolve('../../src/editor/loaded');
    const fresh = <T>(p: string): T => {
      delete require.cache[p];
      return require(p) as T;
    };
    type Processes = typeof import('../../src/editor/serverProcess');
    const loader = fresh<Processes>(path);
    const extension = fresh<Processes>(path);
    assert.notEqual(loader, extension, 'two copies, as in dist/extension.js and dist/extension-main.js');
    const forked = loader.startEarly(module);
    const taken = extension.takeServer(module);
    try {
      assert.ok(forked);
      assert.equal(taken.early, true);
      assert.equal(taken.process.pid, forked.pid);
    } finally {
      taken.process.kill();
    }
    assert.equal(fresh<{ LOADED_AT: number }>(loaded).LOADED_AT, fresh<{ LOADED_AT: number }>(loaded).LOADED_AT, 'one time for both');
  });

  it('is replaced by a fresh fork when it died before the client came', async () => {
    const early = startEarly(module);
    assert.ok(early, 'started');
    const exited = new Promise((r) => early.once('exit', r));
    early.kill('SIGKILL');
    await exited;
    const taken = takeServer(module);
    try {
      assert.equal(taken.early, false);
      assert.notEqual(taken.process.pid, early.pid);
      assert.ok(taken.process.connected);
    } finally {
      taken.process.kill();
    }
  });

  it("gets the extension host's environment, less the certificate bundle Node would read as it starts", async () => {
    const script = join(dir, 'env.js');
    writeFileSync(script, "process.send({ extra: process.env.NODE_EXTRA_CA_CERTS ?? null, marker: process.env.GOCONC_TEST_MARKER ?? null, node: process.env.ELECTRON_RUN_AS_NODE ?? null }, () => process.exit(0));\n");
    const saved = { extra: process.env.NODE_EXTRA_CA_CERTS, marker: process.env.GOCONC_TEST_MARKER };
    process.env.NODE_EXTRA_CA_CERTS = join(dir, 'no-such-bundle.pem');
    process.env.GOCONC_TEST_MARKER = 'kept';
    try {
      const child = forkServer(script);
      const seen = await new Promise((resolve) => child.once('message', resolve));
      assert.deepEqual(seen, { extra: null, marker: 'kept', node: '1' });
    } finally {
      for (const [key, value] of [['NODE_EXTRA_CA_CERTS', saved.extra], ['GOCONC_TEST_MARKER', saved.marker]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    const env = { NODE_EXTRA_CA_CERTS: '/x.pem', PATH: '/bin' };
    assert.deepEqual(serverEnvironment(env), { PATH: '/bin' });
    assert.deepEqual(env, { NODE_EXTRA_CA_CERTS: '/x.pem', PATH: '/bin' }, "the parent's own is left as it was");
  });

  it('is not started early while the extension host is debugged (the client forks it with an inspector port)', () => {
    assert.equal(debugging(['--inspect=9229']), true);
    assert.equal(debugging(['--inspect-brk']), true);
    assert.equal(debugging(['--max-old-space-size=4096']), false);
  });
});
