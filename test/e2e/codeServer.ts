/**
 * code-server, a real VS Code (web workbench, Node extension host, web-worker extension host)
 * that runs without a display and without downloading VS Code at run time.
 *
 * It is installed from the npm registry into test/e2e/.cache/ (gitignored) the first time and
 * reused after; it is never a dependency in package.json. Each server gets throwaway
 * user-data, extensions, config and XDG folders under test/e2e/.cache/runs/.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/** The repository root: the nearest folder above this module with the extension's package.json. */
export const ROOT = findRoot(__dirname);
function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'go-concurrency-review') return dir;
    if (dirname(dir) === dir) throw new Error(`no go-concurrency-review package.json above ${from}`);
  }
}
export const CACHE = join(ROOT, 'test', 'e2e', '.cache');

/** The last code-server whose engines accept Node 20 (VS Code 1.100.3). */
export const CODE_SERVER_VERSION = '4.100.3';
const INSTALL_DIR = join(CACHE, `code-server-${CODE_SERVER_VERSION}`);
const ENTRY = join(INSTALL_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const COMPLETE = join(INSTALL_DIR, '.complete');

/**
 * code-server's @vscode/ripgrep downloads ripgrep from GitHub in its postinstall; with the file
 * already in its download cache it uses Debian's rg instead. Both names belong to the
 * @vscode/ripgrep version that code-server 4.100.3 pins.
 */
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

function log(message: string): void {
  process.stdout.write(`  [code-server] ${message}\n`);
}

/** Installs code-server into the cache unless a complete install is there; returns its entry script. */
export function ensureCodeServer(): string {
  if (existsSync(COMPLETE) && existsSync(ENTRY)) return ENTRY;
  const started = Date.now();
  log(`installing code-server@${CODE_SERVER_VERSION} into ${relative(ROOT, INSTALL_DIR)} (about two minutes, once)`);
  mkdirSync(CACHE, { recursive: true });
  const tmp = join(CACHE, 'tmp');
  mkdirSync(join(tmp, RIPGREP_CACHE), { recursive: true });
  seedRipgrep(join(tmp, RIPGREP_CACHE, RIPGREP_TARBALL));

  const staging = `${INSTALL_DIR}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // npm run's own variables (local prefix, package fields) must not leak into the nested install
    if (k.startsWith('npm_') && !/^npm_config_(cache|userconfig|globalconfig|registry|cafile)$/i.test(k)) continue;
    env[k] = v;
  }
  Object.assign(env, {
    TMPDIR: tmp,
    npm_config_unsafe_perm: 'true', // as root, run the install scripts as root
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  });
  // argon2 builds from source (its prebuilt binary is on GitHub); node-gyp then needs Node's
  // headers, which Debian's Node ships in /usr/include/node.
  if (existsSync('/usr/include/node/common.gypi')) env.npm_config_nodedir = '/usr';
  const npm = spawnSync('npm', ['install', '--prefix', staging, '--no-save', '--loglevel', 'error', `code-server@${CODE_SERVER_VERSION}`], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (npm.status !== 0) throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed (exit ${npm.status}); see the output above`);
  if (!existsSync(join(staging, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules'))) {
    throw new Error('code-server installed without its VS Code dependencies: its postinstall did not run');
  }
  rmSync(INSTALL_DIR, { recursive: true, force: true });
  renameSync(staging, INSTALL_DIR);
  writeFileSync(COMPLETE, `${new Date().toISOString()}\n`);
  log(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return ENTRY;
}

function seedRipgrep(tarball: string): void {
  if (existsSync(tarball)) return;
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (!rg) throw new Error('ripgrep (rg) is needed to install code-server offline: apt-get install ripgrep');
  const dir = mkdtempSync(join(CACHE, 'rg-'));
  try {
    copyFileSync(rg, join(dir, 'rg'));
    const tar = spawnSync('tar', ['-C', dir, '-czf', tarball, 'rg'], { stdio: 'inherit' });
    if (tar.status !== 0) throw new Error('could not pack rg for the ripgrep download cache');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The folder for this run's throwaway state: servers, staged extensions, workspaces. */
export const RUNS = join(CACHE, 'runs');

/**
 * Removes what earlier runs left in RUNS (kept until then for a look after a failure). Entries
 * carry the pid of the run that made them; those of a run still going are left alone.
 */
export function cleanRuns(): void {
  if (!existsSync(RUNS)) return;
  for (const name of readdirSync(RUNS)) {
    const pid = Number(/-(\d+)(?:-|$)/.exec(name)?.[1]);
    if (pid === process.pid || (pid && alive(pid))) continue;
    rmSync(join(RUNS, name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export type Variant = 'node' | 'web';

/**
 * Copies what the VSIX would hold (the allow-list in .vscodeignore) to `dest`. The 'web'
 * variant's manifest has `browser` and no `main`, so VS Code can only run it in the web-worker
 * extension host.
 */
export function stageExtension(variant: Variant, dest: string): string {
  rmSync(dest, { recursive: true, force: true });
  const patterns = readFileSync(join(ROOT, '.vscodeignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('!'))
    .map((l) => l.slice(1));
  for (const pattern of patterns) {
    const dir = dirname(pattern);
    const base = pattern.slice(dir === '.' ? 0 : dir.length + 1);
    const re = new RegExp('^' + base.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*') + '$');
    const from = join(ROOT, dir);
    if (!existsSync(from) || !statSync(from).isDirectory()) continue;
    for (const name of readdirSync(from)) {
      if (!re.test(name) || !statSync(join(from, name)).isFile()) continue;
      mkdirSync(join(dest, dir), { recursive: true });
      copyFileSync(join(from, name), join(dest, dir, name));
    }
  }
  const manifest = JSON.parse(readFileSync(join(dest, 'package.json'), 'utf8')) as Record<string, unknown>;
  if (variant === 'web') {
    delete manifest.main;
    rmSync(join(dest, 'dist', 'extension.js'), { force: true });
  }
  writeFileSync(join(dest, 'package.json'), JSON.stringify(manifest, null, 2));
  return dest;
}

export interface ExtensionManifest {
  publisher: string;
  name: string;
  version: string;
}

export function manifest(): ExtensionManifest {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as ExtensionManifest;
}

/** Installs a staged copy into an extensions folder the way VS Code lays them out. */
export function installInto(extensionsDir: string, staged: string): void {
  const m = manifest();
  const target = join(extensionsDir, `${m.publisher}.${m.name}-${m.version}`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(extensionsDir, { recursive: true });
  cpSync(staged, target, { recursive: true });
}

export interface CodeServer {
  url: string;
  port: number;
  /** The folder of this server's throwaway state. */
  dir: string;
  /**
   * An empty folder for the workspace, outside the repository (the extension skips folders whose
   * path has a dot folder such as .cache in it, as the go command does); stop() removes it.
   */
  workspace: string;
  extensionsDir: string;
  /** The server's own log (code-server and the extension host's stderr). */
  logFile: string;
  stop(): Promise<void>;
}

/** User settings for a quiet, reproducible workbench (and screenshots without clutter). */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'editor.minimap.enabled': false,
  'editor.hover.above': false,
  'editor.occurrencesHighlight': 'off',
  'files.autoSave': 'off',
  'window.restoreWindows': 'none',
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts code-server on a free port of 127.0.0.1 with a fresh state folder, waits for
 * /healthz, and returns a handle whose stop() ends the server and everything it started.
 */
export async function startCodeServer(name: string, options: { extensionsDir?: string; env?: Record<string, string> } = {}): Promise<CodeServer> {
  const entry = ensureCodeServer();
  const port = await freePort();
  mkdirSync(RUNS, { recursive: true });
  const dir = mkdtempSync(join(RUNS, `${name}-${process.pid}-`));
  const extensionsDir = options.extensionsDir ?? join(dir, 'extensions');
  for (const sub of ['user-data/User', 'xdg-config', 'xdg-data', 'tmp']) mkdirSync(join(dir, sub), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(dir, 'user-data', 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  // named plainly: the window title shows it in the screenshots
  const workspaceParent = mkdtempSync(join(tmpdir(), `goconc-${name}-${process.pid}-`));
  const workspace = join(workspaceParent, 'example');
  mkdirSync(workspace);
  const logFile = join(dir, 'server.log');
  const out = openSync(logFile, 'a');
  const args = [
    entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir', join(dir, 'user-data'),
    '--extensions-dir', extensionsDir,
    '--config', config,
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    detached: true, // its own process group, so stop() ends the extension hosts with it
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      ...options.env,
      XDG_CONFIG_HOME: join(dir, 'xdg-config'),
      XDG_DATA_HOME: join(dir, 'xdg-data'),
      TMPDIR: join(dir, 'tmp'),
      // no gallery: nothing to fetch, nothing to recommend
      EXTENSIONS_GALLERY: '{}',
    },
  });
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const stop = async () => {
    rmSync(workspaceParent, { recursive: true, force: true });
    if (exited !== undefined || child.pid === undefined) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 5000);
    await gone;
    clearTimeout(timer);
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60000;
  for (;;) {
    if (exited !== undefined) throw new Error(`code-server exited with ${exited} before it was up; log: ${logFile}\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer ${url}/healthz within 60 s; log: ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, port, dir, workspace, extensionsDir, logFile, stop };
}
