import * as assert from 'node:assert/strict';
import { goconc, tree } from './cli-helpers';

const CLIENT = `package fetch

import "context"

type Client struct{}

func (c *Client) get(ctx context.Context) int {
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

// Made on a build machine (other paths), and with -trimpath (module paths).
const DUMP = `goroutine 18 [chan send (leaked)]:
example.com/app/internal/fetch.(*Client).get.func1()
	/build/app/internal/fetch/client.go:10 +0x65
created by example.com/app/internal/fetch.(*Client).get in goroutine 1
	/build/app/internal/fetch/client.go:9 +0x9c

goroutine 19 [chan send, 14 minutes]:
example.com/app/internal/fetch.(*Client).get.func1()
	example.com/app/internal/fetch/client.go:10 +0x65
created by example.com/app/internal/fetch.(*Client).get in goroutine 1
	example.com/app/internal/fetch/client.go:9 +0x9c

goroutine 20 [select, 3 minutes]:
example.com/app/internal/fetch.(*Client).get()
	/build/app/internal/fetch/client.go:12 +0x65

goroutine 33 [IO wait]:
internal/poll.runtime_pollWait(0x7f, 0x72)
	/usr/local/go/src/runtime/netpoll.go:351 +0x85
`;

describe('cli: goconc dump maps a goroutine dump onto the code', function () {
  this.timeout(30000);

  it('prints one line per place with counts, waits, leaks, spawn sites and whether the static analysis agrees', async () => {
    const t = tree({ 'go.mod': 'module example.com/app\n\ngo 1.22\n', 'internal/fetch/client.go': CLIENT, 'dump.txt': DUMP });
    try {
      const r = await goconc(['dump', 'dump.txt', './...'], { cwd: t.dir });
      assert.equal(r.code, 0, r.err);
      assert.equal(
        r.out,
        'internal/fetch/client.go:10: 2 goroutines blocked in chan send for up to 14 minutes (1 leaked); started at internal/fetch/client.go:9 [goconc: goroutine-send-leak]\n' +
          'internal/fetch/client.go:12: 1 goroutine blocked in select for up to 3 minutes [not seen by the static analysis]\n' +
          "3 goroutines waiting at 2 places in the code; 1 elsewhere (the runtime's and libraries')\n",
      );
      const json = JSON.parse((await goconc(['dump', '--format', 'json', 'dump.txt'], { cwd: t.dir })).out) as { sites: { count: number; leaked: number; static: string[] }[] };
      assert.deepEqual(json.sites.map((s) => [s.count, s.leaked, s.static]), [[2, 1, ['goroutine-send-leak']], [1, 0, []]]);
      const sarif = JSON.parse((await goconc(['dump', '--format', 'sarif', 'dump.txt'], { cwd: t.dir })).out) as {
        version: string;
        runs: { results: { ruleId: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[]; relatedLocations?: { message: { text: string }; physicalLocation: { region: { startLine: number } } }[] }[] }[];
      };
      assert.equal(sarif.version, '2.1.0');
      const [first] = sarif.runs[0].results;
      assert.equal(first.ruleId, 'runtime-evidence');
      assert.match(first.message.text, /^2 goroutines blocked in chan send for up to 14 minutes \(1 leaked\)/);
      assert.deepEqual([first.locations[0].physicalLocation.artifactLocation.uri, first.locations[0].physicalLocation.region.startLine], ['internal/fetch/client.go', 10]);
      assert.deepEqual(first.relatedLocations?.map((r) => [r.physicalLocation.region.startLine, r.message.text]), [[9, '2 started here']]);
    } finally {
      t.remove();
    }
  });

  it('says so when no goroutine of the dump waits in the code under the paths (another program)', async () => {
    const t = tree({ 'go.mod': 'module example.com/other\n\ngo 1.22\n', 'x/x.go': 'package x\n', 'dump.txt': DUMP });
    try {
      const r = await goconc(['dump', 'dump.txt'], { cwd: t.dir });
      assert.equal(r.code, 2);
      assert.match(r.err, /none of its 4 goroutines waits in the Go files under \.: it may come from another program/);
    } finally {
      t.remove();
    }
  });

  it('says what it expected when the file is not evidence, and exits 2', async () => {
    const t = tree({ 'notes.txt': 'nothing to see\n' });
    try {
      const r = await goconc(['dump', 'notes.txt'], { cwd: t.dir });
      assert.equal(r.code, 2);
      assert.match(r.err, /notes\.txt: No goroutines or data races found: expected a goroutine dump/);
      assert.equal((await goconc(['dump'], { cwd: t.dir })).code, 2);
    } finally {
      t.remove();
    }
  });
});
