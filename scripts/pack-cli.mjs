// npm run pack:cli: the goconc command line as an npm package of its own, `goconc`.
//
// Builds the production bundle, stages dist/cli.js (a loader), dist/cli-main.js (the command)
// and the two WASM files they load, a package.json whose `bin` is goconc, a README and the
// licence in out/cli-package/, and runs `npm pack` there. The tarball lands at the repository
// root as goconc-<version>.tgz:
//
//   npm install -g ./goconc-0.1.0.tgz      then: goconc ./...
//
// The package has no dependencies: the bundle holds the engine, the rules and web-tree-sitter.
// --no-build packs the bundle already in dist/; --out DIR writes the tarball (and stages) in DIR.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const OUT = argv.includes('--out') ? resolve(argv[argv.indexOf('--out') + 1]) : ROOT;
const STAGE = OUT === ROOT ? join(ROOT, 'out', 'cli-package') : join(OUT, 'stage');
const main = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

if (!argv.includes('--no-build')) execFileSync(process.execPath, [join(ROOT, 'esbuild.mjs'), '--production'], { cwd: ROOT, stdio: 'inherit' });

rmSync(STAGE, { recursive: true, force: true });
mkdirSync(STAGE, { recursive: true });
for (const f of ['cli.js', 'cli-main.js', 'tree-sitter-go.wasm', 'web-tree-sitter.wasm']) copyFileSync(join(ROOT, 'dist', f), join(STAGE, f));
copyFileSync(join(ROOT, 'LICENSE'), join(STAGE, 'LICENSE'));

const pkg = {
  name: 'goconc',
  version: main.version,
  description: 'Reviews Go code for concurrency bugs (goroutine leaks, missing cancellation, channel, WaitGroup and mutex misuse). No Go toolchain needed.',
  license: main.license,
  keywords: ['go', 'golang', 'concurrency', 'goroutine', 'deadlock', 'linter', 'sarif'],
  bin: { goconc: 'cli.js' },
  files: ['cli.js', 'cli-main.js', 'tree-sitter-go.wasm', 'web-tree-sitter.wasm', 'LICENSE', 'README.md'],
  engines: { node: main.engines?.node ?? '>=20' },
  ...(main.repository ? { repository: main.repository } : {}),
  ...(main.homepage ? { homepage: main.homepage } : {}),
};
writeFileSync(join(STAGE, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');

writeFileSync(
  join(STAGE, 'README.md'),
  `# goconc

Reviews Go code for concurrency bugs: goroutine leaks, missing cancellation, channel misuse,
WaitGroup and mutex mistakes. The same engine runs in the Go Concurrency Review extension for
VS Code. It parses Go with tree-sitter and needs no Go toolchain.

\`\`\`sh
npm install -g goconc          # or: npm install -g ./goconc-${main.version}.tgz
goconc ./...                   # path:line:col: message (rule); exit 1 on warnings and errors
goconc --format sarif --fail-on none . > goconc.sarif
goconc --fix --diff . | git apply
goconc --help
\`\`\`

Node.js ${pkg.engines.node} is needed. Flags, the JSON schema, SARIF and a GitHub Actions workflow are
described in the project's docs/cli.md.
`,
);

const out = execFileSync('npm', ['pack', '--pack-destination', OUT, '--json'], { cwd: STAGE }).toString();
const [{ filename }] = JSON.parse(out);
process.stdout.write(`wrote ${join(OUT, filename)}\n`);
