/**
 * The engine's entry point: runs the rules over a parsed file and resolves every position.
 * One rule throwing never stops the others; its error is returned for the host to log.
 */
import { FileFacts, type PackageTypes } from './model/facts';
import { neverReturning } from './model/noreturn';
import { usesUndefinedName } from './model/undefined';
import { PackageView, meaningParts, packageName, skeletonOf, summarizeFile, type FileSummary, type PackageIndex } from './model/package';
import type { Carry, ReviewContext, ReviewMemory } from './findings/reuse';
import { GoFile, type GoLanguage } from './syntax/parser';
import { deleteStatement } from './findings/edits';
import type { Node } from './syntax/parser';
import type { Finding, Related, Report, ResolvedFix, Rule, Severity, TextEdit } from './findings/rule';
import { EVERYWHERE } from './syntax/nodes';
import { noLints, silencedByNoLint, suppressing, suppressions } from './findings/suppress';
import { RULES, RULES_BY_ID } from './rules';
import type { SourceText, Span } from './text/source';
import { utf8Length } from './text/source';

export type SeveritySetting = Severity | 'off';

const IGNORE_DIRECTIVE = 'ignore-directive';

export interface AnalyzeOptions {
  /** The file's name, used for `_test.go` detection and messages. */
  fileName?: string;
  /** Rules to run; all rules when omitted. */
  rules?: readonly Rule[];
  /** Per-rule severity overrides; 'off' disables a rule. */
  severity?: Readonly<Record<string, SeveritySetting>>;
  /**
   * The package's import path ("example.com/m/tests/e2e": the module path of the nearest go.mod
   * and the folder in the module), when the host knows the module. Code in folders that serve
   * tests (`tests/`, `e2e/`, `testutil/`) is weighed as test code.
   */
  importPath?: string;
  /** Go version of the module (`go` directive of go.mod), e.g. "1.21". */
  goVersion?: string;
  /** Files over this many UTF-8 bytes are not analysed (default 2 MiB). */
  maxBytes?: number;
  /** Also analyse generated files (`// Code generated ... DO NOT EDIT.`). */
  includeGenerated?: boolean;
  /** Time budget for parsing and for the rules (default 1000 ms); past it the findings so far are returned. */
  timeBudgetMs?: number;
  /** Polled between rules: when it returns true the run stops and reports `cancelled`. */
  isCancelled?: () => boolean;
  /** The other files of the package (the editor keeps one index per folder). */
  package?: PackageIndex;
  /** Above this many characters of source, analyzePackage holds one file's syntax at a time (default LARGE_PACKAGE_CHARS). */
  largePackageChars?: number;
  /**
   * The last review of this document (the editor keeps one per open document): findings in
   * declarations an edit did not touch are carried over instead of computed again.
   */
  memory?: ReviewMemory;
}

export interface RuleError {
  ruleId: string;
  message: string;
}

export interface AnalysisResult {
  findings: Finding[];
  /** Rules that threw; the other rules still ran. */
  errors: RuleError[];
  /** Why the file was not analysed at all. */
  skipped?: 'too-large' | 'generated' | 'parse-timeout';
  /** Why the findings may be incomplete. */
  incomplete?: 'timeout' | 'cancelled';
  /** True when the file has syntax errors (findings near them may be missing). */
  syntaxErrors: boolean;
}

export const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
export const DEFAULT_TIME_BUDGET_MS = 1000;

const GENERATED = /^\/\/ Code generated .* DO NOT EDIT\.$/m;

/** Why a text should not be analysed, before parsing it. */
export function skipReason(text: string, options: AnalyzeOptions): AnalysisResult['skipped'] {
  const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (text.length > max || (text.length * 3 > max && utf8Length(text) > max)) return 'too-large';
  if (!options.includeGenerated && isGenerated(text)) return 'generated';
  return undefined;
}

/** Go's convention for generated files: the comment must appear before the package clause. */
export function isGenerated(text: string): boolean {
  const pkg = text.search(/^package\s/m);
  const head = pkg >= 0 ? text.slice(0, pkg) : text.slice(0, 4096);
  return GENERATED.test(head);
}

/** Parses and analyses a text in one go (the CLI's path). */
export function analyze(go: GoLanguage, text: string, options: AnalyzeOptions = {}): AnalysisResult {
  const skipped = skipReason(text, options);
  if (skipped) return { findings: [], errors: [], skipped, syntaxErrors: false };
  const file = new GoFile(go, text, options.fileName, options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS);
  try {
    return analyzeFile(file, options);
  } finally {
    file.dispose();
  }
}

/** Analyses an already parsed file (the editor's path, after an incremental re-parse). */
export function analyzeFile(file: GoFile, options: AnalyzeOptions = {}): AnalysisResult {
  const skipped = skipReason(file.text, options);
  if (skipped) return { findings: [], errors: [], skipped, syntaxErrors: false };
  const root = file.syntax(Date.now() + (options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS));
  if (!root) return { findings: [], errors: [], skipped: 'parse-timeout', syntaxErrors: false };
  const facts = new FileFacts(root, file.source, options.fileName ?? file.name, options.importPath);
  const index = options.package;
  if (index && !index.has(facts.fileName)) index.setText(facts.fileName, file.text);
  const others = index?.othersKey(facts.fileName) ?? '';
  // Most rules never look at the package, so the summary is computed only when one does
  // (or when the last review's findings may be carried, which depends on it).
  let summary: FileSummary | undefined;
  const view = () => {
    summary ??= index ? summarizeFile(facts, index.summaryCache(facts.fileName), others) : summarizeFile(facts);
    if (!index) return new PackageView([summary]);
    index.put(facts.fileName, file.text, summary);
    return index.view(summary);
  };
  facts.pkg = {
    structField: (type, field) => index?.structField(type, field, facts.fileName),
    structFields: (type) => index?.structFields(type, facts.fileName),
    funcResults: (name) => index?.funcResults(name, facts.fileName),
  };
  const memory = options.memory;
  if (!memory) return runRules(facts, view, options, !!index);
  const made = view();
  const context: ReviewContext = {
    fixed: [
      facts.fileName,
      options.importPath ?? '',
      options.goVersion ?? '',
      JSON.stringify(options.severity ?? {}),
      (options.rules ?? RULES).map((r) => r.id).join(','),
      String(!!index),
      others,
    ],
    code: [
      skeletonOf(facts),
      // Paths through calls of helpers that never return (os.Exit, t.Fatal) are read from their bodies, not from summaries.
      neverReturning(facts).join(','),
      ...meaningParts(summary!),
    ],
  };
  // A declaration being typed into that names something nothing declares does not compile:
  // its review is held, as one that does not parse (see findings/reuse.ts).
  const halfTyped = (edited: readonly Node[]) => {
    const names = new Set(made.files.flatMap((f) => f.names ?? []));
    return edited.some((d) => usesUndefinedName(facts, d, names));
  };
  const carry = memory.plan(root, file.source, context, summary!.fieldReads ?? [], halfTyped);
  const byRule = new Map<string, Finding[]>();
  const result = runRules(facts, () => made, options, !!index, carry, byRule);
  if (result.incomplete) memory.clear();
  else memory.remember(root, file.text, context, summary!.fieldReads ?? [], byRule);
  return result;
}

/**
 * Analyses the files of one package (one directory) together, so rules see calls and types
 * across files. Each file is parsed once; all trees are freed before returning. Results are in
 * the order of `files`. A package of more than `options.largePackageChars` characters is
 * analysed file by file instead (see analyzeLargePackage).
 */
export function analyzePackage(go: GoLanguage, files: readonly { name: string; text: string }[], options: AnalyzeOptions = {}): AnalysisResult[] {
  const chars = files.reduce((n, f) => n + f.text.length, 0);
  if (files.length > 1 && chars > (options.largePackageChars ?? LARGE_PACKAGE_CHARS)) return analyzeLargePackage(go, files, options);
  const parsed: (GoFile | undefined)[] = [];
  try {
    const facts: (FileFacts | undefined)[] = [];
    for (const f of files) {
      const file = skipReason(f.text, options) ? undefined : new GoFile(go, f.text, f.name, options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS);
      parsed.push(file);
      const root = file?.root;
      file?.releaseTree(); // the rules read the copy: keep one WASM tree at a time
      facts.push(root ? new FileFacts(root, file!.source, f.name, options.importPath) : undefined);
    }
    // Each file sees the types its siblings declare, before any summary is taken.
    const types = facts.map((ff) => (ff ? typesOf(ff) : undefined));
    facts.forEach((own, i) => {
      if (own) own.pkg = siblingTypes(types, i);
    });
    // Summaries are computed once per file, and only when a rule asks for the package.
    const summaries = new Map<number, FileSummary>();
    const summary = (i: number) => {
      let s = summaries.get(i);
      // Call details are worked out when a rule reads them (see LazyCallOp): these summaries
      // live only as long as this analysis, and most calls are never looked at past their callee.
      if (!s) summaries.set(i, (s = summarizeFile(facts[i]!, undefined, '', true)));
      return s;
    };
    const viewOf = packageViews(files.length, (i) => (facts[i] ? summary(i) : undefined));
    return files.map((f, i) => {
      const skipped = skipReason(f.text, options) ?? (facts[i] ? undefined : 'parse-timeout');
      if (skipped) return { findings: [], errors: [], skipped, syntaxErrors: false };
      const result = runRules(facts[i]!, () => viewOf(i), { ...options, fileName: f.name }, files.length > 1);
      // Done with this file's syntax once its summary is taken (later files read summaries only):
      // the collector then no longer marks copies that nothing will read again (but for what the
      // details of calls not read yet hold, see LazyCallOp).
      if (summaries.has(i)) {
        facts[i] = undefined;
        parsed[i]?.dispose();
        parsed[i] = undefined;
      }
      return result;
    });
  } finally {
    for (const p of parsed) p?.dispose();
  }
}

/** Characters of source above which a package is analysed file by file (see analyzeLargePackage). */
export const LARGE_PACKAGE_CHARS = 6 * 1024 * 1024;

/**
 * A package too big to hold every file's syntax at once (generated API clients, a server's one
 * huge package): each file is parsed three times, one file at a time: for the types it declares,
 * for its summary (which reads its siblings' types), and for its own rules against the package's
 * summaries. Only the types and the summaries stay in memory; the findings are those of
 * analyzePackage.
 */
function analyzeLargePackage(go: GoLanguage, files: readonly { name: string; text: string }[], options: AnalyzeOptions): AnalysisResult[] {
  const skipped = files.map((f) => skipReason(f.text, options));
  const withFacts = <T>(i: number, use: (facts: FileFacts) => T): T | undefined => {
    if (skipped[i]) return undefined;
    const file = new GoFile(go, files[i].text, files[i].name, options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS);
    try {
      const root = file.root;
      file.releaseTree();
      return root ? use(new FileFacts(root, file.source, files[i].name, options.importPath)) : undefined;
    } finally {
      file.dispose();
    }
  };
  const types = files.map((_, i) => withFacts(i, typesOf));
  const summaries = files.map((_, i) =>
    withFacts(i, (facts) => {
      facts.pkg = siblingTypes(types, i);
      return summarizeFile(facts);
    }),
  );
  const viewOf = packageViews(files.length, (i) => summaries[i]);
  return files.map((f, i) => {
    const skip = skipped[i] ?? (summaries[i] ? undefined : 'parse-timeout');
    if (skip) return { findings: [], errors: [], skipped: skip, syntaxErrors: false };
    const result = withFacts(i, (facts) => {
      facts.pkg = siblingTypes(types, i);
      return runRules(facts, () => viewOf(i), { ...options, fileName: f.name }, true);
    });
    return result ?? { findings: [], errors: [], skipped: 'parse-timeout', syntaxErrors: false };
  });
}

/**
 * The package view of each file. One view for the whole package, so what rules derive from it
 * (call graphs, flattened calls, lock edges) is computed once, not once per file. A file that
 * declares a function another file declares too (build-tagged variants) gets a view where its
 * own one wins.
 */
function packageViews(count: number, summary: (i: number) => FileSummary | undefined): (i: number) => PackageView {
  const shared = new Map<string, { view: PackageView; duplicated: Set<number> }>();
  return (i) => {
    const own = summary(i)!;
    const members: number[] = [];
    for (let j = 0; j < count; j++) if (summary(j)?.packageName === own.packageName) members.push(j);
    let pkg = shared.get(own.packageName);
    if (!pkg) {
      const seen = new Map<string, number>();
      const duplicated = new Set<number>();
      for (const j of members) {
        for (const fn of summary(j)!.functions) {
          const first = seen.get(fn.key);
          if (first === undefined) seen.set(fn.key, j);
          else if (first !== j) duplicated.add(first).add(j);
        }
      }
      pkg = { view: new PackageView(members.map((j) => summary(j)!)), duplicated };
      shared.set(own.packageName, pkg);
    }
    if (!pkg.duplicated.has(i)) return pkg.view;
    return new PackageView([own, ...members.filter((j) => j !== i).map((j) => summary(j)!)]);
  };
}

/** What a file declares that its siblings' analyses may read: its package, struct fields and function results. */
interface DeclaredTypes {
  packageName: string;
  structs: ReadonlyMap<string, ReadonlyMap<string, string>>;
  results: ReadonlyMap<string, string[]>;
}

function typesOf(facts: FileFacts): DeclaredTypes {
  return { packageName: packageName(facts), structs: facts.structs, results: new Map([...facts.packageFunctions].map(([name, fn]) => [name, fn.results])) };
}

/** Struct fields and function results declared in the other files of the package (without summarising them). */
function siblingTypes(types: readonly (DeclaredTypes | undefined)[], own: number): PackageTypes {
  const name = types[own]?.packageName;
  const others = types.filter((t, j): t is DeclaredTypes => t !== undefined && j !== own && t.packageName === name);
  return {
    structField: (type, field) => {
      for (const t of others) {
        const f = t.structs.get(type)?.get(field);
        if (f) return f;
      }
      return undefined;
    },
    structFields: (type) => {
      for (const t of others) {
        const f = t.structs.get(type);
        if (f) return f;
      }
      return undefined;
    },
    funcResults: (fn) => {
      for (const t of others) {
        const r = t.results.get(fn);
        if (r) return r;
      }
      return undefined;
    },
  };
}

/**
 * Runs the rules on one file. With `carry`, rules of declaration scope look only at the
 * declarations in focus and the rest of their findings come from the last review; `byRule`
 * receives each such rule's findings, for the next review.
 */
function runRules(facts: FileFacts, makeView: () => PackageView, options: AnalyzeOptions, siblings: boolean, carry?: Carry, byRule?: Map<string, Finding[]>): AnalysisResult {
  let view: PackageView | undefined;
  const packageView = () => (view ??= makeView());
  const deadline = Date.now() + (options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS);
  const findings: Finding[] = [];
  const errors: RuleError[] = [];
  let incomplete: AnalysisResult['incomplete'];
  const ran = new Set<string>();
  for (const rule of options.rules ?? RULES) {
    const setting = options.severity?.[rule.id];
    if (setting === 'off') continue;
    if (options.isCancelled?.()) {
      incomplete = 'cancelled';
      break;
    }
    if (Date.now() > deadline) {
      incomplete = 'timeout';
      break;
    }
    ran.add(rule.id);
    const scoped = rule.scope !== 'file';
    const carried = scoped ? carry?.carried(rule.id) : undefined;
    const own: Finding[] = [];
    try {
      rule.check({
        file: facts,
        get package() {
          return packageView();
        },
        siblings,
        goVersion: options.goVersion,
        inFocus: carried ? carry!.inFocus : EVERYWHERE,
        report: (r) => {
          const f = resolve(rule.id, setting ?? r.severity ?? (rule.severityInTests && inTests(facts, r) ? rule.severityInTests : rule.severity), r, facts.source);
          if (!carried || carry!.keeps(f)) own.push(f);
        },
      });
      const all = carried ? [...carried, ...own] : own;
      findings.push(...all);
      if (scoped) byRule?.set(rule.id, all);
    } catch (e) {
      findings.push(...own);
      errors.push({ ruleId: rule.id, message: e instanceof Error ? e.stack ?? e.message : String(e) });
    }
  }
  const kept = facts.text.includes('goconc:ignore') || facts.text.includes('nolint') ? applySuppressions(facts, findings, options, ran) : findings;
  return { findings: dedupe(kept), errors, incomplete, syntaxErrors: facts.root.hasError };
}

/** The finding is in test code: a test or test-support file, or a function that takes a `*testing.T` (see `FileFacts.inTestHelper`). */
function inTests(facts: FileFacts, r: Report): boolean {
  return facts.isTestSupport || facts.inTestHelper(r.span?.start ?? r.node?.startIndex ?? 0);
}

/**
 * Drops findings silenced by `//goconc:ignore`, and those of rules overlapping a vet analyzer under a
 * `//nolint` naming it; reports `//goconc:ignore` suppressions that silenced nothing.
 */
function applySuppressions(facts: FileFacts, findings: Finding[], options: AnalyzeOptions, ran: ReadonlySet<string>): Finding[] {
  const list = suppressions(facts);
  const noLint = noLints(facts);
  const kept = findings.filter(
    (f) =>
      f.ruleId === IGNORE_DIRECTIVE ||
      (!suppressing(list, f.ruleId, f.range.start.line) && !silencedByNoLint(noLint, RULES_BY_ID.get(f.ruleId)?.overlaps, f.range.start.line)),
  );
  if (!ran.has(IGNORE_DIRECTIVE)) return kept;
  const severity = options.severity?.[IGNORE_DIRECTIVE];
  for (const s of list) {
    if (s.used || s.ruleIds.length === 0 || !s.ruleIds.every((id) => ran.has(id))) continue;
    kept.push(
      resolve(IGNORE_DIRECTIVE, severity && severity !== 'off' ? severity : (RULES_BY_ID.get(IGNORE_DIRECTIVE)?.severity ?? 'info'), {
        node: s.comment,
        message: `\`//goconc:ignore ${s.ruleIds.join(',')}\` silences nothing: remove it`,
        fixes: [{ title: 'Remove the unused suppression', edits: [removeComment(facts, s.comment)], safe: true }],
        unnecessary: true,
      }, facts.source),
    );
  }
  return kept;
}

/** Deletes a comment: its whole line when it stands alone, else the comment and the space before it. */
function removeComment(facts: FileFacts, comment: Node): TextEdit {
  const del = deleteStatement(facts.source, comment);
  if (del) return del;
  let start = comment.startIndex;
  while (start > 0 && (facts.text[start - 1] === ' ' || facts.text[start - 1] === '\t')) start--;
  return { start, end: comment.endIndex, newText: '' };
}

function resolve(ruleId: string, severity: Severity, r: Report, source: SourceText): Finding {
  const span: Span = r.span ?? (r.node ? { start: r.node.startIndex, end: r.node.endIndex } : { start: 0, end: 0 });
  const start = source.positionAt(span.start);
  const fixes: ResolvedFix[] = (r.fixes ?? []).map((f) => ({
    title: f.title,
    safe: f.safe,
    edits: [...f.edits]
      .sort((a, b) => a.start - b.start)
      .map((e) => ({ ...e, range: { start: source.positionAt(e.start), end: source.positionAt(e.end) } })),
  }));
  const related = (r.related ?? []).map((x: Related) => ({
    ...x,
    range: { start: source.positionAt(x.span.start), end: source.positionAt(x.span.end) },
  }));
  return {
    ruleId,
    severity,
    message: r.message,
    span,
    range: { start, end: source.positionAt(span.end) },
    bytes: { start: source.byteOffsetAt(span.start), end: source.byteOffsetAt(span.end) },
    line: start.line + 1,
    column: source.byteColumnAt(span.start),
    fixes,
    related,
    steps: r.steps ?? [],
    ...(r.unnecessary ? { unnecessary: true } : {}),
  };
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of findings) {
    const key = `${f.ruleId}\0${f.span.start}\0${f.span.end}\0${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out.sort((a, b) => a.span.start - b.span.start || a.ruleId.localeCompare(b.ruleId));
}

/** Applies non-overlapping edits to a text (later edits first). Throws on overlap. */
export function applyEdits(text: string, edits: readonly { start: number; end: number; newText: string }[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].start < sorted[i - 1].end) throw new Error('overlapping edits');
  }
  let out = text;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const e = sorted[i];
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  }
  return out;
}
