/**
 * An open document in the server: its text (the protocol's incremental changes applied one by
 * one) and its parsed GoFile, fed the same changes in the parser's terms, so a keystroke
 * re-parses only what changed. `npm run bench` times exactly this path (bench/harness.ts,
 * editorPath).
 */
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { analyzeFile, skipReason, type AnalysisResult, type AnalyzeOptions } from '../core/analyze';
import type { Finding } from '../core/findings/rule';
import { ReviewMemory } from '../core/findings/reuse';
import { FileFacts } from '../core/model/facts';
import { GoFile, type GoLanguage, type TextChange } from '../core/syntax/parser';

export class OpenDocument {
  doc: TextDocument;
  private file: GoFile | undefined;
  /** Changes not yet given to the parser (UTF-16 offsets, each against the text the previous one left). */
  private pending: TextChange[] = [];
  /** Findings of the last review and the version they belong to (-1: none yet). */
  findings: Finding[] = [];
  reviewedVersion = -1;
  skipped: AnalysisResult['skipped'];
  /** When the tree was last used, for evicting the least recently used. */
  lastUsed = 0;
  /** How long the last review took. */
  lastMs = 0;
  /** The last review, whose findings in declarations an edit did not touch the next one carries over. */
  readonly memory = new ReviewMemory();

  constructor(
    readonly uri: string,
    languageId: string,
    version: number,
    text: string,
    /** The file name the analysis uses (`_test.go` detection, messages). */
    readonly fileName: string,
  ) {
    this.doc = TextDocument.create(uri, languageId, version, text);
  }

  get version(): number {
    return this.doc.version;
  }

  get text(): string {
    return this.doc.getText();
  }

  get hasTree(): boolean {
    return this.file !== undefined;
  }

  /** Findings that belong to the current text (none when it changed since the last review). */
  get current(): Finding[] {
    return this.reviewedVersion === this.doc.version ? this.findings : [];
  }

  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    let doc = this.doc;
    for (const c of changes) {
      if (this.file) {
        if ('range' in c) {
          const start = doc.offsetAt(c.range.start);
          this.pending.push({ rangeOffset: start, rangeLength: doc.offsetAt(c.range.end) - start, text: c.text });
        } else {
          this.pending.push({ rangeOffset: 0, rangeLength: doc.getText().length, text: c.text });
        }
      }
      doc = TextDocument.update(doc, [c], version);
    }
    this.doc = doc;
  }

  /** Analyses the current text (skipped files drop their tree). */
  review(go: GoLanguage, options: AnalyzeOptions, clock = 0): AnalysisResult {
    const text = this.doc.getText();
    const skipped = skipReason(text, options);
    if (skipped) {
      this.dropTree();
      return { findings: [], errors: [], skipped, syntaxErrors: false };
    }
    const started = Date.now();
    this.sync(go, clock);
    const result = analyzeFile(this.file!, { ...options, memory: this.memory });
    this.lastMs = Date.now() - started;
    return result;
  }

  /** Keeps a review's result as the document's findings for `version`. */
  keep(version: number, result: AnalysisResult): void {
    this.findings = result.findings;
    this.reviewedVersion = version;
    this.skipped = result.skipped;
  }

  /** Syntax facts of the current text (hovers, CodeLens); undefined for skipped files. */
  facts(go: GoLanguage, clock = 0): FileFacts | undefined {
    if (this.skipped) return undefined;
    this.sync(go, clock);
    const root = this.file?.root;
    return root ? new FileFacts(root, this.file!.source, this.fileName) : undefined;
  }

  /** Frees the parsed tree (the next review parses afresh). */
  dropTree(): void {
    this.memory.clear();
    this.file?.dispose();
    this.file = undefined;
    this.pending = [];
  }

  /** Brings the tree up to date: incrementally when the pending changes lead to the same text. */
  private sync(go: GoLanguage, clock: number): void {
    this.lastUsed = clock;
    const text = this.doc.getText();
    if (this.file && this.pending.length > 0) this.file.update(this.pending, undefined, text);
    this.pending = [];
    // Cannot happen unless a change was misread; the text is what counts.
    if (this.file && this.file.text !== text) this.file.setText(text);
    if (!this.file) this.file = new GoFile(go, text, this.fileName);
  }
}
