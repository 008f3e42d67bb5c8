/**
 * The goconc command: reviews Go files and folders and prints the findings.
 * Kept free of process globals so tests can call it with their own streams.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { analyze, type AnalyzeOptions, type SeveritySetting } from '../core/analyze';
import { loadGo, type WasmFile } from '../core/parser';
import type { Finding, Severity } from '../core/rule';
import { SEVERITIES } from '../core/rule';
import { RULES, RULES_BY_ID } from '../core/rules';
import { goFiles, GoVersions } from './files';

export const VERSION = '0.1.0';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

const HELP = `goconc: review Go code for concurrency bugs (goroutine leaks, missing cancellation,
channel, WaitGroup and mutex misuse). No Go toolchain needed.

Usage: goconc [flags] [paths...]        (default path: .)

Flags:
  --format text|json      output format (default text)
  --rules a,b             run only these rules
  --disable a,b           do not run these rules
  --go-version 1.22       Go version the rules assume (default: go directive of the nearest go.mod)
  --fail-on LEVEL         exit 1 when a finding at or above LEVEL exists: hint|info|warning|error|none (default hint)
  --include-testdata      also review testdata/ folders
  --max-file-size KB      skip larger files (default 2048)
  --quiet                 print nothing, only set the exit code
  --list-rules            print the rules and exit
  --version               print the version and exit
  --help                  print this help

Exit status: 0 no findings at or above --fail-on, 1 findings, 2 bad usage or unreadable input.

Examples:
  goconc ./...                     review the current module
  goconc --rules goroutine-send-leak internal/
  goconc --format json . > findings.json
`;

interface Args {
  paths: string[];
  format: 'text' | 'json';
  rules?: string[];
  disable: string[];
  goVersion?: string;
  failOn: Severity | 'none';
  includeTestdata: boolean;
  maxFileSizeKB: number;
  quiet: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Args | 'help' | 'version' | 'list-rules' {
  const args: Args = { paths: [], format: 'text', disable: [], failOn: 'hint', includeTestdata: false, maxFileSizeKB: 2048, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--version':
        return 'version';
      case '--list-rules':
        return 'list-rules';
      case '--format': {
        const v = value();
        if (v !== 'text' && v !== 'json') throw new UsageError(`--format must be text or json, not "${v}"`);
        args.format = v;
        break;
      }
      case '--rules':
        args.rules = ruleList(value());
        break;
      case '--disable':
        args.disable = ruleList(value());
        break;
      case '--go-version': {
        const v = value();
        if (!/^1\.\d+(\.\d+)?$/.test(v)) throw new UsageError(`--go-version must look like 1.22, not "${v}"`);
        args.goVersion = v.split('.').slice(0, 2).join('.');
        break;
      }
      case '--fail-on': {
        const v = value();
        if (v !== 'none' && !(SEVERITIES as readonly string[]).includes(v)) throw new UsageError(`--fail-on must be one of hint, info, warning, error, none`);
        args.failOn = v as Args['failOn'];
        break;
      }
      case '--include-testdata':
        args.includeTestdata = true;
        break;
      case '--max-file-size': {
        const v = Number(value());
        if (!Number.isFinite(v) || v <= 0) throw new UsageError('--max-file-size takes a size in KB');
        args.maxFileSizeKB = v;
        break;
      }
      case '--quiet':
      case '-q':
        args.quiet = true;
        break;
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown flag ${a}`);
        args.paths.push(a === './...' ? '.' : a.replace(/\/\.\.\.$/, ''));
    }
  }
  if (args.paths.length === 0) args.paths.push('.');
  return args;
}

function ruleList(v: string): string[] {
  const ids = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const id of ids) if (!RULES_BY_ID.has(id)) throw new UsageError(`unknown rule "${id}" (see --list-rules)`);
  return ids;
}

/** Locates the WASM files next to the bundle (dist/) or, when run from compiled sources, in node_modules. */
export async function loadWasm(file: WasmFile): Promise<Uint8Array> {
  const pkg = file === 'web-tree-sitter.wasm' ? 'web-tree-sitter' : 'tree-sitter-go';
  const candidates = [join(__dirname, file)];
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) candidates.push(join(dir, 'node_modules', pkg, file));
  for (const c of candidates) if (existsSync(c)) return readFileSync(c);
  throw new Error(`cannot find ${file} (looked in ${candidates.map(dirname).join(', ')})`);
}

export async function run(argv: readonly string[], io: Io): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`goconc: ${e.message}\nRun goconc --help for usage.\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  if (args === 'help') {
    io.out(HELP);
    return EXIT_OK;
  }
  if (args === 'version') {
    io.out(`goconc ${VERSION}\n`);
    return EXIT_OK;
  }
  if (args === 'list-rules') {
    for (const r of RULES) io.out(`${r.id.padEnd(30)} ${r.severity.padEnd(8)} ${r.docs.summary.replace(/`/g, '')}\n`);
    return EXIT_OK;
  }

  let files: string[];
  try {
    files = goFiles(args.paths, { includeTestdata: args.includeTestdata });
  } catch (e) {
    io.err(`goconc: ${(e as Error).message}\n`);
    return EXIT_USAGE;
  }
  const go = await loadGo(loadWasm);
  const rules = RULES.filter((r) => (!args.rules || args.rules.includes(r.id)) && !args.disable.includes(r.id));
  const versions = new GoVersions();
  const severity: Record<string, SeveritySetting> = {};
  const all: { file: string; finding: Finding }[] = [];
  let ioError = false;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      io.err(`goconc: cannot read ${file}: ${(e as Error).message}\n`);
      ioError = true;
      continue;
    }
    const options: AnalyzeOptions = {
      fileName: file,
      rules,
      severity,
      goVersion: args.goVersion ?? versions.forFile(file),
      maxBytes: args.maxFileSizeKB * 1024,
    };
    const result = analyze(go, text, options);
    for (const e of result.errors) io.err(`goconc: internal error in rule ${e.ruleId} on ${file}: ${e.message.split('\n')[0]}\n`);
    if (result.skipped === 'too-large' && !args.quiet) io.err(`goconc: skipped ${file}: larger than ${args.maxFileSizeKB} KB\n`);
    if (result.skipped === 'parse-timeout' && !args.quiet) io.err(`goconc: skipped ${file}: parsing took too long\n`);
    if (result.incomplete === 'timeout' && !args.quiet) io.err(`goconc: ${file}: time budget exceeded, findings may be incomplete\n`);
    for (const finding of result.findings) all.push({ file, finding });
  }

  if (!args.quiet) {
    if (args.format === 'json') io.out(JSON.stringify(toJson(all), null, 2) + '\n');
    else for (const { file, finding: f } of all) io.out(`${file}:${f.line}:${f.column}: ${f.ruleId}: ${f.message}\n`);
  }
  if (ioError) return EXIT_USAGE;
  if (args.failOn === 'none') return EXIT_OK;
  const threshold = SEVERITIES.indexOf(args.failOn);
  return all.some(({ finding }) => SEVERITIES.indexOf(finding.severity) >= threshold) ? EXIT_FINDINGS : EXIT_OK;
}

/** The JSON output: a stable, documented shape (see README). */
function toJson(all: { file: string; finding: Finding }[]) {
  return {
    version: 1,
    tool: { name: 'goconc', version: VERSION },
    findings: all.map(({ file, finding: f }) => ({
      file,
      rule: f.ruleId,
      severity: f.severity,
      message: f.message,
      line: f.line,
      column: f.column,
      endLine: f.range.end.line + 1,
      range: f.range,
      bytes: f.bytes,
      fixes: f.fixes.map((x) => ({ title: x.title, safe: x.safe, edits: x.edits })),
    })),
  };
}
