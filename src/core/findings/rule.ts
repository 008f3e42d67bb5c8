/**
 * What a rule is and what it reports. Rules are plain data plus a `check` function; nothing
 * here knows about VS Code, the CLI or SARIF.
 */
import type { FileFacts } from '../model/facts';
import type { PackageView } from '../model/package';
import type { Node } from '../syntax/parser';
import type { Position, Span } from '../text/source';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export const SEVERITIES: readonly Severity[] = ['hint', 'info', 'warning', 'error'];

export type Category = 'goroutine-leak' | 'cancellation' | 'channel' | 'waitgroup' | 'mutex' | 'testing' | 'race' | 'meta';

export interface RuleDocs {
  /** One sentence: what the rule reports. Used in tables, SARIF and settings. */
  summary: string;
  /** Why this is a bug, in a short paragraph of Markdown. */
  why: string;
  /** The interleaving that goes wrong, as numbered steps (no numbers in the strings). */
  interleaving: string[];
  /** Go code showing the bug. */
  bad: string;
  /** The same code written correctly. */
  good: string;
  /** How the quick fixes change the code, when the rule has any. */
  fixes?: string;
}

export interface Rule {
  /** Kebab-case id: file name, fixture folder, diagnostic code and docs anchor. */
  id: string;
  title: string;
  severity: Severity;
  /**
   * The severity of its findings in tests and test-support code (see `FileFacts.isTestSupport`), and in functions that take a `*testing.T` (`FileFacts.inTestHelper`), when lower: a leak that needs an earlier
   * failure in a test hangs a failing run, which a reviewer weighs less than the same leak in a
   * server. A severity the user set for the rule wins.
   */
  severityInTests?: Severity;
  category: Category;
  docs: RuleDocs;
  /**
   * Analyzers of gopls (on by default) that report the same problem: their names, as gopls puts
   * them in a diagnostic's source. When one of them reports on the same line, the editor shows
   * only its squiggle and keeps ours for the hover.
   */
  overlaps?: readonly string[];
  /**
   * 'file' when the rule's findings in one declaration can change while another declaration's
   * body changes and its summary does not (the rule reads other bodies, not only their
   * summaries): it then runs whole on every review. Other rules look only at the declarations an
   * edit touched, and their findings elsewhere are carried from the last review
   * (findings/reuse.ts); test/incremental.test.ts checks that this gives a fresh review's findings.
   */
  scope?: 'file';
  check(ctx: RuleContext): void;
}

/** A replacement of the UTF-16 range [start, end) with newText. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** True when the fix keeps the program's meaning apart from removing the bug; fix-all applies only these. */
  safe: boolean;
}

export interface Related {
  span: Span;
  message: string;
}

/** What a rule passes to {@link RuleContext.report}. */
export interface Report {
  /** Where to put the squiggle: a node, or an explicit span. */
  node?: Node;
  span?: Span;
  message: string;
  fixes?: Fix[];
  /** Other places that take part (the goroutine, the other lock, the early return). */
  related?: Related[];
  /** The interleaving for this finding, as steps naming lines of the user's file. */
  steps?: string[];
  /**
   * This finding's severity when it differs from the rule's default (a version-dependent
   * finding that is only a hint on newer Go). A severity the user set for the rule wins.
   */
  severity?: Severity;
  /** The squiggled code does nothing and can go (an unused suppression): editors fade it out. */
  unnecessary?: boolean;
}

export interface RuleContext {
  readonly file: FileFacts;
  /** Summaries of every file of the package, this one included (just this one when the host gave no siblings). */
  readonly package: PackageView;
  /**
   * True when the host gave the package's other files: the package may hold facts this file's text
   * does not show. False when the file is analysed alone (its text is the whole package view).
   */
  readonly siblings: boolean;
  /** Go version from go.mod or settings, like "1.22"; undefined when unknown. */
  readonly goVersion: string | undefined;
  /**
   * False for nodes in declarations whose findings this review carries over from the last one:
   * the rule may skip them, and what it reports there is dropped. Always true on a whole review.
   */
  inFocus(node: Node): boolean;
  report(report: Report): void;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface ResolvedEdit extends TextEdit {
  range: Range;
}

export interface ResolvedFix {
  title: string;
  safe: boolean;
  edits: ResolvedEdit[];
}

/** A finding with every position resolved: UTF-16 offsets and line/character, and UTF-8 bytes. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** UTF-16 offsets. */
  span: Span;
  /** Zero-based line and UTF-16 character, as VS Code counts. */
  range: Range;
  /** UTF-8 byte offsets from the start of the file. */
  bytes: Span;
  /** One-based line and byte column of the start, as Go tools print them. */
  line: number;
  column: number;
  fixes: ResolvedFix[];
  related: (Related & { range: Range })[];
  steps: string[];
  /** See {@link Report.unnecessary}. */
  unnecessary?: boolean;
}
