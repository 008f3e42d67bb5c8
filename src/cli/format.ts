/** The text and JSON outputs of goconc. SARIF is in sarif.ts. */
import type { Severity } from '../core/findings/rule';
import { SEVERITIES } from '../core/findings/rule';
import type { CliFinding, FileResult } from './engine';
import { fingerprint } from './sarif';
import { VERSION } from './meta';

/** One analysed file as the outputs see it. */
export interface FileReport {
  /** Absolute path. */
  path: string;
  /** The path as printed: relative to the working folder when the user gave a relative path. */
  display: string;
  /** The path relative to the working folder with `/` separators, or undefined when outside it (SARIF). */
  relative?: string;
  result: FileResult;
}

/** A problem with one path that is not a finding (unreadable file, rule crash). */
export interface Problem {
  file: string;
  message: string;
}

const COLORS: Record<Severity, string> = { error: '31', warning: '33', info: '36', hint: '90' };

/**
 * One line per finding, `path:line:col: message (rule)`, as go vet, staticcheck and golangci-lint
 * print them: terminals and VS Code's terminal turn them into links, and CI problem matchers
 * read them. The column counts bytes, as Go's tools do. The summary goes to standard error.
 */
export function formatLines(files: readonly FileReport[], color: boolean): { out: string; summary: string } {
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [];
  for (const f of files) {
    for (const x of f.result.findings) {
      out.push(`${paint('1', `${f.display}:${x.line}:${x.column}`)}: ${x.message} ${paint(COLORS[x.severity], `(${x.ruleId})`)}`);
    }
  }
  return { out: out.length ? out.join('\n') + '\n' : '', summary: summaryLine(files) };
}

/**
 * `--format grouped`: findings grouped by file: the file's path on a line of its own, then one line per finding
 * with its line and byte column (as `go vet` counts), severity, message and rule id. A summary
 * line closes the list. Prints nothing when there are no findings.
 */
export function formatGrouped(files: readonly FileReport[], color: boolean): string {
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [];
  let withFindings = 0;
  for (const f of files) {
    const findings = f.result.findings;
    if (findings.length === 0) continue;
    withFindings++;
    out.push(paint('1;4', f.display));
    const positions = findings.map((x) => `${x.line}:${x.column}`);
    const posWidth = Math.max(...positions.map((p) => p.length));
    const sevWidth = Math.max(...findings.map((x) => x.severity.length));
    findings.forEach((x, i) => {
      out.push(
        `  ${paint('2', positions[i].padEnd(posWidth))}  ${paint(COLORS[x.severity], x.severity.padEnd(sevWidth))}  ${x.message}  ${paint('90', x.ruleId)}`,
      );
    });
    out.push('');
  }
  if (withFindings === 0) return '';
  out.push(paint('1', summaryLine(files)));
  return out.join('\n') + '\n';
}

/** `3 findings (1 warning, 2 info) in 2 files; 1 can be fixed with --fix`, or '' when there are none. */
export function summaryLine(files: readonly FileReport[]): string {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  let withFindings = 0;
  let fixable = 0;
  for (const f of files) {
    if (f.result.findings.length > 0) withFindings++;
    for (const x of f.result.findings) {
      counts[x.severity]++;
      if (x.fixes.some((fx) => fx.safe)) fixable++;
    }
  }
  const total = SEVERITIES.reduce((n, s) => n + counts[s], 0);
  if (total === 0) return '';
  const bySeverity = [...SEVERITIES]
    .reverse()
    .filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}${counts[s] === 1 || s === 'info' ? '' : 's'}`)
    .join(', ');
  let summary = `${total} finding${total === 1 ? '' : 's'} (${bySeverity}) in ${withFindings} file${withFindings === 1 ? '' : 's'}`;
  if (fixable > 0) summary += `; ${fixable} can be fixed with --fix`;
  return summary;
}

/** The JSON output, format version 1 (documented in docs/cli.md; fields are only ever added). */
export function formatJson(files: readonly FileReport[], problems: readonly Problem[]): string {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  const findings = [];
  const skipped = [];
  for (const f of files) {
    const r = f.result;
    if (r.skipped && r.skipped !== 'unreadable') skipped.push({ file: f.display, reason: r.skipped });
    const occurrences = new Map<string, number>();
    for (const x of r.findings) {
      counts[x.severity]++;
      findings.push(findingJson(f, x, occurrences));
    }
  }
  const json = {
    version: 1,
    tool: { name: 'goconc', version: VERSION },
    findings,
    skipped,
    errors: problems,
    summary: { files: files.length, findings: findings.length, ...counts },
  };
  return JSON.stringify(json, null, 2) + '\n';
}

function findingJson(f: FileReport, x: CliFinding, occurrences: Map<string, number>) {
  return {
    file: f.display,
    rule: x.ruleId,
    severity: x.severity,
    message: x.message,
    line: x.line,
    column: x.column,
    endLine: x.range.end.line + 1,
    endColumn: x.endColumn,
    range: x.range,
    bytes: x.bytes,
    fingerprint: fingerprint(x, f.relative ?? f.path, occurrences),
    related: x.related.map((r) => ({ message: r.message, range: r.range })),
    steps: x.steps,
    fixes: x.fixes.map((fx) => ({
      title: fx.title,
      safe: fx.safe,
      edits: fx.edits.map((e) => ({ start: e.start, end: e.end, newText: e.newText, range: e.range })),
    })),
  };
}
