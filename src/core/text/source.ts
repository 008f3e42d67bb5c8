/**
 * Text positions. Tree-sitter (web-tree-sitter fed a JavaScript string) and VS Code both count
 * in UTF-16 code units; Go tools, SARIF consumers and `go vet` output count bytes of UTF-8.
 * A SourceText answers both from one line table, built once per text.
 */

export interface Position {
  /** Zero-based line. */
  line: number;
  /** Zero-based column in UTF-16 code units (what VS Code uses). */
  character: number;
}

export interface Span {
  /** UTF-16 offset of the first character. */
  start: number;
  /** UTF-16 offset just past the last character. */
  end: number;
}

const BOM = 0xfeff;

/** How a text was made from the one before it: [start, oldEnd) of `previous` replaced. */
export interface SourceEdit {
  previous: string;
  start: number;
  oldEnd: number;
}

export class SourceText {
  readonly text: string;
  /** UTF-16 offset at which each line starts. */
  private readonly lineStarts: Uint32Array;
  /** The edit this text came from (see {@link edited}), so comparing it with `previous` needs no scan. */
  readonly edit?: SourceEdit;

  constructor(text: string, lineStarts?: Uint32Array, edit?: SourceEdit) {
    this.text = text;
    this.edit = edit;
    if (lineStarts) {
      this.lineStarts = lineStarts;
      return;
    }
    const starts = [0];
    scanLineStarts(text, 0, text.length - 1, starts);
    this.lineStarts = Uint32Array.from(starts);
  }

  /**
   * The text after replacing [start, oldEnd) of this one with `inserted`, its line table made from
   * this one's: only the lines the edit touched are read again (a keystroke in a large file).
   * `result`, when the caller already holds the resulting text (the editor's document), is used
   * as is: building and flattening a second copy of a large text costs more than the rest of the
   * edit.
   */
  edited(start: number, oldEnd: number, inserted: string, result?: string): SourceText {
    const text = result ?? this.text.slice(0, start) + inserted + this.text.slice(oldEnd);
    const old = this.lineStarts;
    const newEnd = start + inserted.length;
    const delta = newEnd - oldEnd;
    // A line start depends on the two characters around it: those before the edit stand, those
    // the edit's characters decide are found again, and those past it move. The table is made
    // at its final size (a keystroke in a large file would otherwise grow an array line by line).
    let before = 1;
    while (before < old.length && old[before] < start) before++;
    let after = before;
    while (after < old.length && old[after] <= oldEnd + 1) after++;
    const found: number[] = [];
    scanLineStarts(text, Math.max(0, start - 1), Math.min(newEnd, text.length - 1), found);
    const starts = new Uint32Array(before + found.length + old.length - after);
    starts.set(old.subarray(0, before));
    starts.set(found, before);
    for (let i = after, j = before + found.length; i < old.length; i++, j++) starts[j] = old[i] + delta;
    return new SourceText(text, starts, { previous: this.text, start, oldEnd });
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** Zero-based line containing the UTF-16 offset. */
  lineAt(offset: number): number {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineAt(clamped);
    return { line, character: clamped - this.lineStarts[line] };
  }

  offsetAt(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[pos.line];
    return Math.min(start + Math.max(0, pos.character), this.lineEnd(pos.line));
  }

  /** UTF-16 offset of the first character of a line. */
  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))];
  }

  /** UTF-16 offset of the end of a line, before its line break. */
  lineEnd(line: number): number {
    const next = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    let end = next;
    if (end > this.lineStarts[line] && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > this.lineStarts[line] && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  /** The text of a line without its line break. */
  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }

  /** Number of UTF-8 bytes from the start of the text to a UTF-16 offset. */
  byteOffsetAt(offset: number): number {
    const line = this.lineAt(offset);
    return this.lineByteStart(line) + utf8Length(this.text, this.lineStarts[line], offset);
  }

  /** One-based byte column, as `go vet` and gofmt print them. */
  byteColumnAt(offset: number): number {
    const line = this.lineAt(offset);
    return utf8Length(this.text, this.lineStarts[line], offset) + 1;
  }

  private lineBytes: number[] | undefined;

  private lineByteStart(line: number): number {
    if (!this.lineBytes) {
      const bytes = [0];
      for (let i = 1; i < this.lineStarts.length; i++) {
        bytes.push(bytes[i - 1] + utf8Length(this.text, this.lineStarts[i - 1], this.lineStarts[i]));
      }
      this.lineBytes = bytes;
    }
    return this.lineBytes[line];
  }
}

/** Appends the line starts that the characters text[from..to] end (a line feed, or a lone carriage return as in VS Code). */
function scanLineStarts(text: string, from: number, to: number, out: number[]): void {
  for (let i = from; i <= to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) out.push(i + 1);
    else if (c === 13 /* \r */ && text.charCodeAt(i + 1) !== 10) out.push(i + 1);
  }
}

/** UTF-8 length of text[from, to). Lone surrogates count as the 3 bytes of U+FFFD, as TextEncoder does. */
export function utf8Length(text: string, from = 0, to = text.length): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/**
 * The text given to the parser. A UTF-8 byte order mark is replaced by a space of the same
 * UTF-16 length, so every offset stays valid and the parser does not see a stray character.
 */
export function parserInput(text: string): string {
  return text.charCodeAt(0) === BOM ? ' ' + text.slice(1) : text;
}
