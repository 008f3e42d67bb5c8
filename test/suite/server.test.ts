/**
 * The language server behind the extension: the extension host starts it as its own process and
 * never analyses; a server that dies is started again and reviews the open documents anew.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeAll, openGo, waitForRule } from './helpers';
import { SEND_LEAK, WAITGROUP } from './subjects';

/** The language server processes this extension host started (dist/server.js over IPC). */
function serverPids(): number[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  return ps
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m && Number(m[2]) === process.pid && /dist[/\\]server\.js/.test(m[3]))
    .map((m) => Number(m[1]));
}

async function until<T>(what: string, probe: () => T | undefined, ms = 15000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('language server', () => {
  afterEach(closeAll);

  it('runs as one child process of the extension host', async () => {
    const doc = await openGo(WAITGROUP.source);
    await waitForRule(doc.uri, WAITGROUP.ruleId);
    assert.equal(serverPids().length, 1, 'one dist/server.js under this extension host');
  });

  it('is started again when it dies, and open and new documents get their findings', async () => {
    const open = await openGo(WAITGROUP.source);
    await waitForRule(open.uri, WAITGROUP.ruleId);
    const [before] = serverPids();
    process.kill(before, 'SIGKILL');
    const after = await until('a new language server', () => serverPids().find((p) => p !== before));
    assert.notEqual(after, before);
    const doc = await openGo(SEND_LEAK.source);
    await waitForRule(doc.uri, SEND_LEAK.ruleId);
  });
});
