/**
 * The goconc command: finds the Go files, takes what it can from the cache, analyses the rest
 * (in worker threads with --jobs), optionally applies the safe fixes, and prints the findings.
 * Kept free of process globals (streams, cwd, environment come in `io`) so tests can call it.
 */
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { Rule } from '../core/findings/rule';
import { SEVERITIES } from '../core/findings/rule';
import { RULES } from '../core/rules';
import { HELP, parseArgs, UsageError, type Args } from './args';
import { contentHash, defaultCacheDir, optionsKey, packageKeys, ResultCache } from './cache';
import { unifiedDiff } from './diff';
import type { EngineOptions, FileResult, PackageJob } from './engine';
import { comparePaths, goFiles, groupByDir, GoVersions, ioMessage, WalkError } from './files';
import { applySafeFixes } from './fix';
import { formatGrouped, formatJson, formatLines, type FileReport, type Problem } from './format';
import { engineHash, VERSION } from './meta';
import { LocalAnalyzer, WorkerPool, type Analyzer } from './pool';

/** Source text (UTF-16 units) above which even `--jobs 1` analyses in a worker thread with a capped heap. */
const BIG_RUN_CHARS = 2 * 1024 * 1024;
import { Progress } from './progress';
import { formatSarif } from './sarif';

export { loadWasm, VERSION } from './meta';
import { serveStdio } from '../server/stdio';
import { runEvidence } from './evidence';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** The working folder (default process.cwd()): relative paths and SARIF's %SRCROOT%. */
  cwd?: string;
  /** The environment (default process.env): NO_COLOR, XDG_CACHE_HOME, HOME. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Colour the text output (still off when NO_COLOR is set). */
  stdoutIsTTY?: boolean;
  /** Draw progress on stderr for long scans. */
  stderrIsTTY?: boolean;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** Rules get a generous budget per file in the CLI: a timeout would make results depend on load. */
export const CLI_TIME_BUDGET_MS = 60_000;
/** --fix re-analyses and fixes again at most this many times. */
export const MAX_FIX_ROUNDS = 5;

/** What the last run did; tests and the benchmark read it (also printed by --stats). */
export interface RunStats {
  files: number;
  packages: number;
  /** Files analysed (not taken from the cache), counting re-analyses after fixes. */
  analysed: number;
  cacheHits: number;
  cacheMisses: number;
  threads: number;
  findings: number;
  fixed: number;
  fixedFiles: number;
  ms: { walk: number; read: number; analyse: number; fix: number; total: number };
}

export let lastStats: RunStats | undefined;

export async function run(argv: readonly string[], io: Io): Promise<number> {
  let cmd: ReturnType<typeof parseArgs>;
  try {
    cmd = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`goconc: ${e.message}\nRun goconc --help for usage.\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  if (cmd === 'help') {
    io.out(HELP);
    return EXIT_OK;
  }
  if (cmd === 'version') {
    io.out(`goconc ${VERSION}\n`);
    return EXIT_OK;
  }
  if (cmd === 'lsp') return serveStdio();
  if (typeof cmd === 'object' && 'evidence' in cmd) return runEvidence(cmd, io);
  if (cmd === 'list-rules') {
    for (const r of RULES) io.out(`${r.id.padEnd(30)} ${r.severity.padEnd(8)} ${r.docs.summary.replace(/`/g, '')}\n`);
    return EXIT_OK;
  }
  const args: Args = cmd;
  const rules = RULES.filter((r) => (!args.rules || args.rules.includes(r.id)) && !args.disable.includes(r.id));
  if (rules.length === 0) {
    io.err('goconc: --rules and --disable leave no rule to run\n');
    return EXIT_USAGE;
  }
  return new Scan(args, io, rules).run();
}

/** A package as the scan holds it: its analysable files (readable, not too large) in order. */
interface Pkg {
  dir: string;
  goVersion?: string;
  /** The folder relative to its module's root. */
  importPath?: string;
  files: FileReport[];
  /** The files' bytes, kept for --fix. */
  bytes: Buffer[];
}

class Scan {
  private readonly cwd: string;
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly options: EngineOptions;
  private readonly versions = new GoVersions();
  private readonly cache?: ResultCache;
  private analyzer?: Analyzer;
  private readonly problems: Problem[] = [];
  private ioError = false;
  private readonly stats: RunStats;
  private readonly started = Date.now();

  constructor(
    private readonly args: Args,
    private readonly io: Io,
    private readonly rules: readonly Rule[],
  ) {
    this.cwd = resolve(io.cwd ?? process.cwd());
    this.env = io.env ?? process.env;
    this.options = {
      rules: rules.map((r) => r.id),
      maxBytes: args.maxFileSizeKB * 1024,
      includeGenerated: args.includeGenerated,
      timeBudgetMs: CLI_TIME_BUDGET_MS,
    };
    if (args.cache) this.cache = new ResultCache(resolve(this.cwd, args.cacheDir ?? defaultCacheDir(this.env)), engineHash());
    this.stats = {
      files: 0,
      packages: 0,
      analysed: 0,
      cacheHits: 0,
      cacheMisses: 0,
      threads: 0,
      findings: 0,
      fixed: 0,
      fixedFiles: 0,
      ms: { walk: 0, read: 0, analyse: 0, fix: 0, total: 0 },
    };
    lastStats = this.stats;
  }

  async run(): Promise<number> {
    try {
      return await this.scan();
    } finally {
      await this.analyzer?.close();
    }
  }

  private async scan(): Promise<number> {
    const { args, io } = this;
    const roots = args.paths.map((given) => ({ given, abs: resolve(this.cwd, given) }));
    let t = Date.now();
    let files: string[];
    try {
      files = goFiles(
        roots.map((r) => r.abs),
        {
          includeTestdata: args.includeTestdata,
          onError: (message) => {
            const shown = this.display(message);
            io.err(`goconc: cannot read ${shown}\n`);
            const cut = shown.lastIndexOf(': ');
            this.problems.push({ file: shown.slice(0, cut), message: shown.slice(cut + 2) });
            this.ioError = true;
          },
        },
      );
    } catch (e) {
      if (!(e instanceof WalkError)) throw e;
      let message = e.message;
      for (const r of roots) if (message.startsWith(r.abs)) message = r.given + message.slice(r.abs.length);
      io.err(`goconc: ${message}\n`);
      return EXIT_USAGE;
    }
    this.stats.ms.walk = Date.now() - t;
    const groups = groupByDir(files);
    this.stats.files = files.length;
    this.stats.packages = groups.length;

    // Read and hash every file. A package the cache knows entirely is done; the others become jobs.
    t = Date.now();
    const reports: FileReport[] = [];
    const pkgs: Pkg[] = [];
    const jobs: PackageJob[] = [];
    const jobPkgs: { pkg: Pkg; keys: string[] }[] = [];
    for (const group of groups) {
      const pkg: Pkg = { dir: group.dir, files: [], bytes: [] };
      const hashes: { path: string; hash: string }[] = [];
      for (const path of group.files) {
        const report = this.report(path);
        reports.push(report);
        let bytes: Buffer;
        try {
          bytes = readFileSync(path);
        } catch (e) {
          this.readError(report, e);
          continue;
        }
        if (bytes.length > this.options.maxBytes) {
          report.result = { findings: [], errors: [], skipped: 'too-large', syntaxErrors: false };
          continue;
        }
        pkg.files.push(report);
        pkg.bytes.push(bytes);
        hashes.push({ path, hash: contentHash(bytes) });
      }
      if (pkg.files.length === 0) continue;
      pkg.goVersion = args.goVersion ?? this.versions.forFile(pkg.files[0].path);
      pkg.importPath = this.versions.importPath(pkg.files[0].path);
      pkgs.push(pkg);
      const keys = packageKeys(optionsKey(this.options, pkg.goVersion, pkg.importPath), hashes);
      const hits = keys.map((k) => this.cache?.get(k));
      if (hits.every((h) => h !== undefined)) {
        pkg.files.forEach((f, i) => (f.result = hits[i]!));
      } else {
        jobs.push({ dir: pkg.dir, goVersion: pkg.goVersion, importPath: pkg.importPath, files: pkg.files.map((f, i) => ({ path: f.path, text: pkg.bytes[i].toString('utf8') })) });
        jobPkgs.push({ pkg, keys });
      }
      if (!args.fix) pkg.bytes = [];
    }
    this.stats.ms.read = Date.now() - t;

    t = Date.now();
    const progress = new Progress(files.length, io.stderrIsTTY && !args.quiet ? (s) => io.err(s) : undefined);
    progress.add(files.length - jobs.reduce((n, j) => n + j.files.length, 0));
    const results = await this.analyse(jobs, (n) => progress.add(n));
    results.forEach((list, j) => {
      const { pkg, keys } = jobPkgs[j];
      list.forEach((result, k) => {
        pkg.files[k].result = result;
        this.cache?.set(keys[k], result);
      });
    });
    progress.end();
    this.stats.ms.analyse = Date.now() - t;

    let diff = '';
    if (args.fix) {
      t = Date.now();
      diff = await this.fix(pkgs, roots);
      this.stats.ms.fix = Date.now() - t;
    }

    for (const r of reports) this.notes(r);
    if (this.cache) {
      try {
        this.cache.save();
      } catch (e) {
        if (!args.quiet) io.err(`goconc: cannot write the cache: ${ioMessage(this.cache.file, e)}\n`);
      }
      this.stats.cacheHits = this.cache.hits;
      this.stats.cacheMisses = this.cache.misses;
    }

    const findings = reports.flatMap((r) => r.result.findings);
    this.stats.findings = findings.length;
    if (args.diff) io.out(diff);
    else if (!args.quiet) this.print(reports);
    this.stats.ms.total = Date.now() - this.started;
    if (args.stats) this.printStats();

    if (this.ioError) return EXIT_USAGE;
    if (args.failOn === 'none') return EXIT_OK;
    const threshold = SEVERITIES.indexOf(args.failOn);
    return findings.some((f) => SEVERITIES.indexOf(f.severity) >= threshold) ? EXIT_FINDINGS : EXIT_OK;
  }

  /** A message or path with the working folder's prefix removed, as paths are printed. */
  private display(text: string): string {
    const prefix = this.cwd.endsWith(sep) ? this.cwd : this.cwd + sep;
    return text.startsWith(prefix) ? text.slice(prefix.length) : text;
  }

  private report(path: string): FileReport {
    // A prefix test, not path.relative: relative() resolves both paths on every call, which
    // shows in the profile of a warm re-scan of thousands of files.
    const prefix = this.cwd.endsWith(sep) ? this.cwd : this.cwd + sep;
    const inside = path.startsWith(prefix) && path.length > prefix.length;
    const rel = inside ? path.slice(prefix.length) : path;
    return {
      path,
      display: rel,
      relative: inside ? (sep === '/' ? rel : rel.split(sep).join('/')) : undefined,
      result: { findings: [], errors: [], syntaxErrors: false },
    };
  }

  private readError(report: FileReport, e: unknown): void {
    const message = ioMessage(report.display, e);
    this.io.err(`goconc: cannot read ${message}\n`);
    this.problems.push({ file: report.display, message: message.slice(report.display.length + 2) });
    report.result = { findings: [], errors: [], skipped: 'unreadable', syntaxErrors: false };
    this.ioError = true;
  }

  /** Messages about one file's analysis on stderr (and rule crashes in the JSON and SARIF problems). */
  private notes(r: FileReport): void {
    const { io, args } = this;
    for (const e of r.result.errors) {
      const first = e.message.split('\n')[0];
      io.err(`goconc: internal error in rule ${e.ruleId} on ${r.display}: ${first}\n`);
      this.problems.push({ file: r.display, message: `internal error in rule ${e.ruleId}: ${first}` });
    }
    if (args.quiet) return;
    if (r.result.skipped === 'too-large') io.err(`goconc: skipped ${r.display}: larger than ${args.maxFileSizeKB} KB\n`);
    if (r.result.skipped === 'parse-timeout') io.err(`goconc: skipped ${r.display}: parsing took too long\n`);
    if (r.result.incomplete === 'timeout') io.err(`goconc: ${r.display}: time budget exceeded, findings may be incomplete\n`);
  }

  /** Analyses jobs with the analyzer --jobs asks for (worker threads only when there is work for them). */
  private async analyse(jobs: readonly PackageJob[], onDone?: (files: number) => void): Promise<FileResult[][]> {
    if (jobs.length === 0) return [];
    if (!this.analyzer) {
      const threads = Math.min(this.args.jobs, jobs.length);
      // A big run goes to a worker even with --jobs 1: its heap is capped, so garbage is
      // collected early (see WORKER_HEAP_MB) instead of growing the process past a GB.
      const bytes = jobs.reduce((n, j) => j.files.reduce((m, f) => m + f.text.length, n), 0);
      this.analyzer = threads > 1 || bytes > BIG_RUN_CHARS ? new WorkerPool(threads) : new LocalAnalyzer();
      this.stats.threads = this.analyzer.threads;
    }
    this.stats.analysed += jobs.reduce((n, j) => n + j.files.length, 0);
    return this.analyzer.run(jobs, this.options, onDone);
  }

  /** Analyses packages with the cache in front, storing what it computes. */
  private async analyseCached(jobs: readonly PackageJob[]): Promise<FileResult[][]> {
    const keys = jobs.map((j) =>
      packageKeys(
        optionsKey(this.options, j.goVersion, j.importPath),
        j.files.map((f) => ({ path: f.path, hash: contentHash(Buffer.from(f.text, 'utf8')) })),
      ),
    );
    const out: FileResult[][] = keys.map((list) => list.map((k) => this.cache?.get(k)!));
    const missing = jobs.map((_, i) => i).filter((i) => out[i].some((r) => r === undefined));
    const fresh = await this.analyse(missing.map((i) => jobs[i]));
    missing.forEach((i, m) => {
      out[i] = fresh[m];
      fresh[m].forEach((r, k) => this.cache?.set(keys[i][k], r));
    });
    return out;
  }

  /**
   * Applies the safe fixes. Each round gives every file with a safe fix the fixes that do not
   * conflict, then re-analyses the packages it touched; a round that would leave a file with a
   * syntax error it did not have is dropped for that package, and that file is left alone.
   * Writes the files at the end, or returns the diff with --diff.
   */
  private async fix(pkgs: Pkg[], roots: { abs: string }[]): Promise<string> {
    const { io, args } = this;
    const texts = new Map<FileReport, string>();
    const original = new Map<FileReport, string>();
    const originalBytes = new Map<FileReport, Buffer>();
    const applied = new Map<FileReport, number>();
    const frozen = new Set<FileReport>();
    const fixable = (f: FileReport) => !frozen.has(f) && !f.result.skipped && f.result.findings.some((x) => x.fixes.some((fx) => fx.safe));
    for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
      const touched: { pkg: Pkg; next: Map<FileReport, { text: string; applied: number }> }[] = [];
      for (const pkg of pkgs) {
        if (!pkg.files.some(fixable)) continue;
        pkg.files.forEach((f, i) => {
          if (texts.has(f)) return;
          const bytes = pkg.bytes[i];
          const text = bytes.toString('utf8');
          texts.set(f, text);
          original.set(f, text);
          originalBytes.set(f, bytes);
          if (!Buffer.from(text, 'utf8').equals(bytes)) {
            if (!args.quiet && fixable(f)) io.err(`goconc: not fixing ${f.display}: it is not valid UTF-8\n`);
            frozen.add(f);
          }
        });
        const next = new Map<FileReport, { text: string; applied: number }>();
        for (const f of pkg.files) {
          if (!fixable(f)) continue;
          const r = applySafeFixes(texts.get(f)!, f.result.findings);
          if (r) next.set(f, r);
        }
        if (next.size > 0) touched.push({ pkg, next });
      }
      if (touched.length === 0) break;
      const results = await this.analyseCached(
        touched.map(({ pkg, next }) => ({
          dir: pkg.dir,
          goVersion: pkg.goVersion,
          importPath: pkg.importPath,
          files: pkg.files.map((f) => ({ path: f.path, text: next.get(f)?.text ?? texts.get(f)! })),
        })),
      );
      touched.forEach(({ pkg, next }, t) => {
        const broken = pkg.files.filter((f, k) => next.has(f) && results[t][k].syntaxErrors && !f.result.syntaxErrors);
        if (broken.length > 0) {
          for (const f of broken) {
            if (!args.quiet) io.err(`goconc: not fixing ${f.display}: a fix would leave a syntax error\n`);
            frozen.add(f);
          }
          return;
        }
        pkg.files.forEach((f, k) => {
          const n = next.get(f);
          if (n) {
            texts.set(f, n.text);
            applied.set(f, (applied.get(f) ?? 0) + n.applied);
          }
          f.result = results[t][k];
        });
      });
    }

    const changed = pkgs.flatMap((p) => p.files).filter((f) => texts.has(f) && texts.get(f) !== original.get(f));
    changed.sort((a, b) => comparePaths(a.path, b.path));
    let fixedFindings = 0;
    for (const f of changed) fixedFindings += applied.get(f) ?? 0;
    this.stats.fixed = fixedFindings;
    this.stats.fixedFiles = changed.length;
    if (args.diff) {
      if (!args.quiet && changed.length > 0) io.err(`goconc: --diff: would fix ${plural(fixedFindings, 'finding')} in ${plural(changed.length, 'file')}\n`);
      return changed.map((f) => unifiedDiff(f.display.split(sep).join('/'), original.get(f)!, texts.get(f)!)).join('');
    }
    const allowed = roots.map((r) => realOrSelf(r.abs));
    let written = 0;
    let writtenFindings = 0;
    for (const f of changed) {
      const real = realOrSelf(f.path);
      if (!allowed.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep))) {
        io.err(`goconc: not writing ${f.display}: it resolves to ${real}, outside the paths given\n`);
        continue;
      }
      try {
        if (!readFileSync(f.path).equals(originalBytes.get(f)!)) {
          io.err(`goconc: not writing ${f.display}: it changed while goconc ran\n`);
          continue;
        }
        writeFileSync(f.path, texts.get(f)!);
        written++;
        writtenFindings += applied.get(f) ?? 0;
      } catch (e) {
        io.err(`goconc: cannot write ${ioMessage(f.display, e)}\n`);
        this.ioError = true;
      }
    }
    if (!args.quiet && written > 0) io.err(`goconc: fixed ${plural(writtenFindings, 'finding')} in ${plural(written, 'file')}\n`);
    return '';
  }

  private print(reports: FileReport[]): void {
    const { io, args } = this;
    if (args.format === 'json') io.out(formatJson(reports, this.problems));
    else if (args.format === 'sarif') io.out(formatSarif({ cwd: this.cwd, rules: this.rules, files: reports, problems: this.problems }));
    else if (args.format === 'grouped') io.out(formatGrouped(reports, !!io.stdoutIsTTY && !this.env.NO_COLOR));
    else {
      const { out, summary } = formatLines(reports, !!io.stdoutIsTTY && !this.env.NO_COLOR);
      io.out(out);
      if (summary) io.err(`goconc: ${summary}\n`);
    }
  }

  private printStats(): void {
    const s = this.stats;
    const cache = this.cache ? `cache ${s.cacheHits} hits, ${s.cacheMisses} misses` : 'cache off';
    let line =
      `goconc: ${plural(s.files, 'file')} in ${plural(s.packages, 'package')}; ${s.analysed} analysed on ${plural(s.threads, 'thread')}; ` +
      `${cache}; ${plural(s.findings, 'finding')}`;
    if (this.args.fix) line += `; ${s.fixed} fixed in ${plural(s.fixedFiles, 'file')}`;
    line += `; ${s.ms.total} ms (walk ${s.ms.walk}, read+hash ${s.ms.read}, analyse ${s.ms.analyse}${this.args.fix ? `, fix ${s.ms.fix}` : ''})\n`;
    this.io.err(line);
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
