import * as assert from 'node:assert/strict';
import { analyze, analyzePackage } from '../../src/core/analyze';
import type { GoLanguage } from '../../src/core/syntax/parser';
import { RULES_BY_ID } from '../../src/core/rules';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGoForTests, TESTDATA } from '../helpers';

const LEAK = `package p

func first(urls []string, fetch func(string) string) string {
	ch := make(chan string)
	for _, u := range urls {
		go func(u string) { ch <- fetch(u) }(u)
	}
	return <-ch
}
`;

describe('severity in tests', () => {
  let go: GoLanguage;
  before(async () => {
    go = await loadGoForTests();
  });
  const rules = [RULES_BY_ID.get('goroutine-send-leak')!];
  const severities = (fileName: string, severity?: Record<string, 'error'>) =>
    analyze(go, LEAK, { rules, fileName, severity }).findings.map((f) => f.severity);

  it('a leak rule reports a warning in package code and information in a _test.go file', () => {
    assert.deepEqual(severities('fetch.go'), ['warning']);
    assert.deepEqual(severities('fetch_test.go'), ['info']);
  });

  it('test-support packages (fstest, testutil, e2e) count as tests; a package named latest does not', () => {
    const analyzeAs = (pkg: string) =>
      analyze(go, LEAK.replace('package p', `package ${pkg}`), { rules, fileName: 'helpers.go' }).findings.map((f) => f.severity);
    assert.deepEqual(analyzeAs('fstest'), ['info']);
    assert.deepEqual(analyzeAs('testutil'), ['info']);
    assert.deepEqual(analyzeAs('e2e'), ['info']);
    assert.deepEqual(analyzeAs('latest'), ['warning']);
    assert.deepEqual(analyzeAs('server'), ['warning']);
  });

  it('files named to serve tests (testing.go, test_helpers.go) count as tests; testingx.go does not', () => {
    assert.deepEqual(severities('client/testing.go'), ['info']);
    assert.deepEqual(severities('monitor/test_helpers.go'), ['info']);
    assert.deepEqual(severities('client/testingx.go'), ['warning']);
  });

  it('a function that takes a *testing.T (or testing.TB) is test code wherever its file is; a literal inside it too', () => {
    const helper = (param: string) =>
      LEAK.replace('package p\n', 'package suite\n\nimport "testing"\n').replace('fetch func(string) string)', `fetch func(string) string, ${param})`);
    const at = (src: string) => analyze(go, src, { rules, fileName: 'suite.go' }).findings.map((f) => f.severity);
    assert.deepEqual(at(helper('t *testing.T')), ['info']);
    assert.deepEqual(at(helper('tb testing.TB')), ['info']);
    assert.deepEqual(at(helper('b *testing.B')), ['info']);
    // A parameter of another package's T is not a test's.
    assert.deepEqual(at(helper('t *testing.T').replace('import "testing"', 'import testing "example.com/m/fake"')), ['warning']);
    assert.deepEqual(at(helper('n int')), ['warning']);
    // testify's TestingT, and an assertion package's own (mongo-go-driver's internal/assert), with or without "testing".
    assert.deepEqual(at(helper('t assert.TestingT')), ['info']);
    assert.deepEqual(at(helper('t TestingT').replace('import "testing"\n', '')), ['info']);
    assert.deepEqual(at(helper('t TestingTime').replace('import "testing"\n', '')), ['warning']);
  });

  it('packages whose import path has a folder that serves tests (tests/, e2e/, integration-cli/) count as tests; the path on disk does not', () => {
    const at = (importPath: string | undefined, fileName = '/home/me/tests/proj/x/cluster.go') =>
      analyze(go, LEAK, { rules, fileName, importPath }).findings.map((f) => f.severity);
    assert.deepEqual(at('go.etcd.io/etcd/tests/v3/framework/integration'), ['info']);
    assert.deepEqual(at('github.com/docker/docker/integration-cli'), ['info']);
    assert.deepEqual(at('example.com/m/internal/e2e'), ['info']);
    assert.deepEqual(at('tests/x'), ['info']);
    assert.deepEqual(at('github.com/docker/docker/libnetwork/cmd/networkdb-test/dbclient'), ['info']);
    assert.deepEqual(at('example.com/m/x'), ['warning']);
    assert.deepEqual(at('example.com/m/contest/x'), ['warning']);
    assert.deepEqual(at('example.com/m/latests/x'), ['warning']);
    // The host's name is not a folder: a module served from tests.example.com is not a test.
    assert.deepEqual(at('e2e.example.com/m/server'), ['warning']);
    assert.deepEqual(at(undefined), ['warning']);
  });

  it('lost-cancel: a discarded cancel is a warning in package code and information in test-support code (temporal sqlplugin/tests), or when the parent is never cancelled and there is no timer', () => {
    const src = `package tests

import (
	"context"
	"time"
)

func newExecutionContext() context.Context {
	ctx, _ := context.WithTimeout(context.Background(), 2*time.Second)
	return ctx
}
`;
    const lost = [RULES_BY_ID.get('lost-cancel')!];
    const at = (importPath: string, text = src) => analyze(go, text, { rules: lost, fileName: 'context.go', importPath }).findings.map((f) => f.severity);
    assert.deepEqual(at('go.temporal.io/server/common/persistence/sql/sqlplugin/tests'), ['info']);
    assert.deepEqual(at('go.temporal.io/server/common/persistence/sql/sqlplugin/store', src.replace('package tests', 'package store')), ['warning']);
    // A child of Background without a timer is linked to nothing: discarding its cancel leaves
    // nothing behind (Xray's shadowsocks outbound). With a timer, the timer stays armed.
    const untimed = `package store

import "context"

func detach(ctx context.Context) context.Context {
	ctx, _ = context.WithCancel(context.Background())
	return ctx
}
`;
    assert.deepEqual(at('example.com/store', untimed), ['info']);
    assert.deepEqual(at('example.com/store', untimed.replace('context.Background()', 'ctx')), ['warning']);
  });

  it('a send leak when the function leaves early only on a failed call of its own is information; on a timeout it is a warning', () => {
    const both = `package p

func restore(start func() (int, error), check func() error) (int, error) {
	errCh := make(chan error)
	meta := make(chan int)
	go func() {
		n, err := start()
		if err != nil {
			errCh <- err
			return
		}
		meta <- n
	}()
	if err := check(); err != nil {
		return 0, err
	}
	select {
	case err := <-errCh:
		return 0, err
	case n := <-meta:
		return n, nil
	}
}
`;
    const at = (src: string) => analyze(go, src, { rules, fileName: 'compress.go' }).findings.map((f) => `${f.range.start.line + 1} ${f.severity}`);
    // Both goroutine sends are stranded only when check fails.
    assert.deepEqual(at(both), ['9 info', '12 info']);
    // A timeout strands them on any slow run: warnings.
    const timeout = both
      .replace('package p\n', 'package p\n\nimport "time"\n')
      .replace('\tif err := check(); err != nil {\n\t\treturn 0, err\n\t}\n', '')
      .replace('\t\treturn n, nil\n', '\t\treturn n, nil\n\tcase <-time.After(time.Second):\n\t\treturn 0, nil\n');
    assert.deepEqual(at(timeout), ['11 warning', '14 warning']);
  });

  it('a send leak in a function of package main that runs once per process is information', () => {
    const prog = (mainBody: string) => `package main

import "time"

func run(work func() int) int {
	ch := make(chan int)
	go func() { ch <- work() }()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Second):
		return 0
	}
}

func main() {
${mainBody}
}
`;
    const at = (src: string) => analyze(go, src, { rules, fileName: 'main.go' }).findings.map((f) => `${f.range.start.line + 1} ${f.severity}`);
    assert.deepEqual(at(prog('\tprintln(run(func() int { return 1 }))')), ['7 info']);
    // Called for every line of input, it strands a goroutine each time.
    assert.deepEqual(at(prog('\tfor i := 0; i < 10; i++ {\n\t\tprintln(run(func() int { return i }))\n\t}')), ['7 warning']);
  });

  it('goroutine-receive-leak: waiters stranded by a function of package main that runs once, also in a goroutine main starts, are information', () => {
    const prog = (mainBody: string) => `package main

type producer struct{ in chan int }

func (p *producer) run(workers int) {
	out := make(chan int)
	for i := 0; i < workers; i++ {
		go func() {
			for v := range out {
				println(v)
			}
		}()
	}
	for v := range p.in {
		out <- v
	}
}

func main() {
	p := &producer{in: make(chan int)}
${mainBody}
	for i := 0; ; i++ {
		p.in <- i
	}
}
`;
    const receive = [RULES_BY_ID.get('goroutine-receive-leak')!];
    const at = (src: string) => analyze(go, src, { rules: receive, fileName: 'main.go' }).findings.map((f) => `${f.range.start.line + 1} ${f.severity}`);
    assert.deepEqual(at(prog('	go p.run(4)')), ['9 info']);
    // Started once per batch, it strands a set of workers each time.
    assert.deepEqual(at(prog('	for b := 0; b < 3; b++ {\n\t\tgo p.run(4)\n\t}')), ['9 warning']);
  });

  it('unsynchronized-write: a test goroutine that stores what a Run method returns races only if the service fails early: information; the same code outside tests is a warning', () => {
    const src = `package p

import "context"

type service struct{}

func (s *service) Run(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }

func step() error { return nil }

func exercise(s *service) error {
	ctx, cancel := context.WithCancel(context.Background())
	var err error
	go func() {
		err = s.Run(ctx)
	}()
	err = step()
	cancel()
	return err
}
`;
    const write = [RULES_BY_ID.get('unsynchronized-write')!];
    const at = (fileName: string) => analyze(go, src, { rules: write, fileName }).findings.map((f) => `${f.range.start.line + 1} ${f.severity}`);
    assert.deepEqual(at('service_test.go'), ['15 info']);
    assert.deepEqual(at('service.go'), ['15 warning']);
  });

  it('waitgroup-done-missing: a return right after t.Errorf in a test, or a path that records a failure, hangs a run that already failed: information', () => {
    const src = (failure: string) => `package p

import (
	"sync"
	"testing"
)

func TestDefer(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		if !try() {
			${failure}
			return
		}
		wg.Done()
	}()
	wg.Wait()
}

func try() bool { return true }
`;
    const wgRules = [RULES_BY_ID.get('waitgroup-done-missing')!];
    const at = (text: string) => analyze(go, text, { rules: wgRules, fileName: 'defer_test.go' }).findings.map((f) => f.severity);
    assert.deepEqual(at(src('t.Errorf("cannot defer")')), ['info']);
    assert.deepEqual(at(src('t.Log("retrying")')), ['warning']);
    // A test suite's stage latch: the goroutine (a function value started with go) hands its error
    // to the test and returns before Done; the test fails with that error (go-ethereum's ethtest).
    const latch = (pkg: string) => `package ${pkg}

import (
	"errors"
	"sync"
)

func stages(dial func() error) error {
	stage1 := new(sync.WaitGroup)
	stage1.Add(1)
	errc := make(chan error, 2)
	first := func() {
		if err := dial(); err != nil {
			errc <- errors.New("dial failed")
			return
		}
		stage1.Done()
	}
	second := func() {
		stage1.Wait()
		errc <- nil
	}
	go first()
	go second()
	return <-errc
}
`;
    const inPackage = (pkg: string) => analyze(go, latch(pkg), { rules: wgRules, fileName: 'suite.go' }).findings.map((f) => `${f.range.start.line + 1} ${f.severity}`);
    assert.deepEqual(inPackage('ethtest'), ['17 info']);
    assert.deepEqual(inPackage('peers'), ['17 warning']);
    // The Done only in the last arm, every other arm recording a failure, falling off the end
    // (rueidis' mux tests); an arm that only logs still counts.
    const arms = (failure: string) => `package p

import (
	"sync"
	"testing"
)

func TestArms(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		if v, err := do(); err != nil {
			t.Errorf("unexpected error %v", err)
		} else if v != "OK" {
			${failure}
		} else {
			wg.Done()
		}
	}()
	wg.Wait()
}

func do() (string, error) { return "", nil }
`;
    const armsAt = (text: string) => analyze(go, text, { rules: wgRules, fileName: 'mux_test.go' }).findings.map((f) => f.severity);
    assert.deepEqual(armsAt(arms('t.Errorf("unexpected response %v", v)')), ['info']);
    assert.deepEqual(armsAt(arms('t.Logf("unexpected response %v", v)')), ['warning']);
  });

  it('double-close: a close right before t.Fatal runs only in a failed test: information; on the passing path an error', () => {
    const text = readFileSync(join(TESTDATA, 'double-close', 'timeout_test.go'), 'utf8');
    const found = analyze(go, text, { rules: [RULES_BY_ID.get('double-close')!], fileName: 'timeout_test.go' }).findings;
    assert.deepEqual(found.map((f) => [f.range.start.line + 1, f.severity]), [[31, 'info'], [45, 'error']]);
  });

  it('goroutine-send-leak: a Serve error sent only when it is not ErrServerClosed, with the server shut down on every way out after the wait ends: information', () => {
    const text = readFileSync(join(TESTDATA, 'goroutine-send-leak', 'serve.go'), 'utf8');
    const found = analyze(go, text, { rules, fileName: 'serve.go' }).findings;
    assert.deepEqual(found.map((f) => [f.range.start.line + 1, f.severity]), [[19, 'info'], [37, 'warning'], [55, 'info'], [83, 'warning'], [106, 'info']]);
  });

  it('timer-drain-deadlock: a drain reached only through a test-failure case is information', () => {
    const text = readFileSync(join(TESTDATA, 'timer-drain-deadlock', 'deadline_test.go'), 'utf8');
    const found = analyze(go, text, { rules: [RULES_BY_ID.get('timer-drain-deadlock')!], fileName: 'deadline_test.go' }).findings;
    assert.deepEqual(found.map((f) => [f.range.start.line + 1, f.severity]), [[16, 'info']]);
  });

  it('recursive-rlock: a read lock taken again in a test is information; the same code outside tests is a warning', () => {
    const text = readFileSync(join(TESTDATA, 'recursive-rlock', 'snapshot_test.go'), 'utf8');
    const at = (fileName: string, src = text) => analyze(go, src, { rules: [RULES_BY_ID.get('recursive-rlock')!], fileName }).findings.map((f) => [f.range.start.line + 1, f.severity]);
    assert.deepEqual(at('snapshot_test.go'), [[29, 'info']]);
    // Outside a test file, a function that takes a *testing.T is still test code; one that does not is not.
    assert.deepEqual(at('snapshot.go'), [[29, 'info']]);
    assert.deepEqual(at('snapshot.go', text.replace('TestOpenViewAndTotal(t *testing.T)', 'checkTotal(t interface{ Fatal(...any) })')), [[29, 'warning']]);
  });

  it('unsynchronized-write: goroutines of a test that store a built error, or the status they found failed, only when a check fails race on a failing run: information', () => {
    const text = readFileSync(join(TESTDATA, 'unsynchronized-write', 'stress_test.go'), 'utf8');
    const at = (fileName: string) =>
      analyze(go, text, { rules: [RULES_BY_ID.get('unsynchronized-write')!], fileName }).findings.map((f) => [f.range.start.line + 1, f.severity]);
    assert.deepEqual(at('stress_test.go'), [[25, 'info'], [52, 'warning'], [72, 'info'], [91, 'info'], [111, 'warning']]);
    // The same writes outside a test file are not test failures.
    assert.deepEqual(at('stress.go'), [[25, 'warning'], [52, 'warning'], [72, 'warning'], [91, 'warning'], [111, 'warning']]);
  });

  it('timer-leak-in-loop: one time.Tick in a command of package main that nothing calls by name, or in what only such commands call once, is information; a ticker per loop pass stays a warning', () => {
    const dir = join(TESTDATA, 'timer-leak-in-loop', 'cmdtable');
    const files = ['main.go', 'producer.go'].map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
    const got = analyzePackage(go, files, { rules: [RULES_BY_ID.get('timer-leak-in-loop')!], goVersion: '1.20' }).flatMap((r, i) => r.findings.map((f) => `${files[i].name}:${f.range.start.line + 1} ${f.severity}`));
    assert.deepEqual(got, ['producer.go:13 info', 'producer.go:29 warning', 'producer.go:35 info']);
  });

  it('unsynchronized-write: a test function named for a race, or a `case "race":`, races on purpose: information with no fix; outside test code a warning with its fix', () => {
    const text = readFileSync(join(TESTDATA, 'unsynchronized-write', 'on_purpose_test.go'), 'utf8');
    const at = (fileName: string) =>
      analyze(go, text, { rules: [RULES_BY_ID.get('unsynchronized-write')!], fileName, goVersion: '1.22' }).findings.map((f) => [f.range.start.line + 1, f.severity, f.fixes.length > 0]);
    assert.deepEqual(at('on_purpose_test.go'), [[17, 'info', false], [32, 'info', false], [43, 'warning', true], [58, 'warning', true]]);
    // Outside a test file only a function that takes a *testing.T is test code (runFixture).
    assert.deepEqual(at('on_purpose.go').map(([line, severity]) => [line, severity]), [[17, 'warning'], [32, 'info'], [43, 'warning'], [58, 'warning']]);
  });

  it('unsynchronized-write: goroutines that all store the same constant race without losing a value: information', () => {
    const text = readFileSync(join(TESTDATA, 'unsynchronized-write', 'loops.go'), 'utf8');
    const found = analyze(go, text, { rules: [RULES_BY_ID.get('unsynchronized-write')!], fileName: 'loops.go' }).findings;
    const at = (re: RegExp) => found.filter((f) => re.test(f.message)).map((f) => f.severity);
    assert.deepEqual(at(/^`failed = true`/), ['info']);
    assert.deepEqual(at(/^`state = 1`/), ['warning']);
  });

  it('errgroup-context-unused: a dropped Wait error is a warning in package code and information in a test, which may expect the failures', () => {
    const src = `package p

import (
	"errors"

	"golang.org/x/sync/errgroup"
)

func writeAll(n int) {
	var g errgroup.Group
	for i := 0; i < n; i++ {
		g.Go(func() error { return errors.New("closed") })
	}
	g.Wait()
}
`;
    const eg = [RULES_BY_ID.get('errgroup-context-unused')!];
    const at = (fileName: string) => analyze(go, src, { rules: eg, fileName }).findings.map((f) => f.severity);
    assert.deepEqual(at('pipe.go'), ['warning']);
    assert.deepEqual(at('pipe_test.go'), ['info']);
  });

  it("send-to-stopped-loop: a send kept away from the stopped loop by a state field that the stopper sets before it closes the stop channel is information (k6's WebSocket)", () => {
    const src = (stopper: string) => `package ws

import "errors"

const (
	open = iota
	closed
)

type socket struct {
	state int
	queue chan []byte
	done  chan struct{}
}

func newSocket() *socket {
	w := &socket{queue: make(chan []byte), done: make(chan struct{})}
	go w.pump()
	return w
}

func (w *socket) pump() {
	for {
		select {
		case <-w.queue:
		case <-w.done:
			return
		}
	}
}

func (w *socket) assertOpen() {
	if w.state == open {
		return
	}
	panic(errors.New("invalid state"))
}

func (w *socket) Send(b []byte) {
	w.assertOpen()
	w.sendBytes(b)
}

func (w *socket) sendBytes(b []byte) {
	w.queue <- b
}

func (w *socket) closed(err error) {
${stopper}
	close(w.done)
}
`;
    const stl = [RULES_BY_ID.get('send-to-stopped-loop')!];
    const at = (text: string) => analyze(go, text, { rules: stl, fileName: 'ws.go' }).findings.map((f) => `${f.range.start.line + 1} ${f.severity}`);
    assert.deepEqual(at(src('\tw.state = closed')), ['45 info']);
    assert.deepEqual(at(src('\t_ = err')), ['45 warning']);
  });

  it('mutex-copied: a value receiver that locks its copy is a warning; one that only reads the copy is information', () => {
    const src = `package p

import "sync"

type Stats struct {
	mu sync.Mutex
	n  int
}

func (s Stats) Add() {
	s.mu.Lock()
	s.n++
	s.mu.Unlock()
}

func (s Stats) Count() int {
	return s.n
}
`;
    const mc = [RULES_BY_ID.get('mutex-copied')!];
    const found = analyze(go, src, { rules: mc, fileName: 'stats.go' }).findings;
    assert.deepEqual(
      found.map((f) => `${f.range.start.line + 1} ${f.severity} ${f.fixes.length}`),
      ['10 warning 1', '16 info 1'],
    );
  });

  it('a severity the user set wins in tests too', () => {
    assert.deepEqual(severities('fetch_test.go', { 'goroutine-send-leak': 'error' }), ['error']);
  });
});
