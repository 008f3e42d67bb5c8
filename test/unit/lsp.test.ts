import * as assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheFileName } from '../../src/server/codeCache';
import { serverExecArgv } from '../../src/server/v8Pool';

const ROOT = resolve(__dirname, '..', '..', '..', '..');

/** A minimal LSP client over a child's stdio, as an editor drives a server. */
class Client {
  private buf = Buffer.alloc(0);
  private nextId = 0;
  private readonly pending = new Map<number, (m: Message) => void>();
  private readonly notes: Message[] = [];
  private readonly noteWaiters: { method: string; test: (p: unknown) => boolean; resolve: (p: unknown) => void }[] = [];
  readonly exited: Promise<number | null>;
  /** Answers to the server's requests by method (unknown ones get null). */
  readonly handlers = new Map<string, (params: unknown) => unknown>();
  readonly requestsSeen: string[] = [];
  /** The server's window/logMessage texts, in the order they came. */
  readonly logged: string[] = [];

  constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    proc.stdout.on('data', (d: Buffer) => this.read(d));
    this.exited = new Promise((r) => proc.on('exit', (code) => r(code)));
  }

  private read(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const head = this.buf.indexOf('\r\n\r\n');
      if (head < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(this.buf.subarray(0, head).toString('ascii'))?.[1]);
      if (this.buf.length < head + 4 + len) return;
      const m = JSON.parse(this.buf.subarray(head + 4, head + 4 + len).toString('utf8')) as Message;
      this.buf = this.buf.subarray(head + 4 + len);
      if (m.id !== undefined && !m.method) this.pending.get(m.id)?.(m);
      else if (m.method && m.id !== undefined) {
        // A request of the server's (workspace/configuration, client/registerCapability, ...).
        const answer = this.handlers.get(m.method);
        this.requestsSeen.push(m.method);
        this.write({ id: m.id, result: answer ? answer(m.params) : null });
      } else if (m.method) {
        if (m.method === 'window/logMessage') this.logged.push((m.params as { message: string }).message);
        const w = this.noteWaiters.findIndex((x) => x.method === m.method && x.test(m.params));
        if (w >= 0) this.noteWaiters.splice(w, 1)[0].resolve(m.params);
        else this.notes.push(m);
      }
    }
  }

  private write(m: object): void {
    const text = JSON.stringify({ jsonrpc: '2.0', ...m });
    this.proc.stdin.write(`Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  }

  /** Ends the server if a test left it running (a run filtered by --grep skips the shutdown test). */
  kill(): void {
    if (this.proc.exitCode === null) this.proc.kill();
  }

  request<T>(method: string, params?: unknown): Promise<T> {
    const id = ++this.nextId;
    return new Promise((resolveFn, reject) => {
      this.pending.set(id, (m) => (m.error ? reject(new Error(m.error.message)) : resolveFn(m.result as T)));
      this.write({ id, method, params });
    });
  }

  /** Cancels the last request sent (`$/cancelRequest`). */
  cancelLast(): void {
    this.notify('$/cancelRequest', { id: this.nextId });
  }

  notify(method: string, params: unknown): void {
    this.write({ method, params });
  }

  /** The next notification `method` whose params pass `test` (one that already arrived counts). */
  notification<T>(method: string, test: (p: T) => boolean): Promise<T> {
    const i = this.notes.findIndex((m) => m.method === method && test(m.params as T));
    if (i >= 0) return Promise.resolve(this.notes.splice(i, 1)[0].params as T);
    return new Promise((r) => this.noteWaiters.push({ method, test: test as (p: unknown) => boolean, resolve: r as (p: unknown) => void }));
  }
}

interface Message {
  id?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { message: string };
}

interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  code: string;
  source: string;
  message: string;
  severity: number;
  codeDescription?: { href: string };
}

interface Published {
  uri: string;
  diagnostics: Diagnostic[];
}

const LEAK = `package p

import (
	"context"
	"time"
)

func first(ctx context.Context) int {
	ch := make(chan int)
	go func() {
		ch <- 1
	}()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

func reachable() bool {
	select {
	case ok := <-probe("db"):
		return ok
	case <-time.After(time.Second):
		return false
	}
}
`;

const FIXED = `package p

func first() int {
	return 1
}
`;

// Only on disk, never opened: the server reads it as part of the package.
const SIBLING = `package p

func probe(addr string) <-chan bool {
	up := make(chan bool)
	go func() {
		up <- addr != ""
	}()
	return up
}
`;

describe('goconc lsp: the language server over stdio, driven as an editor does', function () {
  this.timeout(30000);
  let dir: string;
  let client: Client;
  let uri: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'goconc-lsp-'));
    writeFileSync(join(dir, 'probe.go'), SIBLING);
    writeFileSync(join(dir, 'main.go'), LEAK);
    uri = pathToFileURL(join(dir, 'main.go')).href;
    client = new Client(spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'lsp', '--stdio'], { stdio: 'pipe' }));
  });
  after(() => {
    client.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('initializes with diagnostics, quick fixes, fix-all and hovers', async () => {
    const init = await client.request<{ capabilities: { hoverProvider: boolean; codeActionProvider: { codeActionKinds: string[] }; textDocumentSync: { change: number } } }>('initialize', {
      processId: null,
      rootUri: pathToFileURL(dir).href,
      capabilities: {},
    });
    assert.equal(init.capabilities.hoverProvider, true);
    assert.deepEqual(init.capabilities.codeActionProvider.codeActionKinds, ['quickfix', 'source.fixAll.goconc']);
    assert.equal(init.capabilities.textDocumentSync.change, 2);
    client.notify('initialized', {});
  });

  let diagnostics: Diagnostic[] = [];
  it('publishes findings for an opened file, using the package files on disk', async () => {
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: LEAK } });
    const pub = await client.notification<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.diagnostics.length > 0);
    diagnostics = pub.diagnostics;
    const codes = diagnostics.map((d) => `${d.code}:${d.range.start.line + 1}`).sort();
    // The in-file leak, and the leak of the goroutine that probe.go (never opened) starts.
    assert.deepEqual(codes, ['goroutine-send-leak:11', 'goroutine-send-leak:23']);
    assert.ok(diagnostics.every((d) => d.source === 'goconc' && d.severity === 2 && d.codeDescription?.href.includes('goroutine-send-leak')));
    assert.match(diagnostics.find((d) => d.range.start.line === 22)!.message, /the goroutine `probe` started blocks forever on `up <- addr != ""` \(probe\.go:6\)/);
  });

  it('offers the finding\'s quick fix and a fix-all action', async () => {
    const leak = diagnostics.find((d) => d.range.start.line === 10)!;
    const actions = await client.request<{ title: string; kind: string; edit: { changes: Record<string, { newText: string }[]> } }[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: leak.range,
      context: { diagnostics: [leak] },
    });
    const buffer = actions.find((a) => a.kind === 'quickfix');
    assert.equal(buffer?.title, 'Buffer `ch` with capacity 1');
    assert.deepEqual(buffer.edit.changes[uri].map((e) => e.newText), [', 1']);
    assert.ok(actions.some((a) => a.kind === 'source.fixAll.goconc'));
    const only = await client.request<{ kind: string }[]>('textDocument/codeAction', { textDocument: { uri }, range: leak.range, context: { diagnostics: [], only: ['source.fixAll'] } });
    assert.deepEqual(only.map((a) => a.kind), ['source.fixAll.goconc']);
  });

  it('explains a finding on hover, and answers nothing elsewhere', async () => {
    const hover = await client.request<{ contents: { kind: string; value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 10, character: 3 } });
    assert.equal(hover?.contents.kind, 'markdown');
    assert.match(hover.contents.value, /goroutine-send-leak/);
    const none = await client.request<unknown>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
    assert.equal(none, null);
  });

  it('puts a CodeLens over the function that starts a goroutine, pointing at where it may block', async () => {
    const lenses = await client.request<{ range: { start: { line: number } }; command: { title: string; command: string; arguments: unknown[] } }[]>('textDocument/codeLens', { textDocument: { uri } });
    const first = lenses.find((l) => l.range.start.line === 7);
    assert.ok(first, `a lens on func first (line 8); got lines ${lenses.map((l) => l.range.start.line + 1)}`);
    assert.match(first.command.title, /1 goroutine.*1 may leak/);
    assert.equal(first.command.command, 'goconc.goToLocations');
    const [target, , locations, mode] = first.command.arguments as [string, unknown, { range: { start: { line: number } } }[], string];
    assert.equal(target, uri);
    assert.deepEqual(locations.map((l) => l.range.start.line + 1), [11]);
    assert.equal(mode, 'goto');
  });

  it('reviews files that are not open (Review Workspace) and publishes their findings', async () => {
    const closedDir = join(dir, 'worker');
    mkdirSync(closedDir);
    writeFileSync(join(closedDir, 'pool.go'), LEAK.replace('package p', 'package worker').replace(/probe\("db"\)/, 'make(chan bool)'));
    const closed = pathToFileURL(join(closedDir, 'pool.go')).href;
    const published = client.notification<Published>('textDocument/publishDiagnostics', (p) => p.uri === closed);
    const result = await client.request<{ files: number; findings: number; cancelled: boolean }>('goconc/reviewWorkspace', { uris: [closed] });
    assert.deepEqual(result, { files: 1, findings: 1, hints: 0, cancelled: false });
    assert.deepEqual((await published).diagnostics.map((d) => `${d.code}:${d.range.start.line + 1}`), ['goroutine-send-leak:11']);
  });

  it('reports Review Workspace progress on the client\'s token and stops when the request is cancelled', async () => {
    const uris: string[] = [];
    for (let i = 0; i < 60; i++) {
      const d = join(dir, 'many', `pkg${i}`);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'a.go'), `package pkg${i}\n\nfunc f() {}\n`);
      uris.push(pathToFileURL(join(d, 'a.go')).href);
    }
    const begun = client.notification<{ token: string; value: { kind: string } }>('$/progress', (p) => p.token === 'review-1' && p.value.kind === 'begin');
    const ended = client.notification<{ token: string; value: { kind: string } }>('$/progress', (p) => p.token === 'review-1' && p.value.kind === 'end');
    const reply = client.request<{ files: number; cancelled: boolean }>('goconc/reviewWorkspace', { uris, workDoneToken: 'review-1' });
    await begun;
    client.cancelLast();
    const outcome = await reply.then(
      (r) => r,
      (e: Error) => e,
    );
    await ended;
    if (outcome instanceof Error) assert.match(outcome.message, /cancel/i);
    else {
      assert.equal(outcome.cancelled, true);
      assert.ok(outcome.files < uris.length, `stopped early: ${outcome.files} of ${uris.length}`);
    }
  });

  it('clears the findings when an edit fixes the code', async () => {
    client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: FIXED }] });
    const pub = await client.notification<Published & { version?: number }>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 2);
    assert.deepEqual(pub.diagnostics, []);
  });

  it('answers requests on a document it does not have with nothing', async () => {
    const other = pathToFileURL(join(dir, 'missing.go')).href;
    const actions = await client.request<unknown[]>('textDocument/codeAction', { textDocument: { uri: other }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } });
    assert.deepEqual(actions, []);
    assert.equal(await client.request('textDocument/hover', { textDocument: { uri: other }, position: { line: 0, character: 0 } }), null);
  });

  it('shuts down and exits cleanly', async () => {
    client.notify('textDocument/didClose', { textDocument: { uri } });
    assert.equal(await client.request('shutdown'), null);
    client.notify('exit', null);
    assert.equal(await client.exited, 0);
  });
});

describe('goconc lsp: settings pulled from a client that answers workspace/configuration', function () {
  this.timeout(30000);
  let dir: string;
  let server: Client | undefined;
  after(() => {
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks for the goconc section of each document and applies its severity and enable settings', async () => {
    dir = mkdtempSync(join(tmpdir(), 'goconc-lsp-config-'));
    const file = join(dir, 'main.go');
    writeFileSync(file, LEAK);
    const uri = pathToFileURL(file).href;
    const client = (server = new Client(spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'lsp'], { stdio: 'pipe' })));
    let settings: Record<string, unknown> = { severity: { 'goroutine-send-leak': 'error' } };
    const scopes: string[] = [];
    client.handlers.set('workspace/configuration', (p) => {
      const items = (p as { items: { scopeUri?: string; section?: string }[] }).items;
      scopes.push(...items.map((i) => `${i.section}@${i.scopeUri}`));
      return items.map(() => settings);
    });
    await client.request('initialize', { processId: null, rootUri: pathToFileURL(dir).href, capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, didChangeWatchedFiles: { dynamicRegistration: true } } } });
    client.notify('initialized', {});
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: LEAK } });
    const pub = await client.notification<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.diagnostics.length > 0);
    assert.ok(pub.diagnostics.every((d) => d.severity === 1), 'the pulled severity override makes them errors');
    assert.ok(scopes.includes(`goconc@${uri}`), `asked for the document's scope; got ${scopes.join(', ')}`);
    assert.ok(client.requestsSeen.includes('client/registerCapability'), 'registers for configuration changes and watched files');
    settings = { enable: false };
    client.notify('workspace/didChangeConfiguration', { settings: null });
    const cleared = await client.notification<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.diagnostics.length === 0);
    assert.deepEqual(cleared.diagnostics, []);
    assert.equal(await client.request('shutdown'), null);
    client.notify('exit', null);
    assert.equal(await client.exited, 0);
  });
});

describe('goconc lsp: the start, before the first findings (issue 13)', function () {
  this.timeout(30000);
  let dir: string;
  let uri: string;
  const servers: Client[] = [];
  const start = () => {
    const c = new Client(spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'lsp'], { stdio: 'pipe' }));
    servers.push(c);
    return c;
  };
  const caps = { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'goconc-lsp-start-'));
    writeFileSync(join(dir, 'probe.go'), SIBLING);
    writeFileSync(join(dir, 'main.go'), LEAK);
    uri = pathToFileURL(join(dir, 'main.go')).href;
  });
  after(() => {
    for (const s of servers) s.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reviews a document open at the start with the settings the client sent in initializationOptions, and asks for them after a change', async () => {
    const client = start();
    const asked: string[] = [];
    client.handlers.set('workspace/configuration', (p) => {
      const items = (p as { items: { scopeUri?: string }[] }).items;
      asked.push(...items.map((i) => i.scopeUri ?? ''));
      return items.map(() => ({ severity: { 'goroutine-send-leak': 'error' } }));
    });
    await client.request('initialize', {
      processId: null,
      rootUri: pathToFileURL(dir).href,
      capabilities: caps,
      initializationOptions: { goconcOpenDocumentSettings: { [uri]: { severity: { 'goroutine-send-leak': 'hint' } } } },
    });
    client.notify('initialized', {});
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: LEAK } });
    const first = await client.notification<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.diagnostics.length > 0);
    assert.deepEqual(
      first.diagnostics.map((d) => d.severity),
      [4, 4],
      'hints, as initializationOptions said',
    );
    assert.equal(asked.join(', '), '', 'the first review did not ask');
    client.notify('workspace/didChangeConfiguration', { settings: null });
    const changed = await client.notification<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.diagnostics.length > 0);
    assert.deepEqual(
      changed.diagnostics.map((d) => d.severity),
      [1, 1],
      'errors, as the client answers now',
    );
    assert.ok(asked.includes(uri), `asked for the document's settings after the change; asked ${asked.join(', ')}`);
  });

  it("starts from V8's code cache its first start wrote once idle (a cache of its own, beside the command's)", async () => {
    const home = mkdtempSync(join(tmpdir(), 'goconc-lsp-cache-'));
    try {
      const caches = () => (existsSync(join(home, 'goconc')) ? readdirSync(join(home, 'goconc')) : []);
      for (const expected of ['absent', 'used']) {
        const client = new Client(spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'lsp'], { stdio: 'pipe', env: { ...process.env, XDG_CACHE_HOME: home } }));
        servers.push(client);
        await client.request('initialize', { processId: null, rootUri: pathToFileURL(dir).href, capabilities: {} });
        client.notify('initialized', {});
        client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: LEAK } });
        const note = await client.notification<{ message: string }>('window/logMessage', (p) => p.message.startsWith('first review of '));
        assert.match(note.message, new RegExp(`code cache ${expected}, bundle compiled in \\d+ ms`));
        for (let waited = 0; caches().length === 0 && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
        assert.deepEqual(caches(), [cacheFileName('lsp', readFileSync(join(ROOT, 'dist', 'cli-main.js')))]);
        assert.equal(await client.request('shutdown'), null);
        client.notify('exit', null);
        assert.equal(await client.exited, 0);
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('checks how it reads syntax trees once its first findings are out, not before them', async () => {
    const client = start();
    await client.request('initialize', { processId: null, rootUri: pathToFileURL(dir).href, capabilities: {} });
    client.notify('initialized', {});
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: LEAK } });
    await client.notification<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.diagnostics.length > 0);
    await client.notification<{ message: string }>('window/logMessage', (p) => /^syntax trees are /.test(p.message));
    const first = client.logged.findIndex((m) => m.startsWith('first review of '));
    const check = client.logged.findIndex((m) => m.startsWith('syntax trees are '));
    assert.ok(first >= 0 && check > first, client.logged.join('\n'));
    assert.equal(client.logged[check], 'syntax trees are read from WASM memory');
  });

  it('warms the rules up while its client is late, then publishes the same findings as a server that did not wait', async () => {
    const open = async (client: Client): Promise<Diagnostic[]> => {
      await client.request('initialize', { processId: null, rootUri: pathToFileURL(dir).href, capabilities: {} });
      client.notify('initialized', {});
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: LEAK } });
      return (await client.notification<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.diagnostics.length > 0)).diagnostics;
    };
    const late = start();
    await new Promise((r) => setTimeout(r, 2500)); // the client connects late, as VS Code does while it activates the extension
    const warmed = await open(late);
    const log = await late.notification<{ message: string }>('window/logMessage', (p) => /^warmed up \d+ of \d+ rules/.test(p.message));
    const [rules, of] = /^warmed up (\d+) of (\d+) rules/.exec(log.message)!.slice(1).map(Number);
    assert.ok(rules > 0 && rules <= of, log.message);
    const cold = await open(start());
    assert.deepEqual(warmed, cold);
  });
});

describe('goconc lsp: collecting garbage while idle (issue 13)', function () {
  this.timeout(30000);
  let dir: string;
  let client: Client | undefined;
  afterEach(() => {
    client?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('collects the young generation once a review is published and nothing else is scheduled', async () => {
    dir = mkdtempSync(join(tmpdir(), 'goconc-lsp-gc-'));
    // Preloaded into the server's process: reports each collection forced by a gc() call.
    const preload = join(dir, 'gc.cjs');
    writeFileSync(
      preload,
      `const { PerformanceObserver, constants } = require('node:perf_hooks');
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const d = e.detail || {};
    if (d.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) process.stderr.write(d.kind === constants.NODE_PERFORMANCE_GC_MINOR ? 'forced minor\\n' : 'forced other\\n');
  }
}).observe({ entryTypes: ['gc'] });
`,
    );
    const file = join(dir, 'main.go');
    writeFileSync(file, LEAK);
    const uri = pathToFileURL(file).href;
    const proc = spawn(process.execPath, ['--require', preload, join(ROOT, 'dist', 'cli.js'), 'lsp'], { stdio: 'pipe' });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    client = new Client(proc);
    await client.request('initialize', { processId: null, rootUri: pathToFileURL(dir).href, capabilities: {} });
    client.notify('initialized', {});
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(stderr.match(/forced/g)?.length ?? 0, 0, `no collection before any review: ${stderr}`);
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: LEAK } });
    await client.notification<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.diagnostics.length > 0);
    for (let waited = 0; !stderr.includes('forced minor') && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    assert.match(stderr, /forced minor/, 'a young-generation collection after the review was published');
    assert.doesNotMatch(stderr, /forced other/, 'never a full collection');
    assert.equal(await client.request('shutdown'), null);
    client.notify('exit', null);
    assert.equal(await client.exited, 0);
  });
});

describe("goconc lsp: V8's thread pool (issue 13)", function () {
  this.timeout(30000);

  it('serves from a process started with the pool the machine calls for, on the same streams, and ends with it', async function () {
    if (process.platform !== 'linux') this.skip(); // child processes are read from /proc
    const expected = serverExecArgv();
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' };
    const proc = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'lsp'], { stdio: 'pipe', env });
    const client = new Client(proc);
    const init = (await client.request('initialize', { processId: null, capabilities: {} })) as { capabilities?: unknown };
    assert.ok(init.capabilities, 'the server answers initialize over the streams goconc was started with');
    const children = childCommandLines(proc.pid!);
    if (expected.length === 0) assert.deepEqual(children, [], 'no pool to set: the server runs in the process itself');
    else {
      assert.equal(children.length, 1, `one child serves: ${JSON.stringify(children)}`);
      assert.ok(children[0].includes(expected[0]) && children[0].includes('lsp'), `started with ${expected[0]}: ${children[0].join(' ')}`);
      const childEnv = readFileSync(`/proc/${childPids(proc.pid!)[0]}/environ`, 'utf8').split('\0');
      assert.ok(childEnv.some((e) => e.startsWith('PATH=')), 'the environment is passed on');
      assert.ok(!childEnv.some((e) => e.startsWith('NODE_EXTRA_CA_CERTS=')), 'less the certificate bundle Node would read as it starts');
    }
    assert.equal(await client.request('shutdown'), null);
    client.notify('exit', null);
    assert.equal(await client.exited, 0, "the child's exit code is goconc's");
  });
});

/** The processes whose parent is `pid` (Linux). */
function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The command lines of the processes whose parent is `pid` (Linux). */
function childCommandLines(pid: number): string[][] {
  return childPids(pid).flatMap((child) => {
    try {
      return [readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').filter(Boolean)];
    } catch {
      return []; // gone meanwhile
    }
  });
}
