import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEvidence } from '../../src/core/evidence/goroutines';
import { readEvidenceBytes } from '../../src/core/evidence/pprof';
import { blockedSites, FrameMapper, raceSites, stateFromLine } from '../../src/core/evidence/sites';

const DUMP = `goroutine 1 [running]:
main.main()
	/home/ci/app/cmd/server/main.go:30 +0x1d

goroutine 18 [chan send (leaked)]:
example.com/app/internal/fetch.(*Client).get.func1()
	/home/ci/app/internal/fetch/client.go:42 +0x65
created by example.com/app/internal/fetch.(*Client).get in goroutine 1
	/home/ci/app/internal/fetch/client.go:40 +0x9c

goroutine 19 [chan send, 14 minutes]:
example.com/app/internal/fetch.(*Client).get.func1()
	/home/ci/app/internal/fetch/client.go:42 +0x65
created by example.com/app/internal/fetch.(*Client).get in goroutine 1
	/home/ci/app/internal/fetch/client.go:40 +0x9c

goroutine 20 [chan send, 3 minutes]:
example.com/app/internal/fetch.(*Client).get.func1()
	/home/ci/app/internal/fetch/client.go:42 +0x65
created by example.com/app/internal/fetch.(*Client).get in goroutine 7
	/home/ci/app/internal/fetch/client.go:40 +0x9c

goroutine 33 [select, 2 minutes]:
net/http.(*persistConn).writeLoop(0xc0001b2000)
	/usr/local/go/src/net/http/transport.go:2444 +0xf0
created by net/http.(*Transport).dialConn in goroutine 32
	/usr/local/go/src/net/http/transport.go:1777 +0x16f1

goroutine 41 [semacquire, 7 minutes]:
sync.runtime_Semacquire(0xc000012345?)
	/usr/local/go/src/runtime/sema.go:62 +0x25
sync.(*WaitGroup).Wait(0xc000012340?)
	/usr/local/go/src/sync/waitgroup.go:116 +0x48
example.com/app/internal/pool.(*Pool).Close(0xc000012300)
	/home/ci/app/internal/pool/pool.go:77 +0x35
...additional frames elided...
created by main.main in goroutine 1
	/home/ci/app/cmd/server/main.go:25 +0x85
`;

const WORKSPACE = {
  files: ['/work/app/cmd/server/main.go', '/work/app/internal/fetch/client.go', '/work/app/internal/pool/pool.go', '/work/app/internal/other/client.go'],
  modules: [{ path: 'example.com/app', dir: '/work/app' }],
};

describe('runtime evidence: goroutine dumps, profiles and race reports', () => {
  it('reads a traceback dump: ids, states, waits, leaked marks, frames and creators', () => {
    const e = readEvidence(DUMP);
    assert.equal(e.kind, 'dump');
    assert.deepEqual(
      e.goroutines.map((g) => [g.id, g.state, g.leaked, g.waitMinutes ?? null, g.frames.length]),
      [
        [1, 'running', false, null, 1],
        [18, 'chan send', true, null, 1],
        [19, 'chan send', false, 14, 1],
        [20, 'chan send', false, 3, 1],
        [33, 'select', false, 2, 1],
        [41, 'semacquire', false, 7, 3],
      ],
    );
    const g18 = e.goroutines[1];
    assert.deepEqual(g18.frames[0], { func: 'example.com/app/internal/fetch.(*Client).get.func1', file: '/home/ci/app/internal/fetch/client.go', line: 42 });
    assert.deepEqual(g18.createdBy, { func: 'example.com/app/internal/fetch.(*Client).get', file: '/home/ci/app/internal/fetch/client.go', line: 40 });
    assert.equal(e.goroutines[5].frames[1].func, 'sync.(*WaitGroup).Wait');
  });

  it('groups the goroutines by the workspace line they wait at, from a dump made on another machine', () => {
    const mapper = new FrameMapper(WORKSPACE);
    const { sites, outside } = blockedSites(readEvidence(DUMP).goroutines, mapper);
    assert.equal(outside, 1); // the HTTP transport's own goroutine
    assert.deepEqual(
      sites.map((s) => [s.place.file, s.place.line, s.state, s.count, s.leaked, s.longestMinutes ?? null, s.shortestMinutes ?? null]),
      [
        ['/work/app/internal/fetch/client.go', 42, 'chan send', 3, 1, 14, 3],
        ['/work/app/internal/pool/pool.go', 77, 'semacquire', 1, 0, 7, 7],
      ],
    );
    assert.deepEqual(sites[0].spawns.map((s) => [s.place.line, s.count]), [[40, 3]]);
    assert.deepEqual(sites[1].spawns.map((s) => [s.place.file, s.place.line]), [['/work/app/cmd/server/main.go', 25]]);
  });

  it('maps -trimpath module paths, Windows paths and CRLF dumps; leaves the standard library, module cache, vendor and ambiguous names alone', () => {
    const mapper = new FrameMapper({ ...WORKSPACE, files: [...WORKSPACE.files, 'c:/src/app/internal/fetch/client.go'] });
    assert.equal(mapper.file('example.com/app/internal/pool/pool.go'), '/work/app/internal/pool/pool.go');
    assert.equal(mapper.file('C:\\src\\app\\internal\\fetch\\client.go'), 'c:/src/app/internal/fetch/client.go');
    assert.equal(mapper.file('/usr/local/go/src/runtime/proc.go'), undefined);
    assert.equal(mapper.file('/home/ci/go/pkg/mod/golang.org/x/sync@v0.7.0/errgroup/errgroup.go'), undefined);
    assert.equal(mapper.file('/home/ci/app/vendor/github.com/x/y/client.go'), undefined);
    assert.equal(mapper.file('/elsewhere/client.go'), undefined, 'a bare file name matches two files');
    const crlf = readEvidence('\uFEFF' + DUMP.replace(/\n/g, '\r\n'));
    assert.equal(crlf.goroutines.length, 6);
    assert.equal(crlf.goroutines[1].frames[0].line, 42);
  });

  it('reads debug=1 goroutine and goroutineleak profiles, one record per stack with its count', () => {
    const profile = `goroutineleak profile: total 12
10 @ 0x43a0e6 0x4061bc 0x405e98 0x4a3f5a 0x46f081
#	0x4061bb	runtime.chansend1+0x1b	/usr/local/go/src/runtime/chan.go:161
#	0x4a3f59	example.com/app/internal/fetch.(*Client).get.func1+0x39	/build/internal/fetch/client.go:42
#	0x46f080	runtime.goexit+0x0	/usr/local/go/src/runtime/asm_amd64.s:1700

2 @ 0x43a0e6 0x44b2c5 0x4a401a 0x46f081
#	0x44b2c4	runtime.selectgo+0x7a4	/usr/local/go/src/runtime/select.go:335
#	0x4a4019	example.com/app/internal/pool.(*Pool).loop+0x99	/build/internal/pool/pool.go:31
`;
    const e = readEvidence(profile);
    assert.equal(e.kind, 'profile');
    assert.equal(e.profile, 'goroutineleak');
    assert.deepEqual(e.goroutines.map((g) => [g.count, g.leaked, g.frames.length]), [[10, true, 3], [2, true, 2]]);
    const { sites } = blockedSites(e.goroutines, new FrameMapper(WORKSPACE));
    assert.deepEqual(sites.map((s) => [s.place.file, s.place.line, s.count, s.leaked]), [
      ['/work/app/internal/fetch/client.go', 42, 10, 10],
      ['/work/app/internal/pool/pool.go', 31, 2, 2],
    ]);
    const plain = readEvidence(profile.replace('goroutineleak profile', 'goroutine profile'));
    assert.deepEqual(plain.goroutines.map((g) => g.state), ['chan send', 'select']);
  });

  it('takes the state from the line when the profile hides the runtime frames (debug=1 as Go writes it)', () => {
    // Go prints no runtime frame above the user's code in debug=1, so the blocking call is unknown.
    const profile = `goroutine profile: total 4
3 @ 0x437556 0x4053cc 0x404f7d 0x4b3e05 0x461121
#	0x4b3e04	example.com/app/internal/fetch.(*Client).get.func1+0x24	/build/internal/fetch/client.go:42

1 @ 0x437556 0x44625e 0x4b3e59 0x461121
#	0x4b3e58	example.com/app/internal/pool.(*Pool).loop+0x18	/build/internal/pool/pool.go:31
`;
    const e = readEvidence(profile);
    assert.deepEqual(e.goroutines.map((g) => g.state), ['unknown', 'unknown']);
    const source: Record<string, string[]> = { '/work/app/internal/fetch/client.go': [], '/work/app/internal/pool/pool.go': [] };
    source['/work/app/internal/fetch/client.go'][41] = '\t\tresults <- r // reply';
    source['/work/app/internal/pool/pool.go'][30] = '\t\tfetch(p.url)';
    const { sites } = blockedSites(e.goroutines, new FrameMapper(WORKSPACE), (file, line) => source[file]?.[line - 1]);
    assert.deepEqual(sites.map((s) => [s.place.line, s.count, s.state]), [[42, 3, 'chan send'], [31, 1, 'unknown']]);
  });

  it('reads the blocking operation off a line only when the line holds exactly one', () => {
    const cases: [string, string | undefined][] = [
      ['\tch <- v', 'chan send'],
      ['\ts.out[i] <- r', 'chan send'],
      ['\tcase s.reqc <- r:', 'chan send'],
      ['\tv := <-ch', 'chan receive'],
      ['\t<-s.done // wait', 'chan receive'],
      ['\tcase v, ok := <-in:', 'chan receive'],
      ['\t<-time.After(d)', 'chan receive'],
      ['\tselect {', 'select'],
      ['\tselect {}', 'select (no cases)'],
      ['\tlog.Print("a <- b")', undefined],
      ['\tout <- <-in', undefined],
      ['\tch := make(chan int)', undefined],
      ['\tfor v := range ch {', undefined],
      ['\tdo(ctx)', undefined],
      ['\tвыход <- true', 'chan send'],
    ];
    assert.deepEqual(cases.map(([line]) => stateFromLine(line)), cases.map(([, want]) => want));
  });

  it('reads the frames of a SIGQUIT or GOTRACEBACK=crash traceback, with their fp, sp and pc', () => {
    const e = readEvidence(`SIGQUIT: quit
PC=0x463200 m=0 sigcode=0

goroutine 7 [chan send]:
runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)
	/usr/lib/go-1.19/src/runtime/proc.go:363 +0xd6 fp=0xc00003a6f0 sp=0xc00003a6d0 pc=0x437556
example.com/app/internal/fetch.(*Client).get.func1()
	/home/ci/app/internal/fetch/client.go:42 +0x25 fp=0xc00003a7c8 sp=0xc00003a798 pc=0x4b3e05
created by example.com/app/internal/fetch.(*Client).get
	/home/ci/app/internal/fetch/client.go:40 +0x3e
`);
    const { sites } = blockedSites(e.goroutines, new FrameMapper(WORKSPACE));
    assert.deepEqual(sites.map((s) => [s.place.line, s.state, s.spawns.map((x) => x.place.line)]), [[42, 'chan send', [40]]]);
  });

  it('reads the gzipped protocol-buffer form (debug=0) that Go writes, as Go 1.19 wrote this one', () => {
    // Three goroutines blocked in `ch <- 1` of main.leak, built with -trimpath.
    const bytes = readFileSync(join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'fixtures', 'goroutine-debug0.pb.gz'));
    const e = readEvidenceBytes(bytes);
    assert.equal(e.kind, 'profile');
    assert.equal(e.profile, 'goroutine');
    assert.deepEqual(e.goroutines.map((g) => [g.count, g.state]), [[3, 'chan send'], [1, 'unknown']]);
    const { sites, outside } = blockedSites(e.goroutines, new FrameMapper({ files: ['/w/gp/main.go'], modules: [{ path: 'example.com/gp', dir: '/w/gp' }] }));
    assert.deepEqual(sites.map((s) => [s.place.file, s.place.line, s.state, s.count]), [['/w/gp/main.go', 10, 'chan send', 3], ['/w/gp/main.go', 19, 'unknown', 1]]);
    assert.equal(outside, 0);
    // The standard library's -trimpath paths (`runtime/chan.go`) never map.
    assert.equal(new FrameMapper({ files: ['/w/runtime/chan.go'], modules: [] }).file('runtime/chan.go'), undefined);
    // Text still goes to the text reader, and a damaged profile gives a reason.
    assert.equal(readEvidenceBytes(new TextEncoder().encode(DUMP)).kind, 'dump');
    const broken = readEvidenceBytes(Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]));
    assert.equal(broken.kind, 'empty');
    assert.match(broken.problem ?? '', /Not a readable pprof profile/);
  });

  it('reads race reports: both accesses, their goroutines, and where those were created', () => {
    const report = `==================
WARNING: DATA RACE
Write at 0x00c000014098 by goroutine 7:
  example.com/app/internal/pool.(*Pool).add()
      /home/ci/app/internal/pool/pool.go:51 +0x44
  example.com/app/internal/pool.(*Pool).Start.func1()
      /home/ci/app/internal/pool/pool.go:40 +0x30

Previous read at 0x00c000014098 by main goroutine:
  example.com/app/internal/pool.(*Pool).Len()
      /home/ci/app/internal/pool/pool.go:60 +0x88
  main.main()
      /home/ci/app/cmd/server/main.go:31 +0x1b

Goroutine 7 (running) created at:
  example.com/app/internal/pool.(*Pool).Start()
      /home/ci/app/internal/pool/pool.go:38 +0x7a
==================
Found 1 data race(s)
`;
    const e = readEvidence(report);
    assert.equal(e.kind, 'races');
    const [site] = raceSites(e.races, new FrameMapper(WORKSPACE));
    assert.deepEqual(
      site.accesses.map((a) => [a.kind, a.previous, a.goroutine ?? null, a.place?.line]),
      [
        ['write', false, 7, 51],
        ['read', true, null, 60],
      ],
    );
    assert.deepEqual(site.created.map((c) => [c.goroutine, c.place?.line]), [[7, 38]]);
  });

  it("reads goleak's unexpected-goroutines report", () => {
    const goleak = `--- FAIL: TestFetch (0.45s)
    leaks.go:78: found unexpected goroutines:
        [Goroutine 18 in state chan send, with example.com/app/internal/fetch.(*Client).get.func1 on top of the stack:
        goroutine 18 [chan send]:
        example.com/app/internal/fetch.(*Client).get.func1()
        	/home/ci/app/internal/fetch/client.go:42 +0x65
        created by example.com/app/internal/fetch.(*Client).get in goroutine 17
        	/home/ci/app/internal/fetch/client.go:40 +0x9c
        ]
`;
    const e = readEvidence(goleak.replace(/^ {8}/gm, ''));
    assert.equal(e.kind, 'dump');
    assert.deepEqual(e.goroutines.map((g) => [g.id, g.state, g.frames[0]?.line, g.createdBy?.line]), [[18, 'chan send', 42, 40]]);
  });

  it('gives an empty result with a reason for text it does not know, and never throws', () => {
    for (const text of ['', 'hello', 'goroutine 1 [', 'goroutine x [running]:\n\tfoo.go:1', '5 @ 0x1\n#\tbroken', '==================\nWARNING: DATA RACE\n']) {
      const e = readEvidence(text);
      assert.equal(e.kind, 'empty', text);
      assert.match(e.problem ?? '', /No goroutines or data races found/);
    }
  });

  it('says what is wrong with an empty file, a binary one, or a gzip stream that is not a profile; keeps what a truncated dump holds', () => {
    assert.match(readEvidenceBytes(new Uint8Array()).problem ?? '', /empty/);
    const elf = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0]);
    assert.match(readEvidenceBytes(elf).problem ?? '', /binary file/);
    const badGzip = readEvidenceBytes(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff]));
    assert.equal(badGzip.kind, 'empty');
    assert.ok(badGzip.problem);
    // Cut in the middle of the last goroutine's frame: the goroutines before it are all there.
    const cut = DUMP.slice(0, DUMP.indexOf('sync.(*WaitGroup).Wait(') + 10);
    const e = readEvidenceBytes(new TextEncoder().encode(cut));
    assert.equal(e.kind, 'dump');
    assert.deepEqual(e.goroutines.slice(0, 5).map((g) => g.id), [1, 18, 19, 20, 33]);
  });

  it('reads a dump of 100,000 goroutines in one pass', () => {
    const one = (i: number) => `goroutine ${i} [chan receive, ${i % 60} minutes]:\nexample.com/app/internal/pool.(*Pool).loop(0xc0000)\n\t/home/ci/app/internal/pool/pool.go:31 +0x99\ncreated by example.com/app/internal/pool.New in goroutine 1\n\t/home/ci/app/internal/pool/pool.go:20 +0x55\n`;
    const parts: string[] = [];
    for (let i = 2; i < 100002; i++) parts.push(one(i));
    const e = readEvidence(parts.join('\n'));
    assert.equal(e.goroutines.length, 100000);
    const { sites } = blockedSites(e.goroutines, new FrameMapper(WORKSPACE));
    assert.deepEqual(sites.map((s) => [s.place.line, s.count, s.longestMinutes, s.shortestMinutes]), [[31, 100000, 59, 0]]);
  });
});
