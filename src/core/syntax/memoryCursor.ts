/**
 * A tree cursor that reads tree-sitter's own tree in WASM memory instead of calling into WASM.
 *
 * web-tree-sitter's TreeCursor makes one WASM call per property (after copying the cursor into
 * a transfer buffer), so copying a tree costs five or six calls per node: about three times the
 * parse itself. This cursor walks the same structures from JavaScript: the subtrees
 * (lib/src/subtree.h), the grammar's alias and field tables (parser.h), and the stack of entries
 * tree-sitter's own cursor keeps (lib/src/tree_cursor.c, ported step for step). It answers the
 * subset of TreeCursor that copyTree uses, with the same results.
 *
 * The layout is that of the tree-sitter library inside the web-tree-sitter build this engine
 * ships with. {@link memoryLayoutHolds} checks it against the grammar's names when the
 * parser loads, and {@link sameWalk} compares the two cursors node for node on a sample; if
 * either fails (another web-tree-sitter version), the engine keeps web-tree-sitter's cursor.
 */
import type { Language, Tree } from 'web-tree-sitter';

/** What copyTree asks of a cursor (a subset of web-tree-sitter's TreeCursor). */
export interface CopyCursor {
  readonly startIndex: number;
  readonly endIndex: number;
  readonly nodeType: string;
  /** The grammar's number for nodeType. */
  readonly nodeTypeId: number;
  readonly nodeIsNamed: boolean;
  readonly nodeIsMissing: boolean;
  readonly currentFieldName: string | null;
  readonly currentDescendantIndex: number;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  delete(): void;
}

// TSLanguage (parser.h, wasm32): offsets of the fields read here.
const LANG_SYMBOL_COUNT = 4;
const LANG_ALIAS_COUNT = 8;
const LANG_FIELD_COUNT = 32;
const LANG_MAX_ALIAS_SEQUENCE_LENGTH = 36;
const LANG_SYMBOL_NAMES = 56;
const LANG_FIELD_NAMES = 60;
const LANG_FIELD_MAP_SLICES = 64;
const LANG_FIELD_MAP_ENTRIES = 68;
const LANG_SYMBOL_METADATA = 72;
const LANG_PUBLIC_SYMBOL_MAP = 76;
const LANG_ALIAS_SEQUENCES = 84;

// SubtreeHeapData (subtree.h, wasm32).
const HEAP_PADDING_BYTES = 4;
const HEAP_SIZE_BYTES = 16;
const HEAP_CHILD_COUNT = 36;
const HEAP_SYMBOL = 40;
const HEAP_FLAGS = 44; // visible, named, extra, ... is_missing: bit 9
const HEAP_VISIBLE_CHILD_COUNT = 48;
const HEAP_VISIBLE_DESCENDANT_COUNT = 56;
const HEAP_PRODUCTION_ID = 66;
/** sizeof(Subtree): a pointer or an 8-byte inline leaf. */
const SUBTREE_SIZE = 8;
const SYM_ERROR = 0xffff;
/** A bound on the cursor's stack (a 50,000-deep expression needs about 100,000 entries). */
const MAX_DEPTH = 1 << 22;

interface Memory {
  readonly buffer: ArrayBuffer;
}

/** The grammar's tables, read once per language. */
class Tables {
  readonly fieldCount: number;
  readonly maxAliasLength: number;
  readonly fieldMapSlices: number;
  readonly fieldMapEntries: number;
  readonly symbolMetadata: number;
  readonly publicSymbolMap: number;
  readonly aliasSequences: number;

  constructor(
    readonly language: Language,
    readonly address: number,
    u16: Uint16Array,
    u32: Uint32Array,
  ) {
    this.fieldCount = u32[(address + LANG_FIELD_COUNT) >> 2];
    this.maxAliasLength = u16[(address + LANG_MAX_ALIAS_SEQUENCE_LENGTH) >> 1];
    this.fieldMapSlices = u32[(address + LANG_FIELD_MAP_SLICES) >> 2];
    this.fieldMapEntries = u32[(address + LANG_FIELD_MAP_ENTRIES) >> 2];
    this.symbolMetadata = u32[(address + LANG_SYMBOL_METADATA) >> 2];
    this.publicSymbolMap = u32[(address + LANG_PUBLIC_SYMBOL_MAP) >> 2];
    this.aliasSequences = u32[(address + LANG_ALIAS_SEQUENCES) >> 2];
  }

  /** Per production: the field id of each structural child (0: none), from the field map's own (not inherited) entries. */
  private readonly fieldMaps: (Uint16Array | undefined)[] = [];

  /**
   * The field ids of production `production`'s structural children, made on first use: the
   * first entry of its field map slice that names the child and is not inherited, as
   * ts_tree_cursor_current_field_id takes it. Every node of a copy asks for its field.
   */
  fieldsByChild(production: number, u8: Uint8Array, u16: Uint16Array): Uint16Array {
    let map = this.fieldMaps[production];
    if (map) return map;
    const slice = this.fieldMapSlices + production * 4;
    const index = u16[slice >> 1];
    const length = u16[(slice + 2) >> 1];
    let children = 0;
    for (let e = this.fieldMapEntries + index * 4, end = e + length * 4; e < end; e += 4) if (u8[e + 3] === 0) children = Math.max(children, u8[e + 2] + 1);
    map = new Uint16Array(children);
    for (let e = this.fieldMapEntries + index * 4, end = e + length * 4; e < end; e += 4) {
      if (u8[e + 3] === 0 && map[u8[e + 2]] === 0) map[u8[e + 2]] = u16[e >> 1];
    }
    this.fieldMaps[production] = map;
    return map;
  }
}

function cString(u8: Uint8Array, at: number): string {
  let s = '';
  for (let i = at; i < u8.length && u8[i] !== 0; i++) s += String.fromCharCode(u8[i]);
  return s;
}

function addressOf(handle: Language | Tree): number {
  return (handle as unknown as { 0: number })[0];
}

/**
 * Whether this build's TSLanguage layout is the one this file reads: the symbol and alias counts,
 * the field count and every symbol and field name must match what web-tree-sitter reports.
 */
export function memoryLayoutHolds(language: Language, memory: Memory): boolean {
  try {
    const u8 = new Uint8Array(memory.buffer);
    const u32 = new Uint32Array(memory.buffer);
    const at = addressOf(language);
    if (typeof at !== 'number' || at <= 0 || at % 4 !== 0 || at + 128 > u8.length) return false;
    const symbols = u32[(at + LANG_SYMBOL_COUNT) >> 2];
    const aliases = u32[(at + LANG_ALIAS_COUNT) >> 2];
    const fields = u32[(at + LANG_FIELD_COUNT) >> 2];
    if (symbols + aliases !== language.types.length || fields + 1 !== language.fields.length) return false;
    // web-tree-sitter names the visible symbols and the aliases (hidden ones stay undefined)
    const names = u32[(at + LANG_SYMBOL_NAMES) >> 2];
    let named = 0;
    for (let i = 1; i < symbols + aliases; i++) {
      const type = language.types[i];
      if (type === undefined) continue;
      if (cString(u8, u32[(names + 4 * i) >> 2]) !== type) return false;
      named++;
    }
    if (named < (symbols + aliases) / 2) return false;
    const fieldNames = u32[(at + LANG_FIELD_NAMES) >> 2];
    for (let i = 1; i <= fields; i++) if (cString(u8, u32[(fieldNames + 4 * i) >> 2]) !== language.fields[i]) return false;
    return true;
  } catch {
    return false;
  }
}

/**
 * The cursor over tree-sitter's memory, at the root of `tree`. The memory must not change while
 * it is used: no parse, edit or tree deletion in between (copyTree walks a finished tree).
 */
export class MemoryCursor implements CopyCursor {
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;
  private readonly t: Tables;
  private readonly types: string[];
  private readonly fields: (string | null)[];
  // The stack of entries, as tree-sitter's TreeCursorEntry: where the Subtree is stored, its
  // start (bytes), its index among its parent's children (all and structural), and the number
  // of visible nodes before it in the whole tree.
  private slot = new Uint32Array(64);
  private pos = new Uint32Array(64);
  private childIndex = new Uint32Array(64);
  private structural = new Uint32Array(64);
  private descendant = new Uint32Array(64);
  // What the properties read of an entry, found once as it is pushed: the alias its parent's
  // production gives it (0: none), whether the cursor counts it visible, and its field id as
  // ts_tree_cursor_current_field_id finds it (0: none).
  private aliasOf = new Uint16Array(64);
  private visibleOf = new Uint8Array(64);
  private fieldOf = new Uint16Array(64);
  private size = 0;

  constructor(tree: Tree, tables: Tables, memory: Memory) {
    const buffer = memory.buffer;
    this.u8 = new Uint8Array(buffer);
    this.u16 = new Uint16Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.t = tables;
    this.types = tables.language.types;
    this.fields = tables.language.fields;
    const root = addressOf(tree); // TSTree begins with its root Subtree
    this.push(root, this.padding(root), 0, 0, 0, 0, true, 0);
  }

  delete(): void {
    this.size = 0;
  }

  // Subtree fields: an inline leaf has bit 0 of its first byte set; otherwise the slot holds a
  // pointer to SubtreeHeapData, whose children are stored just before it.

  private inline(a: number): boolean {
    return (this.u8[a] & 1) === 1;
  }
  private heap(a: number): number {
    return this.u32[a >> 2];
  }
  private visible(a: number): boolean {
    return this.inline(a) ? (this.u8[a] & 2) !== 0 : (this.u8[this.heap(a) + HEAP_FLAGS] & 1) !== 0;
  }
  private named(a: number): boolean {
    return this.inline(a) ? (this.u8[a] & 4) !== 0 : (this.u8[this.heap(a) + HEAP_FLAGS] & 2) !== 0;
  }
  private extra(a: number): boolean {
    return this.inline(a) ? (this.u8[a] & 8) !== 0 : (this.u8[this.heap(a) + HEAP_FLAGS] & 4) !== 0;
  }
  private missing(a: number): boolean {
    return this.inline(a) ? (this.u8[a] & 32) !== 0 : (this.u8[this.heap(a) + HEAP_FLAGS + 1] & 2) !== 0;
  }
  private symbol(a: number): number {
    return this.inline(a) ? this.u8[a + 1] : this.u16[(this.heap(a) + HEAP_SYMBOL) >> 1];
  }
  private childCount(a: number): number {
    return this.inline(a) ? 0 : this.u32[(this.heap(a) + HEAP_CHILD_COUNT) >> 2];
  }
  private padding(a: number): number {
    return this.inline(a) ? this.u8[a + 6] : this.u32[(this.heap(a) + HEAP_PADDING_BYTES) >> 2];
  }
  private sizeBytes(a: number): number {
    return this.inline(a) ? this.u8[a + 7] : this.u32[(this.heap(a) + HEAP_SIZE_BYTES) >> 2];
  }
  private visibleChildCount(a: number): number {
    return this.childCount(a) > 0 ? this.u32[(this.heap(a) + HEAP_VISIBLE_CHILD_COUNT) >> 2] : 0;
  }
  private visibleDescendantCount(a: number): number {
    return this.childCount(a) > 0 ? this.u32[(this.heap(a) + HEAP_VISIBLE_DESCENDANT_COUNT) >> 2] : 0;
  }
  private productionId(a: number): number {
    return this.u16[(this.heap(a) + HEAP_PRODUCTION_ID) >> 1];
  }
  /** The alias the parent's production gives its structural child `index` (0: none). */
  private aliasAt(production: number, index: number): number {
    return production === 0 ? 0 : this.u16[(this.t.aliasSequences >> 1) + production * this.t.maxAliasLength + index];
  }

  /**
   * Pushes an entry: `alias` and `visible` are what scan found for it (the root: none, visible)
   * and `production` is its parent's; its field is found here, once per entry.
   */
  private push(slot: number, pos: number, child: number, structural: number, descendant: number, alias: number, visible: boolean, production: number): void {
    if (this.size === this.slot.length) {
      // No tree is this deep: a walk that gets here is reading memory that is not a tree.
      if (this.size >= MAX_DEPTH) throw new Error('memory cursor: not a tree-sitter tree');
      const grow = <A extends Uint32Array | Uint16Array | Uint8Array>(a: A): A => {
        const b = new (a.constructor as new (length: number) => A)(a.length * 2);
        b.set(a);
        return b;
      };
      this.slot = grow(this.slot);
      this.pos = grow(this.pos);
      this.childIndex = grow(this.childIndex);
      this.structural = grow(this.structural);
      this.descendant = grow(this.descendant);
      this.aliasOf = grow(this.aliasOf);
      this.visibleOf = grow(this.visibleOf);
      this.fieldOf = grow(this.fieldOf);
    }
    const i = this.size++;
    this.slot[i] = slot;
    this.pos[i] = pos;
    this.childIndex[i] = child;
    this.structural[i] = structural;
    this.descendant[i] = descendant;
    // ts_tree_cursor_current_node's alias, ts_tree_cursor_is_entry_visible, and
    // ts_tree_cursor_current_field_id, which goes up through the hidden entries above this one
    // (the root has no field).
    this.aliasOf[i] = alias;
    this.visibleOf[i] = visible ? 1 : 0;
    let field = 0;
    if (i > 0 && !this.extra(slot) && this.t.fieldCount > 0) {
      const byChild = this.t.fieldsByChild(production, this.u8, this.u16);
      field = structural < byChild.length ? byChild[structural] : 0;
      if (field === 0 && i > 1 && this.visibleOf[i - 1] === 0) field = this.fieldOf[i - 1];
    }
    this.fieldOf[i] = field;
  }

  /** ts_tree_cursor_is_entry_visible. */
  private entryVisible(i: number): boolean {
    return this.visibleOf[i] === 1;
  }

  // The child iterator of tree_cursor.c, unrolled into the two moves that use it: the parent is
  // the entry at `top`; its children are visited from (child, structural, position, descendant).

  /**
   * Visits the children of entry `top` from the given state, pushing the first that is visible
   * or hides visible nodes. Skips the child at `child` itself when `skipFirst` (a sibling move
   * starts after the node it was on). Returns 2 for a visible node, 1 for a hidden one, 0 for none.
   */
  private scan(top: number, child: number, structural: number, pos: number, descendant: number, skipFirst: boolean, initialSize: number): number {
    const parent = this.slot[top];
    const count = this.childCount(parent);
    if (count === 0) return 0;
    const production = this.productionId(parent);
    const children = this.heap(parent) - count * SUBTREE_SIZE;
    if (children < 0 || children + count * SUBTREE_SIZE > this.u8.length) throw new Error('memory cursor: not a tree-sitter tree');
    let first = skipFirst;
    while (child < count) {
      const a = children + child * SUBTREE_SIZE;
      const entryChild = child;
      const entryStructural = structural;
      const entryPos = pos;
      const entryDescendant = descendant;
      const extra = this.extra(a);
      const alias = extra ? 0 : this.aliasAt(production, structural);
      const visible = alias !== 0 || this.visible(a);
      if (!extra) structural++;
      descendant += this.visibleDescendantCount(a);
      if (visible) descendant++;
      pos += this.sizeBytes(a);
      child++;
      if (child < count) pos += this.padding(children + child * SUBTREE_SIZE);
      if (first) {
        first = false;
        // goto_sibling_internal: a visible ancestor bounds the move
        if (visible && top + 2 < initialSize) return -1;
        continue;
      }
      if (visible) {
        this.push(a, entryPos, entryChild, entryStructural, entryDescendant, alias, true, production);
        return 2;
      }
      if (this.visibleChildCount(a) > 0) {
        this.push(a, entryPos, entryChild, entryStructural, entryDescendant, alias, false, production);
        return 1;
      }
    }
    return 0;
  }

  /** ts_tree_cursor_goto_first_child_internal. */
  private firstChildStep(): number {
    const top = this.size - 1;
    const descendant = this.descendant[top] + (this.entryVisible(top) ? 1 : 0);
    return this.scan(top, 0, 0, this.pos[top], descendant, false, this.size);
  }

  gotoFirstChild(): boolean {
    for (;;) {
      const step = this.firstChildStep();
      if (step === 2) return true;
      if (step !== 1) return false;
    }
  }

  gotoNextSibling(): boolean {
    const initialSize = this.size;
    while (this.size > 1) {
      const i = --this.size; // pop the entry; its parent is now on top
      const step = this.scan(this.size - 1, this.childIndex[i], this.structural[i], this.pos[i], this.descendant[i], true, initialSize);
      if (step === -1) break;
      if (step === 2) return true;
      if (step === 1) {
        this.gotoFirstChild();
        return true;
      }
    }
    this.size = initialSize;
    return false;
  }

  gotoParent(): boolean {
    for (let i = this.size - 2; i >= 0; i--) {
      if (this.entryVisible(i)) {
        this.size = i + 1;
        return true;
      }
    }
    return false;
  }

  get startIndex(): number {
    return this.pos[this.size - 1] >>> 1; // UTF-16 input: two bytes a code unit
  }

  get endIndex(): number {
    const top = this.size - 1;
    return (this.pos[top] + this.sizeBytes(this.slot[top])) >>> 1;
  }

  get currentDescendantIndex(): number {
    return this.descendant[this.size - 1];
  }

  /** The alias of the current node, as ts_tree_cursor_current_node finds it (the root has none). */
  private alias(): number {
    return this.aliasOf[this.size - 1];
  }

  get nodeTypeId(): number {
    const alias = this.alias();
    const symbol = alias !== 0 ? alias : this.symbol(this.slot[this.size - 1]);
    return symbol === SYM_ERROR ? symbol : this.u16[(this.t.publicSymbolMap >> 1) + symbol];
  }

  get nodeType(): string {
    return this.types[this.nodeTypeId] || 'ERROR';
  }

  get nodeIsNamed(): boolean {
    const alias = this.alias();
    if (alias === 0) return this.named(this.slot[this.size - 1]);
    return alias === SYM_ERROR || this.u8[this.t.symbolMetadata + alias * 3 + 1] !== 0;
  }

  get nodeIsMissing(): boolean {
    return this.missing(this.slot[this.size - 1]);
  }

  /** ts_tree_cursor_current_field_id, then its name. */
  get currentFieldName(): string | null {
    const field = this.fieldOf[this.size - 1];
    return field === 0 ? null : this.fields[field] ?? null;
  }
}

/** Makes cursors over one language's trees in one WASM memory. */
export class MemoryWalker {
  private tables: Tables | undefined;
  constructor(
    private readonly language: Language,
    private readonly memory: Memory,
  ) {}

  walk(tree: Tree): MemoryCursor {
    const buffer = this.memory.buffer;
    if (!this.tables) this.tables = new Tables(this.language, addressOf(this.language), new Uint16Array(buffer), new Uint32Array(buffer));
    return new MemoryCursor(tree, this.tables, this.memory);
  }
}

/**
 * Walks two cursors over the same tree in document order and says where they first differ
 * (undefined when they agree on every node: type and its number, named, missing, field, range
 * and index).
 */
export function sameWalk(a: CopyCursor, b: CopyCursor): string | undefined {
  const describe = (c: CopyCursor) => `${c.nodeType}#${c.nodeTypeId}/${c.nodeIsNamed}/${c.startIndex === c.endIndex && c.nodeIsMissing}/${c.currentFieldName}/${c.startIndex}-${c.endIndex}#${c.currentDescendantIndex}`;
  for (;;) {
    const x = describe(a);
    const y = describe(b);
    if (x !== y) return `${x} != ${y}`;
    const down = a.gotoFirstChild();
    if (down !== b.gotoFirstChild()) return `first child of ${x}`;
    if (down) continue;
    for (;;) {
      const next = a.gotoNextSibling();
      if (next !== b.gotoNextSibling()) return `next sibling of ${x}`;
      if (next) break;
      const up = a.gotoParent();
      if (up !== b.gotoParent()) return `parent of ${x}`;
      if (!up) return undefined;
    }
  }
}

