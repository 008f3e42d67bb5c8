/**
 * goconc dump on evidence that real Go programs wrote: a program that leaks and deadlocks writes
 * its goroutine profile in the three forms (debug=0, 1, 2), built with and without -trimpath in
 * one folder and reviewed from a copy of the checkout elsewhere; a racy test run with -race.
 * Needs the Go toolchain (CI installs golang-go); without `go` on the PATH the suite says so and
 * is skipped.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goconc } from './cli-helpers';

const HAVE_GO = spawnSync('go', ['version']).status === 0;

// Line numbers matter: the tests name them (send 12, wait 16, deadlock 23-24, go statements 28 and 32).
const MAIN = `package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"sync"
	"time"
)

func send(ch chan int) {
	ch <- 1
}

func wait(wg *sync.WaitGroup) {
	wg.Wait()
}

func main() {
	mode := os.Args[1]
	if mode == "deadlock" {
		ch := make(chan int)
		go send(ch)
		<-make(chan int)
		return
	}
	for i := 0; i < 3; i++ {
		go send(make(chan int))
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go wait(&wg)
	time.Sleep(200 * time.Millisecond)
	if mode == "quit" {
		fmt.Println("ready")
		time.Sleep(time.Hour)
	}
	for _, debug := range []int{0, 1, 2} {
		f, err := os.Create(fmt.Sprintf("%s/goroutines-%d.txt", mode, debug))
		if err != nil {
			panic(err)
		}
		pprof.Lookup("goroutine").WriteTo(f, debug)
		f.Close()
	}
}
`;

const RACY = `package racy

import "testing"

func TestRace(t *testing.T) {
	n := 0
	done := make(chan bool)
	go func() {
		n++
		done <- true
	}()
	n++
	<-done
	_ = n
}
`;

(HAVE_GO ? describe : describe.skip)('cli: goconc dump on evidence written by real Go programs', function () {
  this.timeout(180000);
  let build: string;
  let checkout: string;
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOCACHE: join(tmpdir(), 'goconc-gocache'), GO111MODULE: 'on', GOPROXY: 'off' };
  before(() => {
    // The module's folder has the same name in the build and the checkout, as a clone would.
    build = join(mkdtempSync(join(tmpdir(), 'goconc-build-')), 'leaky');
    mkdirSync(build);
    writeFileSync(join(build, 'go.mod'), 'module example.com/leaky\n\ngo 1.19\n');
    writeFileSync(join(build, 'main.go'), MAIN);
    // The same code, checked out somewhere else: the dump's absolute paths are the build's.
    checkout = mkdtempSync(join(tmpdir(), 'goconc-checkout-'));
    cpSync(build, join(checkout, 'leaky'), { recursive: true });
  });
  after(() => {
    rmSync(join(build, '..'), { recursive: true, force: true });
    rmSync(checkout, { recursive: true, force: true });
  });

  type Site = { place: { file: string; line: number }; count: number; state: string; leaked: number; spawns: { place: { line: number }; count: number }[] };
  async function dump(file: string): Promise<Site[]> {
    const res = await goconc(['dump', '--format', 'json', file, 'leaky'], { cwd: checkout });
    assert.equal(res.code, 0, `${file}: ${res.err}`);
    return (JSON.parse(res.out) as { sites: Site[] }).sites;
  }
  /** file:line count state [spawn line x count] of the sites in main.go. */
  const summary = (sites: Site[]) =>
    sites
      .filter((s) => s.place.file.endsWith('/leaky/main.go'))
      .map((s) => `${s.place.line} ${s.count} ${s.state}${s.spawns.map((x) => ` <- ${x.place.line}x${x.count}`).join('')}`)
      .sort();

  for (const trimpath of [false, true]) {
    it(`maps every form of the goroutine profile${trimpath ? ' of a -trimpath build' : ''} onto a checkout elsewhere`, async () => {
      const out = mkdtempSync(join(tmpdir(), 'goconc-prof-'));
      try {
        const r = spawnSync('go', ['run', ...(trimpath ? ['-trimpath'] : []), '.', out], { cwd: build, env, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        // debug=2 names states and spawn sites; debug=1 and debug=0 print neither (their runtime
        // frames are hidden or their creators unknown), so the state comes from the line.
        assert.deepEqual(summary(await dump(join(out, 'goroutines-2.txt'))), ['12 3 chan send <- 28x3', '16 1 semacquire <- 32x1']);
        for (const debug of [0, 1]) {
          assert.deepEqual(summary(await dump(join(out, `goroutines-${debug}.txt`))), ['12 3 chan send', '16 1 sync.WaitGroup.Wait', '43 1 unknown'], `debug=${debug}: the main goroutine writes the profile at line 43`);
        }
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  }

  it('maps a SIGQUIT dump of a running program, with its spawn sites', async () => {
    const bin = join(build, 'leaky.bin');
    const b = spawnSync('go', ['build', '-o', bin, '.'], { cwd: build, env, encoding: 'utf8' });
    assert.equal(b.status, 0, b.stderr);
    const child = spawn(bin, ['quit'], { cwd: build });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child.on('exit', () => reject(new Error(`exited before it was ready: ${stderr}`)));
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    // "ready" arrives while the main goroutine may still be returning from the write (a dump then
    // shows it in a syscall at line 35, seen on a loaded machine): let it reach its sleep first.
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.kill('SIGQUIT');
    await exited;
    assert.match(stderr, /^SIGQUIT: quit/m);
    const file = join(build, 'quit.txt');
    writeFileSync(file, stderr);
    assert.deepEqual(summary(await dump(file)), ['12 3 chan send <- 28x3', '16 1 semacquire <- 32x1', '36 1 sleep']);
  });

  it('maps the traceback of a program the runtime stopped as deadlocked', async () => {
    const r = spawnSync('go', ['run', '.', 'deadlock'], { cwd: build, env, encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /all goroutines are asleep - deadlock!/);
    const file = join(build, 'deadlock.txt');
    writeFileSync(file, r.stderr);
    assert.deepEqual(summary(await dump(file)), ['12 1 chan send <- 23x1', '24 1 chan receive']);
  });

  it('maps both accesses of a race report from go test -race, and where the goroutine was started', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'goconc-race-'));
    try {
      writeFileSync(join(dir, 'go.mod'), 'module example.com/racy\n\ngo 1.19\n');
      writeFileSync(join(dir, 'racy_test.go'), RACY);
      const r = spawnSync('go', ['test', '-race', '-count=1', '.'], { cwd: dir, env: { ...env, CGO_ENABLED: '1' }, encoding: 'utf8' });
      if (!/WARNING: DATA RACE/.test(r.stdout + r.stderr)) {
        // The race detector needs cgo and a C compiler; say what was missing rather than pass.
        assert.fail(`go test -race printed no race report:\n${r.stdout}\n${r.stderr}`);
      }
      writeFileSync(join(dir, 'race.txt'), r.stdout + r.stderr);
      const res = await goconc(['dump', 'race.txt'], { cwd: dir });
      assert.equal(res.code, 0, res.err);
      assert.match(res.out, /^racy_test\.go:\d+: data race: (write|read) at racy_test\.go:(9|12) \(goroutine \d+\) and (write|read) at racy_test\.go:(9|12)/m);
      assert.match(readFileSync(join(dir, 'race.txt'), 'utf8'), /created at/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
