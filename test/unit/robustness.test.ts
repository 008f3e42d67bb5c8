import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, analyzeFile } from '../../src/core/analyze';
import { GoFile, type GoLanguage } from '../../src/core/syntax/parser';
import type { Rule } from '../../src/core/findings/rule';
import { RULES_BY_ID } from '../../src/core/rules';
import { loadGoForTests, ROOT, TESTDATA } from '../helpers';

/** A realistic Go file of at least `chars` characters, built from a fixture repeated with renamed functions. */
function bigFile(chars: number): string {
  const unit = readFileSync(join(TESTDATA, 'waitgroup-add-in-goroutine', 'closures.go'), 'utf8').split('\n').slice(4).join('\n');
  const parts = ['package big\n\nimport "sync"\n'];
  let length = parts[0].length;
  for (let i = 0; length < chars; i++) {
    const part = unit.replace(/func (\w+)/g, `func $1_${i}`).replace(/type counter\b/, `type counter${i}`);
    parts.push(part);
    length += part.length + 1;
  }
  return parts.join('\n');
}

describe('robustness', function () {
  this.timeout(120000);
  let go: GoLanguage;
  before(async () => {
    go = await loadGoForTests();
  });

  it('10,000 incremental edits leave the WASM heap within 10% of where it was after 100', () => {
    const text = bigFile(12000); // about 400 lines; the benchmark does the same on net/http/server.go
    const file = new GoFile(go, text, 'big.go');
    let after100 = 0;
    for (let i = 0; i < 10000; i++) {
      const at = Math.floor(text.length / 2) + (i % 50);
      // Type a character, then delete it: the text returns to the original every other edit.
      if (i % 2 === 0) file.update([{ rangeOffset: at, rangeLength: 0, text: 'x' }]);
      else file.update([{ rangeOffset: at - 1, rangeLength: 1, text: '' }]);
      if (i % 500 === 0) analyzeFile(file, { fileName: 'big.go' });
      if (i === 99) after100 = go.heapBytes();
    }
    const end = go.heapBytes();
    file.dispose();
    assert.ok(end <= after100 * 1.1, `heap grew from ${after100} to ${end} bytes`);
  });

  it('a rule that throws is isolated: the error names the rule, the other rules still report', () => {
    const broken: Rule = {
      ...RULES_BY_ID.get('waitgroup-add-in-goroutine')!,
      id: 'broken-rule',
      check: () => {
        throw new Error('boom');
      },
    };
    const text = readFileSync(join(TESTDATA, 'waitgroup-add-in-goroutine', 'closures.go'), 'utf8');
    const r = analyze(go, text, { rules: [broken, RULES_BY_ID.get('waitgroup-add-in-goroutine')!] });
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0].ruleId, 'broken-rule');
    assert.match(r.errors[0].message, /boom/);
    assert.ok(r.findings.length > 0);
  });

  it('a 5 MB generated file is handled within the time budget when the size limit is raised', () => {
    const text = bigFile(5_100_000);
    assert.ok(text.length > 5_000_000, `${text.length} chars`);
    assert.equal(analyze(go, text).skipped, 'too-large', 'skipped at the default limit');
    const started = Date.now();
    const r = analyze(go, text, { maxBytes: 8 * 1024 * 1024, timeBudgetMs: 1000 });
    const ms = Date.now() - started;
    assert.ok(ms < 2500, `${ms} ms`);
    assert.ok(r.skipped === 'parse-timeout' || r.incomplete === 'timeout' || r.findings.length > 0, 'says what it did');
  });

  it('mixed line endings and tabs keep positions exact', () => {
    const text = 'package p\r\n\nimport "sync"\r\n\nfunc f() {\r\n\tvar wg sync.WaitGroup\n\tgo func() {\r\n\t\twg.Add(1)\n\t\twg.Done()\r\n\t}()\n\twg.Wait()\r\n}\n';
    const [f] = analyze(go, text, { rules: [RULES_BY_ID.get('waitgroup-add-in-goroutine')!] }).findings;
    assert.deepEqual(f.range.start, { line: 7, character: 2 });
    assert.equal(text.slice(f.span.start, f.span.end), 'wg.Add(1)');
    assert.equal(f.column, 3);
  });

  it('the bundles import no process or network module (the desktop client only forks its server)', () => {
    const processes = /require\(["'](node:)?child_process["']\)/;
    const sockets = /require\(["'](node:)?net["']\)/;
    const network = [/require\(["'](node:)?(https?|http2|dgram|tls)["']\)/, /new WebSocket\(/, /sendBeacon/];
    for (const bundle of ['dist/server.js', 'dist/server-main.js', 'dist/web/server.js', 'dist/web/extension.js', 'dist/cli.js', 'dist/cli-main.js']) {
      const code = readFileSync(join(ROOT, bundle), 'utf8');
      // One exception: `goconc lsp` starts itself again with the language server's V8 thread pool
      // (src/server/v8Pool.ts, src/server/relaunch.ts), from its entry, dist/cli.js. Reviews never start a process (the next test).
      const forbidden = bundle === 'dist/cli.js' ? [sockets, ...network] : [processes, sockets, ...network];
      for (const f of forbidden) assert.doesNotMatch(code, f, `${bundle} matches ${f}`);
    }
    assert.equal(readFileSync(join(ROOT, 'dist', 'cli.js'), 'utf8').match(new RegExp(processes, 'g'))?.length ?? 0, 1, 'dist/cli.js loads child_process once, for the lsp relaunch');
    // vscode-languageclient's Node part starts dist/server.js as a child process over IPC (its
    // socket and pipe transports come along, unused); nothing else of the extension does either.
    const client = readFileSync(join(ROOT, 'dist', 'extension-main.js'), 'utf8') + readFileSync(join(ROOT, 'dist', 'extension.js'), 'utf8');
    for (const forbidden of network) assert.doesNotMatch(client, forbidden, `dist/extension.js or extension-main.js matches ${forbidden}`);
    // The development bundle names each module it holds in a comment: no parser and no rule in the extension host.
    assert.doesNotMatch(client, /\/\/ (node_modules\/web-tree-sitter|src\/core\/(rules|syntax|model))\//, 'the extension host bundle carries no parser and no rules: the server analyses');
    // web-tree-sitter's loader can fetch its WASM, but only when no bytes are given; loadGo always gives them.
    assert.match(readFileSync(join(ROOT, 'src', 'core', 'syntax', 'parser.ts'), 'utf8'), /wasmBinary: runtime/);
  });

  it('the CLI reviews the examples without spawning a process or touching the network', () => {
    // A preload replaces every way to start a process or open a connection with a trap.
    const trap = join(mkdtempSync(join(tmpdir(), 'goconc-trap-')), 'trap.js');
    writeFileSync(
      trap,
      `const fired = (what) => { process.stderr.write('TRAP ' + what + '\\n'); process.exit(99); };
const cp = require('child_process'); for (const k of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) cp[k] = () => fired('child_process.' + k);
for (const m of ['http', 'https', 'net', 'tls', 'dgram']) { const mod = require(m); for (const k of ['request', 'get', 'connect', 'createConnection', 'createSocket']) if (mod[k]) mod[k] = () => fired(m + '.' + k); }
globalThis.fetch = () => fired('fetch'); globalThis.XMLHttpRequest = function () { fired('XMLHttpRequest'); };`,
    );
    const r = spawnSync(process.execPath, ['-r', trap, join(ROOT, 'dist', 'cli.js'), '--no-cache', '--fail-on', 'none', join(ROOT, 'examples')], { encoding: 'utf8' });
    assert.doesNotMatch(r.stderr, /TRAP/);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /goroutine-send-leak/);
  });
});
