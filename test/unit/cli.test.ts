import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goDirective } from '../../src/cli/files';
import { Progress } from '../../src/cli/progress';
import { lastStats } from '../../src/cli/run';
import { RULES } from '../../src/core/rules';
import { BUG, BUG_MESSAGE, CLEAN, goconc, tree, WG_RULE } from './cli-helpers';

const NO_CACHE = '--no-cache';

describe('cli: paths, output and exit codes', function () {
  this.timeout(60000);
  let dir: string;
  let remove: () => void;
  before(() => {
    ({ dir, remove } = tree({
      'bug.go': BUG,
      'clean.go': CLEAN,
      'vendor/bug.go': BUG,
      'testdata/bug.go': BUG,
      '.hidden/bug.go': BUG,
      'node_modules/x/bug.go': BUG,
      'sub/bug.go': BUG,
      'sub/notes.txt': 'not go',
    }));
    symlinkSync(dir, join(dir, 'sub', 'loop')); // a link back up must not be followed
  });
  after(() => remove());

  it('prints path:line:col: message (rule) as go vet and staticcheck do, the summary on stderr, and exits 1', async () => {
    const r = await goconc([NO_CACHE, '--rules', WG_RULE, '.'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.equal(r.out, [`bug.go:8:3: ${BUG_MESSAGE} (${WG_RULE})`, `${join('sub', 'bug.go')}:8:3: ${BUG_MESSAGE} (${WG_RULE})`, ''].join('\n'));
    // The line shape VS Code's $go problem matcher and CI annotations read.
    assert.match(r.out.split('\n')[0], /^([^:\s]+):(\d+):(\d+): (.*)$/);
    assert.doesNotMatch(r.out, /\x1b\[/, 'no colour when stdout is not a terminal');
    assert.equal(r.err, 'goconc: 2 findings (2 warnings) in 2 files; 2 can be fixed with --fix\n');
  });

  it('--format grouped groups findings by file, with line:column, severity, message and rule', async () => {
    const r = await goconc([NO_CACHE, '--format', 'grouped', '--rules', WG_RULE, '.'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.equal(
      r.out,
      [
        'bug.go',
        `  8:3  warning  ${BUG_MESSAGE}  ${WG_RULE}`,
        '',
        join('sub', 'bug.go'),
        `  8:3  warning  ${BUG_MESSAGE}  ${WG_RULE}`,
        '',
        '2 findings (2 warnings) in 2 files; 2 can be fixed with --fix',
        '',
      ].join('\n'),
    );
    assert.doesNotMatch(r.out, /\x1b\[/, 'no colour when stdout is not a terminal');
    assert.equal(r.err, '');
  });

  it('prints absolute paths for files outside the working folder', async () => {
    const r = await goconc([NO_CACHE, '--rules', WG_RULE, join(dir, 'bug.go')], { cwd: join(dir, 'sub') });
    assert.equal(r.out.split(':8:3:')[0], join(dir, 'bug.go'));
  });

  it('colours text on a terminal, unless NO_COLOR is set', async () => {
    const tty = await goconc([NO_CACHE, '--rules', WG_RULE, 'bug.go'], { cwd: dir, stdoutIsTTY: true });
    assert.match(tty.out, /\x1b\[33m\(waitgroup-add-in-goroutine\)\x1b\[0m/);
    assert.match(tty.out, /\x1b\[1mbug\.go:8:3\x1b\[0m/);
    const grouped = await goconc([NO_CACHE, '--format', 'grouped', '--rules', WG_RULE, 'bug.go'], { cwd: dir, stdoutIsTTY: true });
    assert.match(grouped.out, /\x1b\[33mwarning\x1b\[0m/);
    assert.match(grouped.out, /\x1b\[1;4mbug\.go\x1b\[0m/);
    const noColor = await goconc([NO_CACHE, '--rules', WG_RULE, 'bug.go'], { cwd: dir, stdoutIsTTY: true, env: { NO_COLOR: '1' } });
    assert.doesNotMatch(noColor.out, /\x1b\[/);
  });

  it('exits 0 and prints nothing when there is nothing to report', async () => {
    const r = await goconc([NO_CACHE, 'clean.go'], { cwd: dir });
    assert.deepEqual(r, { code: 0, out: '', err: '' });
  });

  it('skips vendor, testdata, node_modules and dot folders; --include-testdata adds testdata', async () => {
    await goconc([NO_CACHE, '--quiet', '.'], { cwd: dir });
    assert.equal(lastStats!.files, 3); // bug.go, clean.go, sub/bug.go; the loop link is not followed
    const r = await goconc([NO_CACHE, '--include-testdata', '--rules', WG_RULE, '--format', 'json', '.'], { cwd: dir });
    assert.deepEqual(
      JSON.parse(r.out).findings.map((f: { file: string }) => f.file),
      ['bug.go', join('sub', 'bug.go'), join('testdata', 'bug.go')],
    );
  });

  it('accepts go-style ./... and dir/... paths', async () => {
    const all = await goconc([NO_CACHE, '--rules', WG_RULE, '-q', './...'], { cwd: dir });
    assert.equal(all.code, 1);
    assert.equal(lastStats!.files, 3);
    await goconc([NO_CACHE, '-q', 'sub/...'], { cwd: dir });
    assert.equal(lastStats!.files, 1);
  });

  it('--rules and --disable choose the rules', async () => {
    assert.equal((await goconc([NO_CACHE, '--disable', WG_RULE, 'bug.go'], { cwd: dir })).code, 0);
    const other = RULES.find((r) => r.id !== WG_RULE)!.id;
    assert.equal((await goconc([NO_CACHE, '--rules', other, 'bug.go'], { cwd: dir })).code, 0);
    assert.equal((await goconc([NO_CACHE, `--rules=${other},${WG_RULE}`, 'bug.go'], { cwd: dir })).code, 1);
    const none = await goconc([NO_CACHE, '--rules', WG_RULE, '--disable', WG_RULE, 'bug.go'], { cwd: dir });
    assert.equal(none.code, 2);
    assert.match(none.err, /no rule to run/);
  });

  it('--fail-on sets the level that fails (the finding is a warning)', async () => {
    const code = async (level: string) => (await goconc([NO_CACHE, '-q', '--rules', WG_RULE, '--fail-on', level, 'bug.go'], { cwd: dir })).code;
    assert.equal(await code('hint'), 1);
    assert.equal(await code('info'), 1);
    assert.equal(await code('warning'), 1);
    assert.equal(await code('error'), 0);
    assert.equal(await code('none'), 0);
  });

  it('by default only warnings and errors fail: information and hints are printed but exit 0', async () => {
    // A leak in a test is information.
    const info = tree({ 'leak_test.go': 'package p\n\nimport "testing"\n\nfunc TestFirst(t *testing.T) {\n\tch := make(chan int)\n\tfor i := 0; i < 2; i++ {\n\t\tgo func() { ch <- i }()\n\t}\n\t<-ch\n}\n' });
    try {
      const r = await goconc([NO_CACHE, '--rules', 'goroutine-send-leak', '--format', 'json', '.'], { cwd: info.dir });
      assert.deepEqual(JSON.parse(r.out).findings.map((f: { severity: string }) => f.severity), ['info']);
      assert.equal(r.code, 0);
      assert.equal((await goconc([NO_CACHE, '--rules', 'goroutine-send-leak', '--fail-on', 'info', '-q', '.'], { cwd: info.dir })).code, 1);
    } finally {
      info.remove();
    }
  });

  it('--quiet prints nothing but keeps the exit status', async () => {
    const r = await goconc([NO_CACHE, '--quiet', '--rules', WG_RULE, '.'], { cwd: dir });
    assert.deepEqual(r, { code: 1, out: '', err: '' });
  });

  it('--max-file-size skips larger files with a message', async () => {
    const big = tree({ 'big.go': BUG + '\n// ' + 'x'.repeat(3000) + '\n' });
    try {
      const r = await goconc([NO_CACHE, '--max-file-size', '2', '--rules', WG_RULE, '.'], { cwd: big.dir });
      assert.equal(r.code, 0);
      assert.equal(r.out, '');
      assert.match(r.err, /skipped big\.go: larger than 2 KB/);
      assert.equal((await goconc([NO_CACHE, '--max-file-size', '4', '--rules', WG_RULE, '-q', '.'], { cwd: big.dir })).code, 1);
    } finally {
      big.remove();
    }
  });

  it('--go-version is checked; go.mod gives the default', async () => {
    assert.equal((await goconc([NO_CACHE, '--go-version', '1.22', '-q', 'clean.go'], { cwd: dir })).code, 0);
    assert.equal((await goconc([NO_CACHE, '--go-version', 'go1.21.3', '-q', 'clean.go'], { cwd: dir })).code, 0);
    const bad = await goconc([NO_CACHE, '--go-version', '2', 'clean.go'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--go-version must look like 1\.22/);
    assert.equal(goDirective('module x\n\ngo 1.22.3\n'), '1.22');
    assert.equal(goDirective('module x\n'), undefined);
  });

  it('the rules see the Go version of go.mod, or of --go-version', async function () {
    // timer-leak-in-loop does not report time.Tick from Go 1.23 on (unreferenced tickers are collected).
    const rule = 'timer-leak-in-loop';
    if (!RULES.some((r) => r.id === rule)) this.skip();
    const tick = 'package p\n\nimport "time"\n\nfunc report(done <-chan struct{}, every time.Duration) {\n\tfor range time.Tick(every) {\n\t\tselect {\n\t\tcase <-done:\n\t\t\treturn\n\t\tdefault:\n\t\t}\n\t}\n}\n';
    const t = tree({ 'go.mod': 'module example.com/m\n\ngo 1.21\n', 'p/tick.go': tick });
    try {
      const count = async (...argv: string[]) =>
        JSON.parse((await goconc([NO_CACHE, '--format', 'json', '--rules', rule, ...argv, '.'], { cwd: t.dir })).out).findings.length;
      assert.equal(await count(), 1);
      assert.equal(await count('--go-version', '1.23'), 0);
      writeFileSync(join(t.dir, 'go.mod'), 'module example.com/m\n\ngo 1.23.1\n');
      assert.equal(await count(), 0);
      assert.equal(await count('--go-version', '1.22'), 1);
    } finally {
      t.remove();
    }
  });

  it('a package whose import path has a folder that serves tests (tests/, e2e/) is weighed as test code; the same folder names on disk outside the module are not', async () => {
    const leak = 'package p\n\nfunc first(urls []string, fetch func(string) string) string {\n\tch := make(chan string)\n\tfor _, u := range urls {\n\t\tgo func(u string) { ch <- fetch(u) }(u)\n\t}\n\treturn <-ch\n}\n';
    const t = tree({
      'tests/m/go.mod': 'module example.com/m\n\ngo 1.22\n',
      'tests/m/server/leak.go': leak,
      'tests/m/tests/e2e/leak.go': leak,
      // A nested module of tests (etcd's go.etcd.io/etcd/tests/v3).
      'tests/m/tests/go.mod': 'module example.com/m/tests/v3\n\ngo 1.22\n',
      'tests/m/tests/framework/leak.go': leak,
      'tests/loose/leak.go': leak,
    });
    try {
      const r = JSON.parse((await goconc([NO_CACHE, '--format', 'json', '--rules', 'goroutine-send-leak', '.'], { cwd: t.dir })).out);
      const bySeverity = Object.fromEntries(r.findings.map((f: { file: string; severity: string }) => [f.file, f.severity]));
      assert.deepEqual(bySeverity, {
        'tests/loose/leak.go': 'warning',
        'tests/m/server/leak.go': 'warning',
        'tests/m/tests/e2e/leak.go': 'info',
        'tests/m/tests/framework/leak.go': 'info',
      });
    } finally {
      t.remove();
    }
  });

  it('--include-generated reviews generated files', async () => {
    const gen = tree({ 'gen.go': '// Code generated by hand. DO NOT EDIT.\n\n' + BUG });
    try {
      assert.equal((await goconc([NO_CACHE, '--rules', WG_RULE, '-q', '.'], { cwd: gen.dir })).code, 0);
      assert.equal((await goconc([NO_CACHE, '--rules', WG_RULE, '-q', '--include-generated', '.'], { cwd: gen.dir })).code, 1);
    } finally {
      gen.remove();
    }
  });

  it('exits 2 with a clear message on bad usage', async () => {
    const cases: [string[], RegExp][] = [
      [['--format', 'xml'], /--format must be text, grouped, json or sarif, not "xml"/],
      [['--rules', 'no-such-rule'], /unknown rule "no-such-rule"/],
      [['--bogus'], /unknown flag --bogus/],
      [['--fail-on', 'warn'], /--fail-on must be one of hint, info, warning, error, none/],
      [['--jobs', '0'], /--jobs takes a number of threads/],
      [['-j', 'many'], /-j takes a number of threads/],
      [['--max-file-size', 'big'], /--max-file-size takes a size in KB/],
      [['--diff'], /use --fix --diff/],
      [['--format'], /--format needs a value/],
      [['--quiet=yes'], /--quiet takes no value/],
      [['-'], /standard input is not supported/],
    ];
    for (const [argv, message] of cases) {
      const r = await goconc([NO_CACHE, ...argv], { cwd: dir });
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.err, message);
      assert.match(r.err, /Run goconc --help for usage/);
      assert.equal(r.out, '');
    }
  });

  it('exits 2 naming the path when a path is missing or a file cannot be read', async () => {
    const missing = await goconc([NO_CACHE, 'nope', '.'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.equal(missing.err, 'goconc: nope: no such file or directory\n');
    if (process.platform === 'linux') {
      // /proc/self/mem is a file that stat sees but read refuses (root can read any chmod 000 file).
      const unreadable = await goconc([NO_CACHE, '--format', 'json', '/proc/self/mem', 'clean.go'], { cwd: dir });
      assert.equal(unreadable.code, 2);
      assert.match(unreadable.err, /^goconc: cannot read \/proc\/self\/mem: /);
      assert.equal(JSON.parse(unreadable.out).errors[0].file, '/proc/self/mem');
    }
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    writeFileSync(join(locked, 'a.go'), CLEAN);
    chmodSync(locked, 0o000);
    try {
      // Root reads any folder, so this part only runs for other users.
      if (process.getuid?.() !== 0) {
        const root = await goconc([NO_CACHE, 'locked'], { cwd: dir });
        assert.equal(root.code, 2);
        assert.equal(root.err, 'goconc: locked: permission denied\n');
        // Inside the tree, the folder is reported and the rest is still reviewed.
        const inside = await goconc([NO_CACHE, '--rules', WG_RULE, '.'], { cwd: dir });
        assert.equal(inside.code, 2);
        assert.match(inside.err, /goconc: cannot read locked: permission denied/);
        assert.match(inside.out, /^bug\.go$/m);
      }
    } finally {
      chmodSync(locked, 0o755);
    }
  });

  it('prints help with examples, the version and the rules', async () => {
    const help = await goconc(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /Usage: goconc \[flags\] \[paths\.\.\.\]/);
    for (const flag of ['--format', '--rules', '--disable', '--go-version', '--fail-on', '--fix', '--diff', '--jobs', '--max-file-size', '--quiet', '--version', '--cache-dir', '--no-cache', '--include-testdata']) {
      assert.ok(help.out.includes(flag), `help mentions ${flag}`);
    }
    assert.match(help.out, /Examples:\n {2}goconc/);
    assert.match((await goconc(['--version'])).out, /^goconc \d+\.\d+\.\d+\n$/);
    const list = await goconc(['--list-rules']);
    for (const r of RULES) assert.ok(list.out.includes(r.id));
  });

  it('draws progress on a terminal stderr only, and clears it', () => {
    let drawn = '';
    const p = new Progress(10, (s) => (drawn += s), 0);
    p.add(5);
    p.add(5);
    p.end();
    assert.match(drawn, /goconc: 5\/10 files \(50%\), \d+ files\/s/);
    assert.ok(drawn.endsWith('\r\x1b[2K'));
    const quiet = new Progress(10, undefined, 0);
    quiet.add(10);
    quiet.end();
  });

  it('prints no progress when stderr is not a terminal, only the summary', async () => {
    const r = await goconc([NO_CACHE, '--rules', WG_RULE, '.'], { cwd: dir, stderrIsTTY: false });
    assert.equal(r.err, 'goconc: 2 findings (2 warnings) in 2 files; 2 can be fixed with --fix\n');
  });
});
