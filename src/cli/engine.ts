/**
 * The unit of work of goconc: one Go package (the files of one folder), analysed together by
 * the engine's analyzePackage (rules see calls and types across the package's files), in the
 * main thread or in a worker.
 */
import { analyzePackage as analyzeGoPackage, type RuleError } from '../core/analyze';
import type { GoLanguage } from '../core/syntax/parser';
import type { Finding } from '../core/findings/rule';
import { RULES_BY_ID } from '../core/rules';
import { utf8Length } from '../core/text/source';

export interface FileJob {
  /** Absolute path; also the name the rules see. */
  path: string;
  text: string;
}

export interface PackageJob {
  dir: string;
  /** Go version of the package's module (`go` directive of the nearest go.mod, or --go-version). */
  goVersion?: string;
  /** The folder relative to its module's root ("tests/e2e"), when a go.mod is found above it. */
  importPath?: string;
  files: FileJob[];
}

/** Everything besides the texts that the analysis depends on (and so part of the cache key). */
export interface EngineOptions {
  /** Ids of the rules to run, in registry order. */
  rules: string[];
  maxBytes: number;
  includeGenerated: boolean;
  timeBudgetMs: number;
}

export interface CliFinding extends Finding {
  /** The trimmed text of the line the finding starts on (for SARIF fingerprints). */
  lineText: string;
  /** One-based byte column of the end, as `column` counts the start. */
  endColumn: number;
}

/** What the analysis of one file gives: plain data, so it can cross threads and be cached. */
export interface FileResult {
  findings: CliFinding[];
  errors: RuleError[];
  skipped?: 'too-large' | 'generated' | 'parse-timeout' | 'unreadable';
  incomplete?: 'timeout' | 'cancelled';
  syntaxErrors: boolean;
}

/** Analyses the files of a package together; results are in the order of `job.files`. */
export function analyzePackage(go: GoLanguage, job: PackageJob, options: EngineOptions): FileResult[] {
  const rules = options.rules.map((id) => {
    const r = RULES_BY_ID.get(id);
    if (!r) throw new Error(`unknown rule ${id}`);
    return r;
  });
  const results = analyzeGoPackage(
    go,
    job.files.map((f) => ({ name: f.path, text: f.text })),
    {
      rules,
      goVersion: job.goVersion,
      importPath: job.importPath,
      maxBytes: options.maxBytes,
      includeGenerated: options.includeGenerated,
      timeBudgetMs: options.timeBudgetMs,
    },
  );
  return results.map((result, i) => {
    const text = job.files[i].text;
    const findings = result.findings.map((f) => ({
      ...f,
      lineText: lineTextAt(text, f.span.start),
      endColumn: byteColumn(text, f.span.end),
    }));
    const out: FileResult = { findings, errors: result.errors, syntaxErrors: result.syntaxErrors };
    if (result.skipped) out.skipped = result.skipped;
    if (result.incomplete) out.incomplete = result.incomplete;
    return out;
  });
}

function lineStartAt(text: string, offset: number): number {
  let start = offset;
  while (start > 0 && text.charCodeAt(start - 1) !== 10 && text.charCodeAt(start - 1) !== 13) start--;
  return start;
}

function byteColumn(text: string, offset: number): number {
  return utf8Length(text, lineStartAt(text, offset), offset) + 1;
}

function lineTextAt(text: string, offset: number): string {
  let end = offset;
  while (end < text.length && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
  return text.slice(lineStartAt(text, offset), end).trim();
}
