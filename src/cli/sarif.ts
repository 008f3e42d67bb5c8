/**
 * SARIF 2.1.0 output, as GitHub code scanning reads it: one run, the rules that ran with their
 * documentation, results with UTF-16 regions relative to %SRCROOT% (the working folder),
 * fingerprints that survive lines moving, and the quick fixes as artifact changes.
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { ruleMarkdown } from '../core/present/docs';
import type { Range, Rule, Severity } from '../core/findings/rule';
import type { CliFinding } from './engine';
import type { FileReport, Problem } from './format';
import { HOMEPAGE, ruleHelpUri, VERSION } from './meta';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

type Level = 'error' | 'warning' | 'note';
const LEVEL: Record<Severity, Level> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/**
 * A fingerprint that stays put when lines are added above the finding: a hash of the rule, the
 * file, the trimmed text of the finding's line, and how many findings of the same rule on
 * identical lines come before it in the file. `occurrences` is per file and is updated.
 */
export function fingerprint(f: CliFinding, file: string, occurrences: Map<string, number>): string {
  const key = `${f.ruleId}\0${file}\0${f.lineText}`;
  const n = occurrences.get(key) ?? 0;
  occurrences.set(key, n + 1);
  return createHash('sha256').update(`${key}\0${n}`).digest('hex').slice(0, 32);
}

/** SARIF regions are 1-based; `columnKind: utf16CodeUnits` matches the engine's characters. */
function region(r: Range) {
  return { startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 };
}

function artifactLocation(f: FileReport) {
  if (f.relative !== undefined) {
    return { uri: f.relative.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  }
  return { uri: pathToFileURL(f.path).href };
}

/** PascalCase name from a kebab-case id (`waitgroup-add-in-goroutine` -> `WaitgroupAddInGoroutine`). */
function ruleName(id: string): string {
  return id
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

function ruleDescriptor(rule: Rule) {
  const plain = (s: string) => s.replace(/`/g, '');
  return {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: plain(rule.docs.summary), markdown: rule.docs.summary },
    helpUri: ruleHelpUri(rule.id),
    help: {
      text: [plain(rule.docs.summary), plain(rule.docs.why), 'Bad:\n' + rule.docs.bad, 'Good:\n' + rule.docs.good].join('\n\n'),
      markdown: ruleMarkdown(rule, 2),
    },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { tags: ['concurrency', rule.category], precision: 'high', 'problem.severity': rule.severity === 'error' ? 'error' : rule.severity === 'warning' ? 'warning' : 'recommendation' },
  };
}

export interface SarifInput {
  /** The working folder: %SRCROOT%. */
  cwd: string;
  rules: readonly Rule[];
  files: readonly FileReport[];
  problems: readonly Problem[];
}

export function formatSarif(input: SarifInput): string {
  const ruleIndex = new Map(input.rules.map((r, i) => [r.id, i]));
  const results = [];
  for (const f of input.files) {
    const location = artifactLocation(f);
    const occurrences = new Map<string, number>();
    for (const x of f.result.findings) {
      const result: Record<string, unknown> = {
        ruleId: x.ruleId,
        ruleIndex: ruleIndex.get(x.ruleId) ?? -1,
        level: LEVEL[x.severity],
        message: { text: x.message },
        locations: [{ physicalLocation: { artifactLocation: location, region: region(x.range) } }],
        partialFingerprints: { 'goconcFingerprint/v1': fingerprint(x, f.relative ?? f.path, occurrences) },
      };
      if (x.related.length > 0) {
        result.relatedLocations = x.related.map((r, i) => ({
          id: i + 1,
          message: { text: r.message },
          physicalLocation: { artifactLocation: location, region: region(r.range) },
        }));
      }
      if (x.fixes.length > 0) {
        result.fixes = x.fixes.map((fx) => ({
          description: { text: fx.title.replace(/`/g, ''), markdown: fx.title },
          artifactChanges: [
            {
              artifactLocation: location,
              replacements: fx.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
            },
          ],
          properties: { safe: fx.safe },
        }));
      }
      if (x.steps.length > 0) result.properties = { steps: x.steps };
      if (x.severity !== input.rules[ruleIndex.get(x.ruleId) ?? 0]?.severity) {
        result.properties = { ...(result.properties as object), severity: x.severity };
      }
      results.push(result);
    }
  }
  const root = pathToFileURL(input.cwd).href;
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'goconc',
            fullName: 'Go Concurrency Review',
            version: VERSION,
            semanticVersion: VERSION,
            informationUri: HOMEPAGE,
            rules: input.rules.map(ruleDescriptor),
          },
        },
        invocations: [
          {
            executionSuccessful: input.problems.length === 0,
            toolExecutionNotifications: input.problems.map((p) => ({ level: 'error', message: { text: `${p.file}: ${p.message}` } })),
          },
        ],
        originalUriBaseIds: { '%SRCROOT%': { uri: root.endsWith('/') ? root : root + '/' } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
