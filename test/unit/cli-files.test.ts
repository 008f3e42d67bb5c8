import * as assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { goFiles, groupByDir } from '../../src/cli/files';
import { IgnoreStack, parseGitignore } from '../../src/cli/gitignore';
import { Packages } from '../../src/server/files';
import { loadGoForTests } from '../helpers';
import { CLEAN, goconc, tree } from './cli-helpers';

/** Whether one .gitignore text ignores a path (relative to its folder). */
function ignored(gitignore: string, path: string, isDir = false): boolean {
  return IgnoreStack.EMPTY.with({ dir: '/r', rules: parseGitignore(gitignore) }).ignores('/r/' + path, isDir);
}

describe('cli: finding files (.gitignore, symlinks, packages)', function () {
  this.timeout(60000);

  it('matches the common .gitignore syntax', () => {
    // A name without a slash matches at any depth.
    assert.ok(ignored('gen.go', 'gen.go'));
    assert.ok(ignored('gen.go', 'a/b/gen.go'));
    assert.ok(!ignored('gen.go', 'a/xgen.go'));
    // Globs: * and ? stay inside one path segment; [...] classes.
    assert.ok(ignored('*_gen.go', 'a/b/x_gen.go'));
    assert.ok(ignored('mock?.go', 'mock1.go'));
    assert.ok(!ignored('mock?.go', 'mock12.go'));
    assert.ok(ignored('file[0-9].go', 'file7.go'));
    assert.ok(!ignored('file[!0-9].go', 'file7.go'));
    assert.ok(ignored('file[!0-9].go', 'filex.go'));
    assert.ok(!ignored('a*.go', 'a/b.go'));
    // A leading or middle slash anchors to the .gitignore's folder.
    assert.ok(ignored('/root.go', 'root.go'));
    assert.ok(!ignored('/root.go', 'sub/root.go'));
    assert.ok(ignored('sub/x.go', 'sub/x.go'));
    assert.ok(!ignored('sub/x.go', 'deeper/sub/x.go'));
    // ** in all positions.
    assert.ok(ignored('**/mocks', 'mocks', true));
    assert.ok(ignored('**/mocks', 'a/b/mocks', true));
    assert.ok(ignored('gen/**', 'gen/a/b.go'));
    assert.ok(!ignored('gen/**', 'gen', true));
    assert.ok(ignored('a/**/z.go', 'a/z.go'));
    assert.ok(ignored('a/**/z.go', 'a/b/c/z.go'));
    assert.ok(!ignored('a/**/z.go', 'b/a/z.go'));
    // A trailing slash matches folders only.
    assert.ok(ignored('build/', 'build', true));
    assert.ok(ignored('build/', 'x/build', true));
    assert.ok(!ignored('build/', 'build', false));
    // ! re-includes; the last matching line wins; comments and blanks are skipped; escapes.
    assert.ok(!ignored('*.go\n!keep.go', 'keep.go'));
    assert.ok(ignored('!keep.go\n*.go', 'keep.go'));
    assert.ok(!ignored('# comment.go\n\n', 'comment.go'));
    assert.ok(ignored('\\#hash.go', '#hash.go'));
    assert.ok(ignored('\\!bang.go', '!bang.go'));
    assert.ok(ignored('trailing.go   ', 'trailing.go'));
    assert.ok(ignored('*.go\r\n', 'crlf.go'));
    assert.ok(ignored('dots.in.name', 'dots.in.name'));
    assert.ok(!ignored('dots.in.name', 'dotsXinXname'));
  });

  it('honours nested .gitignore files (deeper wins) and the repository root above the path', () => {
    const t = tree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.gitignore': '# root rules\n*_gen.go\n/top.go\nbuild/\nmodule/internal/skipped/\n',
      'top.go': CLEAN,
      'module/top.go': CLEAN, // /top.go is anchored to the root
      'module/a_gen.go': CLEAN,
      'module/build/x.go': CLEAN,
      'module/keep.go': CLEAN,
      'module/internal/skipped/x.go': CLEAN,
      'module/internal/kept/x.go': CLEAN,
      'module/sub/.gitignore': '!keep_gen.go\nlocal.go\n',
      'module/sub/keep_gen.go': CLEAN,
      'module/sub/other_gen.go': CLEAN,
      'module/sub/local.go': CLEAN,
      'module/local.go': CLEAN, // sub/.gitignore does not apply here
      'module/sub/deeper/local.go': CLEAN,
    });
    try {
      const rel = (paths: string[]) => paths.map((p) => relative(t.dir, p).split('\\').join('/'));
      assert.deepEqual(rel(goFiles([t.dir], { includeTestdata: false })), [
        'module/internal/kept/x.go',
        'module/keep.go',
        'module/local.go',
        'module/sub/keep_gen.go',
        'module/top.go',
      ]);
      // Starting below the root, the root's .gitignore still applies.
      assert.deepEqual(rel(goFiles([join(t.dir, 'module', 'sub')], { includeTestdata: false })), ['module/sub/keep_gen.go']);
      // A file named explicitly is taken even when ignored.
      assert.deepEqual(rel(goFiles([join(t.dir, 'module', 'a_gen.go')], { includeTestdata: false })), ['module/a_gen.go']);
    } finally {
      t.remove();
    }
  });

  it('the CLI applies .gitignore too', async () => {
    const t = tree({ '.gitignore': 'ignored/\n', 'a.go': CLEAN, 'ignored/b.go': CLEAN });
    try {
      await goconc(['--no-cache', '--format', 'json', '.'], { cwd: t.dir });
      const r = await goconc(['--no-cache', '--stats', '-q', '.'], { cwd: t.dir });
      assert.match(r.err, /^goconc: 1 file in 1 package/);
    } finally {
      t.remove();
    }
  });

  it('leaves out files and folders whose names begin with "." or "_", as the go command does', () => {
    const t = tree({ 'a.go': CLEAN, '_old.go': CLEAN, '.hidden.go': CLEAN, '_examples/main.go': CLEAN, '_examples/sub/x.go': CLEAN, 'pkg/_gen/y.go': CLEAN, 'pkg/b_.go': CLEAN, 'pkg/c.go': CLEAN });
    try {
      const rel = (paths: string[]) => paths.map((p) => relative(t.dir, p).split('\\').join('/'));
      assert.deepEqual(rel(goFiles([t.dir], { includeTestdata: false })), ['a.go', 'pkg/b_.go', 'pkg/c.go']);
      // Named on the command line, they are reviewed: a folder given as a path, and a file.
      assert.deepEqual(rel(goFiles([join(t.dir, '_examples')], { includeTestdata: false })), ['_examples/main.go', '_examples/sub/x.go']);
      assert.deepEqual(rel(goFiles([join(t.dir, '_old.go')], { includeTestdata: false })), ['_old.go']);
    } finally {
      t.remove();
    }
  });

  it("the language server's package of a document leaves out the folder's files whose names begin with \".\" or \"_\"", async () => {
    const files = new Map([
      ['file:///m/a.go', 'package p\n'],
      ['file:///m/b.go', 'package p\n'],
      ['file:///m/_old.go', 'package p\n'],
      ['file:///m/.x.go', 'package p\n'],
    ]);
    const fs = {
      readFile: async (uri: string) => files.get(uri),
      readDirectory: async () => [...files.keys()].map((u) => ({ name: u.slice('file:///m/'.length), isFile: true })),
    };
    const go = await loadGoForTests();
    const packages = new Packages(fs, async () => go);
    const index = (await packages.indexFor('file:///m/a.go', new Map([['file:///m/_draft.go', 'package p\n']])))!;
    assert.deepEqual(['/m/a.go', '/m/b.go', '/m/_old.go', '/m/.x.go', '/m/_draft.go'].map((f) => index.has(f)), [true, true, false, false, false]);
    // A change on disk to such a file does not bring it in.
    assert.equal(await packages.fileChanged('file:///m/_old.go', false, new Map()), false);
    assert.equal(index.has('/m/_old.go'), false);
    assert.equal(await packages.fileChanged('file:///m/b.go', false, new Map()), true);
  });

  it('does not follow links to folders (no loops) but reads links to files', () => {
    const t = tree({ 'a/x.go': CLEAN, 'b/y.go': CLEAN });
    try {
      symlinkSync(t.dir, join(t.dir, 'a', 'up'));
      symlinkSync(join(t.dir, 'a'), join(t.dir, 'b', 'loop'));
      symlinkSync(join(t.dir, 'b', 'y.go'), join(t.dir, 'a', 'link.go'));
      symlinkSync(join(t.dir, 'missing.go'), join(t.dir, 'a', 'dangling.go'));
      mkdirSync(join(t.dir, 'c'));
      const files = goFiles([t.dir], { includeTestdata: false }).map((p) => relative(t.dir, p));
      assert.deepEqual(files, [join('a', 'link.go'), join('a', 'x.go'), join('b', 'y.go')]);
    } finally {
      t.remove();
    }
  });

  it('groups files by folder, one package each, keeping their order', () => {
    assert.deepEqual(groupByDir(['/r/a/x.go', '/r/a/y.go', '/r/a/z/w.go', '/r/b.go']), [
      { dir: '/r/a', files: ['/r/a/x.go', '/r/a/y.go'] },
      { dir: '/r/a/z', files: ['/r/a/z/w.go'] },
      { dir: '/r', files: ['/r/b.go'] },
    ]);
  });
});
