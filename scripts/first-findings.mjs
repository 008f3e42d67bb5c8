// The language server's part of "first findings after the first Go file opens" (issue 13),
// without VS Code: forks dist/server.js over IPC as vscode-languageclient does, answers its
// requests at once, and times initialize -> initialized -> didOpen -> the first diagnostics.
// Reported, not asserted (docs/benchmark.md). Build first (node esbuild.mjs).
//
//   node scripts/first-findings.mjs                 5 runs, initialize sent at once, as in VS Code
//   node scripts/first-findings.mjs --runs 3 --delay 1000
//   node scripts/first-findings.mjs --server /path/to/other/dist/server.js   (an older build)
//   node scripts/first-findings.mjs --cache cold    each run without a code cache, as the first start after an install
//   node scripts/first-findings.mjs --cache off     the server loaded without the code cache (GOCONC_CODE_CACHE=0)
//
// The server is forked with VS Code's Node options and environment (editor/serverProcess.ts) and its code cache in
// a temporary folder (XDG_CACHE_HOME). By default (`--cache warm`) one unmeasured run first leaves
// the cache, as an earlier session would have (src/server/codeCache.ts).
//
// --delay is how long after the fork the client sends initialize. In VS Code the server's process
// and the client both start while the extension's bundle loads (editor/serverProcess.ts,
// editor/extension.ts), a few ms apart; `--delay 1000` is how it was while the client waited
// for VS Code's `activate` (0.2 to 2.8 s in code-server under load), when the server warmed up
// meanwhile. Prints, per run, the time from the fork and from initialize to the first published
// findings, and the server's own timeline line.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const runs = Number(option('runs', 5));
const delay = Number(option('delay', 0));
const server = resolve(option('server', join(root, 'dist', 'server.js')));
const cache = option('cache', 'warm');
if (!['warm', 'cold', 'off'].includes(cache)) throw new Error(`--cache ${cache}: warm, cold or off`);
const cacheHome = mkdtempSync(join(tmpdir(), 'goconc-first-cache-'));

// The suite's first document (test/suite/subjects.ts, WAITGROUP): one finding.
const subjects = readFileSync(join(root, 'test', 'suite', 'subjects.ts'), 'utf8');
const SOURCE = /export const WAITGROUP: Subject = \{[\s\S]*?source: `([^`]*)`/.exec(subjects)?.[1];
if (!SOURCE) throw new Error('test/suite/subjects.ts: no WAITGROUP source found');

/** One start; `linger` keeps the server this long after its findings (it writes its code cache when idle). */
function once(linger = 0) {
  const dir = mkdtempSync(join(tmpdir(), 'goconc-first-'));
  writeFileSync(join(dir, 'bug.go'), SOURCE);
  const uri = pathToFileURL(join(dir, 'bug.go')).href;
  return new Promise((resolveRun, reject) => {
    const t0 = performance.now();
    let initializeSent = 0;
    let timeline = '';
    const env = { ...process.env, XDG_CACHE_HOME: cache === 'cold' ? mkdtempSync(join(cacheHome, 'run-')) : cacheHome, GOCONC_CODE_CACHE: cache === 'off' ? '0' : '1' };
    delete env.NODE_EXTRA_CA_CERTS; // as VS Code's fork (src/server/environment.ts)
    const child = fork(server, ['--node-ipc', `--clientProcessId=${process.pid}`], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: ['--expose-gc'], env });
    const send = (m) => child.send({ jsonrpc: '2.0', ...m });
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('no findings within 30 s'));
    }, 30000);
    setTimeout(() => {
      initializeSent = performance.now();
      const capabilities = { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, didChangeWatchedFiles: { dynamicRegistration: true } } };
      send({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities } });
    }, delay);
    child.on('message', (m) => {
      if (m.id === 1 && 'result' in m) {
        send({ method: 'initialized', params: {} });
        send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'go', version: 1, text: SOURCE } } });
      } else if (m.method === 'workspace/configuration') send({ id: m.id, result: m.params.items.map(() => ({})) });
      else if (m.method && m.id !== undefined) send({ id: m.id, result: null });
      else if (m.method === 'window/logMessage' && m.params.message.startsWith('first review')) timeline = m.params.message.replace(/^first review of \S+ published /, '');
      else if (m.method === 'textDocument/publishDiagnostics' && m.params.diagnostics.length > 0) {
        const now = performance.now();
        clearTimeout(timer);
        setTimeout(() => {
          child.kill();
          rmSync(dir, { recursive: true, force: true });
          // the timeline line comes just before the diagnostics
          resolveRun({ fromFork: now - t0, fromInitialize: now - initializeSent, timeline });
        }, linger);
      }
    });
  });
}

console.log(`${server}, initialize ${delay} ms after the fork, ${runs} runs, code cache ${cache}, load average ${loadavg()[0].toFixed(2)}`);
if (cache === 'warm') await once(1000);
for (let i = 0; i < runs; i++) {
  const r = await once();
  console.log(`  ${r.fromFork.toFixed(0).padStart(5)} ms from the fork, ${r.fromInitialize.toFixed(0).padStart(4)} ms from initialize | ${r.timeline}`);
}
console.log(`load average ${loadavg()[0].toFixed(2)}`);
rmSync(cacheHome, { recursive: true, force: true });
