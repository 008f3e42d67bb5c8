/** goconc's command line: flags, their checks, and --help. */
import { availableParallelism } from 'node:os';
import type { Severity } from '../core/findings/rule';
import { SEVERITIES } from '../core/findings/rule';
import { RULES_BY_ID } from '../core/rules';
import { lspExtraArguments } from './lspCommand';

export type Format = 'text' | 'grouped' | 'json' | 'sarif';

export interface Args {
  paths: string[];
  format: Format;
  rules?: string[];
  disable: string[];
  goVersion?: string;
  failOn: Severity | 'none';
  includeTestdata: boolean;
  includeGenerated: boolean;
  maxFileSizeKB: number;
  quiet: boolean;
  fix: boolean;
  diff: boolean;
  jobs: number;
  cache: boolean;
  cacheDir?: string;
  stats: boolean;
}

/** `goconc dump FILE|- [paths...]`: a goroutine dump, profile or race report mapped onto the code. */
export interface EvidenceArgs {
  /** A file, or `-` for standard input. */
  evidence: string;
  paths: string[];
  format: 'text' | 'json' | 'sarif';
}

export type Command = Args | EvidenceArgs | 'help' | 'version' | 'list-rules' | 'lsp';

export class UsageError extends Error {}

export const DEFAULT_MAX_FILE_SIZE_KB = 2048;

export const HELP = `goconc: review Go code for concurrency bugs (goroutine leaks, missing cancellation,
channel, WaitGroup and mutex misuse). No Go toolchain needed.

Usage: goconc [flags] [paths...]        (default path: .)
       goconc lsp                       the language server, over standard input and output
       goconc dump FILE|- [paths...]    map a goroutine dump, goroutine/goroutineleak profile
                                        (debug=0, 1 or 2) or race report onto the code under
                                        paths, with the static cross-check [--format text|json|sarif]

Paths are files and folders; folders are searched recursively, skipping vendor/, testdata/,
node_modules/, names that begin with "." or "_" (as the go command does) and whatever the
.gitignore files of the tree ignore. The files of one folder are analysed together, as a package.

Output:
  --format FORMAT           text (default): path:line:col: message (rule), one per line, as
                            go vet and staticcheck print them; grouped: by file, with
                            severities; json: a stable schema (docs/cli.md); sarif: SARIF 2.1.0
                            for GitHub code scanning
  --quiet, -q               print no findings, only set the exit status
  --fail-on LEVEL           exit 1 when a finding at or above LEVEL exists:
                            hint|info|warning|error, or none to always exit 0 (default warning)

Rules:
  --rules a,b               run only these rules
  --disable a,b             do not run these rules
  --list-rules              print the rules and exit
  --go-version 1.22         Go version the rules assume (default: the go directive of the
                            nearest go.mod)

Fixing:
  --fix                     apply the safe quick fixes in place, re-analyse, repeat (up to 5
                            rounds); prints the findings that remain
  --fix --diff              print the fixes as a unified diff instead of writing them

Files:
  --include-testdata        also review testdata/ folders
  --include-generated       also review generated files (// Code generated ... DO NOT EDIT.)
  --max-file-size KB        skip larger files (default ${DEFAULT_MAX_FILE_SIZE_KB})

Performance:
  --jobs N, -j N            worker threads (default: the number of cores); the output does not
                            depend on it
  --cache-dir DIR           where cached results live (default $XDG_CACHE_HOME/goconc or
                            ~/.cache/goconc)
  --no-cache                neither read nor write cached results
  --stats                   print files, cache hits and timing to stderr

  --version                 print the version and exit
  --help, -h                print this help

Exit status: 0 no findings at or above --fail-on, 1 findings, 2 bad usage or unreadable input.

Examples:
  goconc                                   review the current folder and everything below it
  goconc ./...                             the same, go-style
  goconc --rules waitgroup-add-in-goroutine internal/ cmd/server/main.go
  goconc --format json . > findings.json
  goconc --format sarif --fail-on none . > goconc.sarif     for github/codeql-action/upload-sarif
  goconc --fail-on info --jobs 4 .         fail CI on information too, not only warnings and errors
  goconc --fix --diff . | git apply        review the fixes as a patch, or apply them:
  goconc --fix .
`;

function parseEvidenceArgs(argv: readonly string[]): EvidenceArgs {
  const rest: string[] = [];
  let format: EvidenceArgs['format'] = 'text';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--format' || a.startsWith('--format=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`goconc dump: --format must be text, json or sarif, not "${v ?? ''}"`);
      format = v;
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`goconc dump: unknown flag ${a}`);
    else rest.push(a === './...' ? '.' : a.replace(/[/\\]\.\.\.$/, ''));
  }
  if (rest.length === 0) throw new UsageError('goconc dump needs a file (or - for standard input): a goroutine dump, a goroutine or goroutineleak profile, or a race report');
  return { evidence: rest[0], paths: rest.slice(1), format };
}

/** Parses the command line; throws UsageError with a message for the user. */
export function parseArgs(argv: readonly string[]): Command {
  const args: Args = {
    paths: [],
    format: 'text',
    disable: [],
    failOn: 'warning',
    includeTestdata: false,
    includeGenerated: false,
    maxFileSizeKB: DEFAULT_MAX_FILE_SIZE_KB,
    quiet: false,
    fix: false,
    diff: false,
    jobs: availableParallelism(),
    cache: true,
    stats: false,
  };
  // `goconc lsp` (editors often add `--stdio`): the language server over standard input and output.
  const rest = lspExtraArguments(argv);
  if (rest) {
    if (rest.length > 0) throw new UsageError(`goconc lsp takes no arguments (got ${rest.join(' ')})`);
    return 'lsp';
  }
  if (argv[0] === 'dump') return parseEvidenceArgs(argv.slice(1));
  let onlyPaths = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (onlyPaths || !a.startsWith('-') || a === '-') {
      if (a === '-') throw new UsageError('reading from standard input is not supported; name files or folders');
      args.paths.push(a === './...' || a === '...' ? '.' : a.replace(/[/\\]\.\.\.$/, ''));
      continue;
    }
    if (a === '--') {
      onlyPaths = true;
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const noValue = () => {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
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
        if (v !== 'text' && v !== 'grouped' && v !== 'json' && v !== 'sarif') throw new UsageError(`--format must be text, grouped, json or sarif, not "${v}"`);
        args.format = v;
        break;
      }
      case '--rules':
        args.rules = ruleList(flag, value());
        break;
      case '--disable':
        args.disable = ruleList(flag, value());
        break;
      case '--go-version': {
        const v = value().replace(/^go/, '');
        if (!/^1\.\d+(\.\d+)?$/.test(v)) throw new UsageError(`--go-version must look like 1.22, not "${v}"`);
        args.goVersion = v.split('.').slice(0, 2).join('.');
        break;
      }
      case '--fail-on': {
        const v = value();
        if (v !== 'none' && !(SEVERITIES as readonly string[]).includes(v)) {
          throw new UsageError(`--fail-on must be one of hint, info, warning, error, none, not "${v}"`);
        }
        args.failOn = v as Args['failOn'];
        break;
      }
      case '--include-testdata':
        noValue();
        args.includeTestdata = true;
        break;
      case '--include-generated':
        noValue();
        args.includeGenerated = true;
        break;
      case '--max-file-size': {
        const raw = value();
        const v = Number(raw);
        if (raw.trim() === '' || !Number.isFinite(v) || v <= 0) throw new UsageError(`--max-file-size takes a size in KB, not "${raw}"`);
        args.maxFileSizeKB = v;
        break;
      }
      case '--quiet':
      case '-q':
        noValue();
        args.quiet = true;
        break;
      case '--fix':
        noValue();
        args.fix = true;
        break;
      case '--diff':
        noValue();
        args.diff = true;
        break;
      case '--jobs':
      case '-j': {
        const raw = value();
        const v = Number(raw);
        if (!Number.isInteger(v) || v < 1 || v > 256) throw new UsageError(`${flag} takes a number of threads from 1 to 256, not "${raw}"`);
        args.jobs = v;
        break;
      }
      case '--cache-dir': {
        const v = value();
        if (v === '') throw new UsageError('--cache-dir needs a folder');
        args.cacheDir = v;
        break;
      }
      case '--no-cache':
        noValue();
        args.cache = false;
        break;
      case '--stats':
        noValue();
        args.stats = true;
        break;
      default:
        throw new UsageError(`unknown flag ${a}`);
    }
  }
  if (args.diff && !args.fix) throw new UsageError('--diff shows what --fix would change: use --fix --diff');
  if (args.paths.length === 0) args.paths.push('.');
  return args;
}

function ruleList(flag: string, v: string): string[] {
  const ids = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new UsageError(`${flag} needs rule ids, like ${flag} waitgroup-add-in-goroutine`);
  for (const id of ids) if (!RULES_BY_ID.has(id)) throw new UsageError(`unknown rule "${id}" (see --list-rules)`);
  return ids;
}
