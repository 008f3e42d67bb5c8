/**
 * Runtime evidence: a goroutine dump from another machine shown on the workspace's code, with
 * the static analysis' verdict in the hover, going stale on edit, and cleared by its command.
 */
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { closeAll, hoverText, hovers, openGo, waitForRule, workspaceDir } from './helpers';

const SOURCE = 'goconc-runtime';

const LEAK = `package evidence

import "context"

func get(ctx context.Context) int {
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
`;

// Printed on a build machine: only the last two path segments match the workspace.
const DUMP = `goroutine 18 [chan send (leaked)]:
example.com/evidence.get.func1()
	/build/src/evidence/leak.go:8 +0x65
created by example.com/evidence.get in goroutine 1
	/build/src/evidence/leak.go:7 +0x9c

goroutine 19 [chan send, 14 minutes]:
example.com/evidence.get.func1()
	/build/src/evidence/leak.go:8 +0x65
created by example.com/evidence.get in goroutine 1
	/build/src/evidence/leak.go:7 +0x9c
`;

function runtime(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

async function until<T>(f: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const v = f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('runtime evidence', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('goconc.clearEvidence');
    await closeAll();
  });

  it('shows a dump from another machine at the waiting line, with the spawn site and the static verdict in the hover', async () => {
    const doc = await openGo(LEAK, 'evidence/leak.go');
    await waitForRule(doc.uri, 'goroutine-send-leak');
    const dump = join(workspaceDir(), 'evidence', 'goroutines.txt');
    writeFileSync(dump, DUMP);
    const shown = await vscode.commands.executeCommand<number>('goconc.showEvidence', vscode.Uri.file(dump));
    assert.equal(shown, 1);
    const [d] = await until(() => (runtime(doc.uri).length > 0 ? runtime(doc.uri) : undefined), 'the runtime diagnostic');
    assert.equal(d.range.start.line, 7);
    assert.equal(d.message, '2 goroutines blocked here in chan send for up to 14 minutes (1 leaked)');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.deepEqual(d.relatedInformation?.map((r) => [r.location.uri.toString(), r.location.range.start.line, r.message]), [[doc.uri.toString(), 6, '2 of them started here']]);
    const text = (await hovers(doc.uri, new vscode.Position(7, 3))).map(hoverText).join('\n');
    assert.match(text, /Runtime evidence:\*\* 2 goroutines blocked here/);
    assert.match(text, /The static analysis agrees/);
    assert.match(text, /goroutine-send-leak/);
  });

  it('goes stale when the file changes, and the clear command removes it', async () => {
    const doc = await openGo(LEAK, 'evidence/leak.go');
    const shown = await vscode.commands.executeCommand<number>('goconc.showEvidence', DUMP);
    assert.equal(shown, 1);
    await until(() => (runtime(doc.uri).length > 0 ? true : undefined), 'the runtime diagnostic');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(0, 0), '// edited\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const [stale] = await until(() => (runtime(doc.uri)[0]?.message.includes('stale') ? runtime(doc.uri) : undefined), 'the stale mark');
    assert.equal(stale.severity, vscode.DiagnosticSeverity.Hint);
    await vscode.commands.executeCommand('goconc.clearEvidence');
    assert.deepEqual(runtime(doc.uri), []);
  });

  it('shows nothing, and says why, for text that is not evidence', async () => {
    const shown = await vscode.commands.executeCommand<number>('goconc.showEvidence', 'hello, this is not a goroutine dump');
    assert.equal(shown, 0);
  });
});
