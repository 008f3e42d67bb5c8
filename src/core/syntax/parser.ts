/**
 * Parser set-up and incremental documents. Everything here is shared by the extension hosts,
 * the CLI and the tests, so it takes the WASM bytes from a caller-supplied loader instead of
 * reading files itself.
 */
import { Edit, Language, Parser, Query, type Tree } from 'web-tree-sitter';
import { parserInput, SourceText, type Span } from '../text/source';
import { MemoryWalker, memoryLayoutHolds, sameWalk, type CopyCursor } from './memoryCursor';
import { copyTree, SyntaxNode, type PreviousCopy } from './tree';

export type WasmFile = 'web-tree-sitter.wasm' | 'tree-sitter-go.wasm';
/** Supplies the bytes of one of the two WASM files (read from disk, fetched, or from the VS Code file system). */
export type WasmLoader = (file: WasmFile) => Promise<Uint8Array>;

/** The node type every rule works with: the JavaScript copy of the tree (see tree.ts). */
export type Node = SyntaxNode;
export type { Tree };

// The engine supplies web-tree-sitter's memory itself so it can report the heap size (WASM
// memory only grows; a leak of trees shows up here). Declared locally: src/core is compiled
// with neither DOM nor Node types, but every host has WebAssembly.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
declare const WebAssembly: { Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory };

/** The loaded Go grammar and one reusable parser. Create it with {@link loadGo}. */
export class GoLanguage {
  private readonly queries = new Map<string, Query>();
  /** Reads trees from WASM memory for copyTree, when this build's layout was verified (see memoryCursor.ts). */
  private walker: MemoryWalker | undefined;
  private walkChecked = false;

  constructor(
    readonly language: Language,
    private readonly parser: Parser,
    private readonly memory: WasmMemory,
  ) {}

  /**
   * Checks that trees can be read from WASM memory: the grammar's tables where this engine
   * expects them, and a walk of `samples` that agrees node for node with web-tree-sitter's own
   * cursor. Until then, and if not, copies walk with web-tree-sitter's cursor.
   */
  verifyMemoryWalk(samples: readonly string[] = MEMORY_WALK_SAMPLES): boolean {
    this.walkChecked = true;
    this.walker = undefined;
    if (!memoryLayoutHolds(this.language, this.memory)) return false;
    const walker = new MemoryWalker(this.language, this.memory);
    for (const text of samples) {
      const tree = this.parse(text);
      if (!tree) return false;
      const a = walker.walk(tree);
      const b = tree.walk();
      try {
        if (sameWalk(a, b) !== undefined) return false;
      } catch {
        return false; // memory that is not laid out as expected
      } finally {
        a.delete();
        b.delete();
        tree.delete();
      }
    }
    this.walker = walker;
    return true;
  }

  /** {@link verifyMemoryWalk} once: for a server that loaded the parser with the check left for later. */
  checkMemoryWalk(): void {
    if (!this.walkChecked) this.verifyMemoryWalk();
  }

  /** Whether copies read trees from WASM memory (see {@link verifyMemoryWalk}). */
  get readsMemory(): boolean {
    return this.walker !== undefined;
  }

  /** A cursor at the root of `tree` for copyTree. No parse may happen while it is used. */
  walk(tree: Tree): CopyCursor {
    return this.walker?.walk(tree) ?? tree.walk();
  }

  /** Size of the WASM heap in bytes. It never shrinks, so it is the high-water mark of live trees. */
  heapBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * Parses `text`, reusing `oldTree` (already edited with {@link Tree.edit}) when given.
   * Returns undefined when parsing ran past `timeoutMs`. The caller owns the returned tree and
   * must `delete()` it: WASM memory is never returned to the system otherwise.
   */
  parse(text: string, oldTree?: Tree, timeoutMs?: number): Tree | undefined {
    const input = parserInput(text);
    if (timeoutMs === undefined) {
      return this.parser.parse(input, oldTree ?? null) ?? undefined;
    }
    const deadline = Date.now() + timeoutMs;
    const tree = this.parser.parse(input, oldTree ?? null, {
      // web-tree-sitter stops when the callback returns true.
      progressCallback: (() => Date.now() > deadline) as unknown as () => void,
    });
    if (!tree) this.parser.reset();
    return tree ?? undefined;
  }

  /** Compiles a query once and caches it. A query with a syntax error throws (tests catch it). */
  query(source: string): Query {
    let q = this.queries.get(source);
    if (!q) {
      q = new Query(this.language, source);
      this.queries.set(source, q);
    }
    return q;
  }
}

let loading: Promise<GoLanguage> | undefined;

/**
 * Loads web-tree-sitter and the Go grammar once per process (later calls share the first
 * promise), then warms the parser up with a small parse so the first real keystroke is fast.
 * The memory walk is checked at once unless `checkMemoryWalk` is `later`: a language server
 * checks it once its first findings are out (5 to 20 ms it would otherwise wait for), and its
 * first review copies its tree with web-tree-sitter's cursor.
 */
export function loadGo(loader: WasmLoader, options: { checkMemoryWalk?: 'now' | 'later' } = {}): Promise<GoLanguage> {
  if (!loading) {
    loading = (async () => {
      const runtime = await loader('web-tree-sitter.wasm');
      // 32 MiB to start, the module's own minimum; it grows in 64 KiB pages as needed.
      const memory = new WebAssembly.Memory({ initial: 512, maximum: 32768 });
      await Parser.init({ wasmBinary: runtime, wasmMemory: memory } as object);
      const language = await Language.load(await loader('tree-sitter-go.wasm'));
      const parser = new Parser();
      parser.setLanguage(language);
      const go = new GoLanguage(language, parser, memory);
      go.parse(WARM_UP)?.delete();
      if (options.checkMemoryWalk !== 'later') go.verifyMemoryWalk();
      return go;
    })();
    loading.catch(() => (loading = undefined)); // a failed load may be retried
  }
  return loading;
}

const WARM_UP = `package warm

func f(ctx context.Context, ch chan int) {
	go func() {
		select {
		case ch <- 1:
		case <-ctx.Done():
		}
	}()
}
`;

/** Aliased and fielded nodes, an ERROR, a MISSING token and an extra (comment) for the memory walk's check. */
const DAMAGED = `package p

type T struct{ a, b int; mu sync.Mutex }

func (t *T) m(xs []int) (n int, err error) {
	for i, x := range xs { // a comment
		t.mu.Lock(); n += x + i; goto out
	}
out:
	switch v := any(n).(type) { case int: _ = v }
	return n, fmt.Errorf("é %d", n
}

func broken( {
	x := [
`;

/** What the memory walk is checked on. */
const MEMORY_WALK_SAMPLES: readonly string[] = [WARM_UP, DAMAGED];

/** A change as VS Code reports it: replace `rangeLength` UTF-16 units at `rangeOffset` with `text`. */
export interface TextChange {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

/**
 * A parsed Go file. Documents in the editor keep one and feed it changes; the CLI makes one,
 * analyses it and disposes of it at once.
 */
export class GoFile {
  private currentTree: Tree | undefined;
  private currentSource: SourceText;
  private currentRoot: SyntaxNode | undefined;
  /** The copy before the last edit, while the new one is not made yet (see copyTree). */
  private previousCopy: PreviousCopy | undefined;

  constructor(
    private readonly go: GoLanguage,
    text: string,
    readonly name = 'file.go',
    timeoutMs?: number,
  ) {
    this.currentSource = new SourceText(text);
    this.currentTree = go.parse(text, undefined, timeoutMs);
  }

  get text(): string {
    return this.currentSource.text;
  }

  get source(): SourceText {
    return this.currentSource;
  }

  /** The WASM syntax tree, or undefined when parsing timed out or the file was disposed. */
  get tree(): Tree | undefined {
    return this.currentTree;
  }

  /** The JavaScript copy of the tree that rules read, made on first use after each parse. */
  get root(): SyntaxNode | undefined {
    return this.syntax();
  }

  /** Like {@link root}, but gives up (undefined) when copying runs past `deadline` (a Date.now() value). */
  syntax(deadline?: number): SyntaxNode | undefined {
    if (!this.currentRoot && this.currentTree) {
      this.currentRoot = copyTree(this.currentTree, this.currentSource, deadline, this.previousCopy, (t) => this.go.walk(t));
      if (this.currentRoot) this.previousCopy = undefined;
    }
    return this.currentRoot;
  }

  /**
   * Applies changes in order (each against the text left by the previous one), edits the old
   * tree to match and re-parses incrementally. The old tree is deleted. `result` is the text the
   * changes lead to when the caller holds it (the editor's document): the file then shares that
   * string instead of building its own. A `result` of another length is ignored.
   */
  update(changes: readonly TextChange[], timeoutMs?: number, result?: string): void {
    let source = this.currentSource;
    let text = source.text;
    const old = this.currentTree;
    // One change (a keystroke, a paste) against a copy made since the last one: its untouched
    // declarations are cloned, not copied through WASM again. Anything else copies afresh.
    const copied = this.currentRoot;
    const c0 = changes[0];
    const previous = changes.length === 1 && copied && old ? { root: copied, start: c0.rangeOffset, oldEnd: c0.rangeOffset + c0.rangeLength, delta: c0.text.length - c0.rangeLength } : undefined;
    for (const [i, c] of changes.entries()) {
      const start = c.rangeOffset;
      const oldEnd = c.rangeOffset + c.rangeLength;
      const newEnd = start + c.text.length;
      if (old) {
        // Tree-sitter counts rows by line feeds alone; the line table agrees when there is no carriage return.
        const startPosition = text.indexOf('\r') < 0 ? toPoint(source.positionAt(start)) : pointAt(text, start);
        const oldEndPosition = pointAt(text, oldEnd, start, startPosition);
        old.edit(
          new Edit({
            startIndex: start,
            oldEndIndex: oldEnd,
            newEndIndex: newEnd,
            startPosition,
            oldEndPosition,
            newEndPosition: advancePoint(startPosition, c.text),
          }),
        );
      }
      const last = i === changes.length - 1 && result !== undefined && result.length === text.length - c.rangeLength + c.text.length;
      source = source.edited(start, oldEnd, c.text, last ? result : undefined);
      text = source.text;
    }
    const changed = this.replace(source, old, timeoutMs, previous !== undefined);
    this.previousCopy = previous && changed ? { ...previous, changed } : undefined;
  }

  /** Replaces the whole text (no incremental reuse). */
  setText(text: string, timeoutMs?: number): void {
    this.replace(new SourceText(text), undefined, timeoutMs);
  }

  /**
   * Parses `source`, reusing the edited old tree. With `changes`, returns the ranges (new UTF-16
   * offsets) whose syntax differs from the old tree's, as tree-sitter compares them.
   */
  private replace(source: SourceText, reuse: Tree | undefined, timeoutMs?: number, changes = false): Span[] | undefined {
    const previous = this.currentTree;
    this.currentRoot = undefined;
    this.previousCopy = undefined;
    this.currentSource = source;
    this.currentTree = this.go.parse(source.text, reuse, timeoutMs);
    const changed = changes && reuse && this.currentTree ? reuse.getChangedRanges(this.currentTree).map((r) => ({ start: r.startIndex, end: r.endIndex })) : undefined;
    previous?.delete();
    return changed;
  }

  /**
   * Frees the WASM tree once its JavaScript copy is made, keeping the copy: for one-shot analyses,
   * where the copy is all the rules read and the file is never updated. A package's files then
   * hold one WASM tree at a time, not all of them.
   */
  releaseTree(): void {
    if (!this.syntax()) return;
    this.currentTree?.delete();
    this.currentTree = undefined;
    this.previousCopy = undefined;
  }

  /** Frees the tree. The file must not be used afterwards. */
  dispose(): void {
    this.currentTree?.delete();
    this.currentTree = undefined;
    this.currentRoot = undefined;
    this.previousCopy = undefined;
  }
}

interface Point {
  row: number;
  column: number;
}

/** Tree-sitter point (row, UTF-16 column) of an offset, optionally counting on from a known point. */
function pointAt(text: string, offset: number, from = 0, fromPoint: Point = { row: 0, column: 0 }): Point {
  let row = fromPoint.row;
  let lineStart = from - fromPoint.column;
  for (let i = from; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      row++;
      lineStart = i + 1;
    }
  }
  return { row, column: offset - lineStart };
}

function toPoint(p: { line: number; character: number }): Point {
  return { row: p.line, column: p.character };
}

function advancePoint(start: Point, inserted: string): Point {
  const lastBreak = inserted.lastIndexOf('\n');
  if (lastBreak < 0) return { row: start.row, column: start.column + inserted.length };
  let rows = 0;
  for (let i = 0; i <= lastBreak; i++) if (inserted.charCodeAt(i) === 10) rows++;
  return { row: start.row + rows, column: inserted.length - lastBreak - 1 };
}
